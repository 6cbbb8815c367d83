# HL104 fixture: containers holding themselves, doubly linked nodes.
import weakref
from collections import deque

items = [1, 2, 3]
items.append(items)  # expect: HL104

registry = {}
registry["registry"] = registry  # expect: HL104

history = deque(maxlen=5)
history.append(history)  # expect: HL104


class Node:
    def __init__(self, value):
        self.value = value
        self.prev = None
        self.next = None


class DoublyLinkedList:
    def __init__(self):
        self.head = None
        self.tail = None

    def push(self, value):
        node = Node(value)
        if self.tail is None:
            self.head = self.tail = node
        else:
            node.prev = self.tail
            self.tail.next = node  # expect: HL104
            self.tail = node
        return node


# Hard negatives -----------------------------------------------------------

copies = [1, 2]
copies.append(list(copies))
copies.extend(copies)

settings = {"a": 1}
settings["copy"] = dict(settings)

grid = [[0] * 3 for _ in range(3)]
row = [0]
table = [row, row]


class SinglyLinked:
    def __init__(self, value, next=None):
        self.value = value
        self.next = next


class WeakPrevNode:
    def __init__(self, value):
        self.value = value
        self.next = None
        self._prev = None


def link_weak(a, b):
    a.next = b
    b._prev = weakref.ref(a)


def link(a, b):
    a.right = b
    b.left = a


def unlink(a, b):
    a.right = None
    b.left = None
