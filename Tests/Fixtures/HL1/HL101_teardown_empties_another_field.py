# blinker 1.9.0's Signal (the cycle census, issue 25): a teardown empties containers it reaches through a
# local (`for bucket in self._index.values(): bucket.clear()`). The local is bound only from `self._index`,
# so only `_index`'s containers lose their items: `entries` keeps each Entry, whose `registry` points
# back, and Registry -> entries list -> Entry -> Registry stays cyclic garbage after close().
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
        self.entries.append(entry)  # expect: HL101
        self._index.setdefault(entry.key, set()).add(id(entry))

    def close(self):
        for bucket in self._index.values():
            bucket.clear()


registry = Registry()
registry.add(Entry("a"))
registry.close()
