# Known miss (issue 25): teardown is tracked by attribute name, not by object. reset() clears `parent`
# on an unrelated Cache, and that hides the real Node.children -> list -> Node, Node.parent -> Node cycle
# (without reset(), the same code is reported). CPython: Tests/python/test_known_misses.py.
class Cache:
    def __init__(self):
        self.parent = None


class Node:
    def __init__(self):
        self.parent = None
        self.children = []
        self.cache = Cache()

    def add(self, child):
        child.parent = self
        self.children.append(child)  # missed: HL101 (self.cache.parent = None in reset() is taken as this cycle's teardown)

    def reset(self):
        self.cache.parent = None


root = Node()
root.add(Node())
