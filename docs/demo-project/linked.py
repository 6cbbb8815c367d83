# HL1 reference cycles / HL2 finalizers: doubly linked nodes (HL104), a finalizer that resurrects (HL202).
_recycled = []


class Node:
    def __init__(self, value):
        self.value = value
        self.prev = None
        self.next = None


class Chain:
    def __init__(self):
        self.head = self.tail = None

    def push(self, value):
        node = Node(value)
        if self.tail is None:
            self.head = self.tail = node
        else:
            node.prev = self.tail
            self.tail.next = node
            self.tail = node


class Buffer:
    def __init__(self, size):
        self.data = bytearray(size)

    def __del__(self):
        _recycled.append(self)
