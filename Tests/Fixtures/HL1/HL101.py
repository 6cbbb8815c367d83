# HL101 fixture: instance-attribute cycles, with hard negatives.
import weakref
from dataclasses import dataclass, field


class TreeNode:
    def __init__(self, name):
        self.name = name
        self.parent = None
        self.children = []

    def add(self, child):
        child.parent = self
        self.children.append(child)  # expect: HL101
        return child


class Category:
    def __init__(self, title, parent=None):
        self.title = title
        self.parent = parent
        self.subcategories = []

    def new_subcategory(self, title):
        sub = Category(title, parent=self)
        self.subcategories.append(sub)  # expect: HL101
        return sub


class Document:
    def __init__(self):
        self.sections = {}


class Section:
    def __init__(self, document, key):
        self.document = document
        document.sections[key] = self  # hard negative: `sections` of an unknown-class parameter is not trusted


@dataclass
class Employee:
    name: str
    manager: "Employee | None" = None
    reports: list = field(default_factory=list)


def hire(name, manager):
    employee = Employee(name, manager=manager)
    manager.reports.append(employee)  # expect: HL101
    return employee


class Engine:
    def __init__(self, car):
        self.car = car


class Car:
    def __init__(self):
        self.engine = Engine(self)  # expect: HL101


# Hard negatives -----------------------------------------------------------

class ListNode:
    def __init__(self, value, next=None):
        self.value = value
        self.next = next


def build_list(values):
    head = None
    for value in reversed(values):
        head = ListNode(value, head)
    node = ListNode(0)
    node.next = ListNode(1)
    return head


class PlainTree:
    def __init__(self, label):
        self.label = label
        self.children = []

    def add(self, label):
        child = PlainTree(label)
        self.children.append(child)
        return child


class WeakParentNode:
    def __init__(self, name, parent=None):
        self.name = name
        self._parent = weakref.ref(parent) if parent is not None else None
        self.children = []

    def add(self, name):
        child = WeakParentNode(name, parent=self)
        self.children.append(child)
        return child


class Pool:
    def __init__(self):
        self.connections = []


class PooledConnection:
    def __init__(self, pool):
        self.pool = pool
        pool.connections.append(self)

    def close(self):
        self.pool.connections.remove(self)
        self.pool = None


class Handler:
    def __init__(self):
        self.peer = None


def pair_and_release():
    a = Handler()
    b = Handler()
    a.peer = b
    b.peer = a
    try:
        return a is not b
    finally:
        b.peer = None


class Registry:
    def __init__(self):
        self.members = weakref.WeakSet()


class Member:
    def __init__(self, registry):
        self.registry = registry
        registry.members.add(self)


class Toggle:
    def __init__(self, flag):
        self.other = None
        if flag:
            self.mode = "a"
        else:
            self.mode = "b"


def resolve_types(cls):
    cls.__resolved__ = cls  # a class object is cyclic anyway: not reported
    return cls


class Plugin:
    registry = []

    def __init_subclass__(cls, **kwargs):
        cls.default = cls
