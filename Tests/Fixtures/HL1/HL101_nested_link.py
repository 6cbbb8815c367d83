# HL101 fixture: a sentinel node of a class nested in its owner (`Owner.Node()`), linked to itself, in a
# class whose `unlink` only rewires neighbours (`prev.next = next`): rewiring moves a link to another node
# and releases nothing, so it is no teardown of the sentinel's self-link.


class LinkedCache:
    class Link:
        __slots__ = ("key", "prev", "next")

        def __init__(self, key=None):
            self.key = key

        def unlink(self):
            next = self.next
            prev = self.prev
            prev.next = next
            next.prev = prev  # expect: HL104 (the neighbours now hold each other both ways: a true 2-cycle)

    def __init__(self):
        self.root = root = LinkedCache.Link()
        root.prev = root.next = root  # expect: HL101


class Detachable:
    def __init__(self):
        self.peer = None

    def close(self):
        self.peer.peer = None  # a store of None is a teardown


def pair():
    a = Detachable()
    a.peer = a
    return a
