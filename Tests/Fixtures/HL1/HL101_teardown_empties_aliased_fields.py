# The fix of HL101_teardown_empties_another_field.py: the teardown also empties `entries` through a
# local bound from `self` fields only (`for container in (self.entries, self._index)`), so close() drops
# each Entry and nothing is left for the cyclic garbage collector.
class Entry:
    def __init__(self, key):
        self.key = key
        self.registry = None


class Registry:
    def __init__(self):
        self.entries = []
        self._index = {}

    def add(self, entry):
        entry.registry = self
        self.entries.append(entry)
        self._index.setdefault(entry.key, set()).add(id(entry))

    def close(self):
        for container in (self.entries, self._index):
            container.clear()


registry = Registry()
registry.add(Entry("a"))
registry.close()
