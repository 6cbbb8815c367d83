extension InstanceAttributeCycle {
    static let examples: [RuleExample] = [
        // The back-reference is stored by the base class's `__init__`, reached through `super()`.
        .triggering("""
            class Base:
                def __init__(self, owner, **kwargs):
                    self.owner = owner
                    self.options = kwargs


            class Child(Base):
                def __init__(self, owner, **kwargs):
                    super().__init__(owner, **kwargs)


            class Owner:
                def __init__(self):
                    ↓self.child = Child(self, name="x")


            Owner()

            """),
        .nonTriggering("""
            class Base:
                def __init__(self, owner, **kwargs):
                    self.owner_id = id(owner)
                    self.options = kwargs


            class Child(Base):
                def __init__(self, owner, **kwargs):
                    super().__init__(owner, **kwargs)


            class Owner:
                def __init__(self):
                    self.child = Child(self, name="x")


            Owner()

            """),
        .triggering("""
            class Node:
                def __init__(self, name):
                    self.name = name
                    self.parent = None
                    self.children = []

                def add(self, child):
                    child.parent = self
                    ↓self.children.append(child)


            root = Node("root")
            root.add(Node("leaf"))

            """),
        .triggering("""
            class Node:
                def __init__(self, name, parent=None):
                    self.name = name
                    self.parent = parent
                    self.children = []

                def add_child(self, name):
                    child = Node(name, parent=self)
                    ↓self.children.append(child)
                    return child


            root = Node("root")
            root.add_child("leaf")

            """),
        .triggering("""
            class Session:
                def __init__(self, name):
                    self.name = name
                    self.peer = None


            def pair_sessions():
                a = Session("a")
                b = Session("b")
                a.peer = b
                ↓b.peer = a
                del a, b


            pair_sessions()

            """),
        .triggering("""
            class Config:
                def __init__(self, values):
                    self.values = dict(values)
                    ↓self.root = self


            config = Config({"debug": True})

            """),
        .triggering("""
            class Widget:
                def __init__(self, parent=None):
                    self.parent = parent
                    self.children = []
                    if parent is not None:
                        ↓parent.children.append(self)


            window = Widget()
            button = Widget(window)

            """),
        .triggering("""
            from dataclasses import dataclass, field


            @dataclass
            class Employee:
                name: str
                manager: "Employee | None" = None
                reports: list = field(default_factory=list)


            def build_team():
                boss = Employee("Ada")
                worker = Employee("Bob", manager=boss)
                ↓boss.reports.append(worker)


            build_team()

            """),
        .triggering("""
            class Account:
                def __init__(self, owner):
                    self.owner = owner


            class Customer:
                def __init__(self, name):
                    self.name = name
                    self.account = None


            def open_account(name):
                customer = Customer(name)
                ↓customer.account = Account(customer)
                return customer


            open_account("Ada")

            """),
        // A WeakKeyDictionary holds only its keys weakly: the value refers back to the owner.
        .triggering("""
            import weakref


            class View:
                def __init__(self, owner):
                    self.owner = owner


            class Owner:
                def __init__(self):
                    self.views = weakref.WeakKeyDictionary()
                    ↓self.views[self] = View(self)


            Owner()

            """),
        // The cycle is closed by two calls, neither of which is a cycle alone: the constructor stores `a`
        // on the new `B`, the setter stores the `B` on `a`.
        .triggering("""
            class Session:
                def __init__(self):
                    self.transport = None

                def attach(self, transport):
                    self.transport = transport


            class Transport:
                def __init__(self, session):
                    self.session = session


            def connect():
                session = Session()
                transport = Transport(session)
                ↓session.attach(transport)
                return session


            connect()

            """),
        .nonTriggering("""
            class Session:
                def __init__(self):
                    self.transport = None

                def attach(self, transport):
                    self.transport = transport


            class Transport:
                def __init__(self, name):
                    self.name = name


            def connect():
                session = Session()
                transport = Transport("tcp")
                session.attach(transport)
                return session


            connect()

            """),
        // A container class deriving from a weak one holds its members weakly (SQLAlchemy `util.WeakSequence`).
        .nonTriggering("""
            import weakref


            class WeakMembers(weakref.WeakSet):
                pass


            class Mapper:
                def __init__(self, inherits=None):
                    self.inheriting = WeakMembers()
                    self.inherits = inherits
                    if inherits is not None:
                        inherits.inheriting.add(self)


            base = Mapper()
            Mapper(base)

            """),
        .nonTriggering("""
            class Node:
                def __init__(self, value, next=None):
                    self.value = value
                    self.next = next


            head = None
            for value in range(5):
                head = Node(value, head)
            head.next.next = Node(99)

            """),
        .nonTriggering("""
            class Tree:
                def __init__(self, label):
                    self.label = label
                    self.children = []

                def add(self, label):
                    child = Tree(label)
                    self.children.append(child)
                    return child


            root = Tree("root")
            root.add("a").add("b")

            """),
        .nonTriggering("""
            import weakref


            class Node:
                def __init__(self, name, parent=None):
                    self.name = name
                    self.parent = weakref.ref(parent) if parent is not None else None
                    self.children = []

                def add(self, name):
                    child = Node(name, parent=self)
                    self.children.append(child)
                    return child


            root = Node("root")
            root.add("leaf")

            """),
        .nonTriggering("""
            class Pool:
                def __init__(self):
                    self.connections = []


            class Connection:
                def __init__(self, pool):
                    self.pool = pool
                    pool.connections.append(self)

                def close(self):
                    self.pool.connections.remove(self)
                    self.pool = None


            pool = Pool()
            conn = Connection(pool)
            conn.close()

            """),
        .nonTriggering("""
            import weakref


            class Registry:
                def __init__(self):
                    self.members = weakref.WeakSet()


            class Member:
                def __init__(self, registry):
                    self.registry = registry
                    registry.members.add(self)


            registry = Registry()
            member = Member(registry)

            """),
        .nonTriggering("""
            class Peer:
                def __init__(self):
                    self.other = None


            a = Peer()
            b = Peer()
            a.other = b
            b.other = a
            b.other = None
            del a, b

            """),
        .nonTriggering("""
            class Job:
                def __init__(self):
                    self.owner = None


            class Worker:
                def __init__(self):
                    self.job = None


            def run_once():
                worker = Worker()
                job = Job()
                worker.job = job
                job.owner = worker
                try:
                    return 42
                finally:
                    job.owner = None


            run_once()

            """),
        .nonTriggering("""
            class MyObj:
                def __init__(self, name):
                    self.name = name

                def __del__(self):
                    print(self.name + " deleted")


            try:
                obj1 = MyObject("Obj1")
                onj2 = MyObject("obj2")
                obj1.ref = obj2
                obj2.ref = obj1
            except NameError as error:
                print("the sample as written fails:", error)

            """),
    ]
}
