# Issue 25: teardown is a kill of one object's slot, not of an attribute name. reset() clears `parent` on
# the Cache that `self.cache` is constructed from, not on a Node, so the real Node.children -> list -> Node,
# Node.parent -> Node cycle stays (CPython leaves it as cyclic garbage after reset()).
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
        self.children.append(child)  # expect: HL101

    def reset(self):
        self.cache.parent = None


root = Node()
root.add(Node())
root.reset()
