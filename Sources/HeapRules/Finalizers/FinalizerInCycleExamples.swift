extension FinalizerInCycle {
    static let examples: [RuleExample] = [
        .triggering("""
            class Node:
                def __init__(self, name, parent=None):
                    self.name = name
                    self.parent = parent
                    self.children = []
                    if parent is not None:
                        parent.children.append(self)

                def ↓__del__(self):
                    print(self.name, "finalized")


            root = Node("root")
            Node("leaf", root)

            """),
        .triggering("""
            class MyObj:
                def __init__(self, name):
                    self.name = name
                    print(self.name)

                def ↓__del__(self):
                    print(self.name + " deleted")


            def pair_objects():
                obj1 = MyObj("Obj1")
                obj2 = MyObj("obj2")
                obj1.ref = obj2
                obj2.ref = obj1
                del obj1
                del obj2


            pair_objects()

            """),
        .triggering("""
            class Client:
                def __init__(self):
                    self.callback = self.on_message

                def on_message(self, message):
                    print(message)

                def ↓__del__(self):
                    print("client finalized")


            client = Client()

            """),
        .triggering("""
            class Resource:
                def ↓__del__(self):
                    print("releasing", type(self).__name__)


            class Session(Resource):
                def __init__(self):
                    self.handlers = {"quit": self.on_quit}

                def on_quit(self):
                    print("quitting")


            session = Session()

            """),
        .triggering("""
            class Node:
                def __init__(self, value):
                    self.value = value
                    self.prev = None
                    self.next = None

                def ↓__del__(self):
                    print("node", self.value, "finalized")


            def link_nodes():
                a = Node(1)
                b = Node(2)
                a.next = b
                b.prev = a


            link_nodes()

            """),
        .triggering("""
            class Handle:
                def __init__(self):
                    self.registry = [self]

                def ↓__del__(self):
                    print("handle closed")


            handle = Handle()

            """),
        // A generator made from a method and stored on `self`: its suspended frame holds `self`.
        .triggering("""
            class Reader:
                def __init__(self, lines):
                    self.lines = lines
                    self._rows = self._produce()
                    next(self._rows)

                def _produce(self):
                    for line in self.lines:
                        yield line.strip()

                def ↓__del__(self):
                    print("reader closed")


            Reader(["a", "b"])

            """),
        // A caught exception stored on `self`: its traceback holds the frame of `run`, which holds `self`.
        .triggering("""
            class Job:
                def run(self):
                    try:
                        raise ValueError("boom")
                    except ValueError as exc:
                        self.error = exc

                def ↓__del__(self):
                    print("job finalized")


            Job().run()

            """),
        // The same job keeping only the message: no traceback, no frame, no cycle.
        .nonTriggering("""
            class Job:
                def run(self):
                    try:
                        raise ValueError("boom")
                    except ValueError as exc:
                        self.error = str(exc)

                def __del__(self):
                    print("job finalized")


            Job().run()

            """),
        // A generator over a plain list, not a method of `self`: its frame does not hold the reader.
        .nonTriggering("""
            def produce(lines):
                for line in lines:
                    yield line.strip()


            class Reader:
                def __init__(self, lines):
                    self._rows = produce(lines)
                    next(self._rows)

                def __del__(self):
                    print("reader closed")


            Reader(["a", "b"])

            """),
        .nonTriggering("""
            class TempFile:
                def __init__(self, path):
                    self.path = path

                def __del__(self):
                    print("removing", self.path)


            temp = TempFile("/tmp/heaplint-example")

            """),
        .nonTriggering("""
            import weakref


            class Node:
                def __init__(self, name, parent=None):
                    self.name = name
                    self.parent = weakref.ref(parent) if parent else None
                    self.children = []
                    if parent:
                        parent.children.append(self)

                def __del__(self):
                    print(self.name, "finalized")


            root = Node("root")
            Node("leaf", root)

            """),
        .nonTriggering("""
            class Channel:
                def __init__(self):
                    self.handler = self.on_data

                def on_data(self, data):
                    return data

                def close(self):
                    self.handler = None

                def __del__(self):
                    self.close()


            channel = Channel()
            channel.close()

            """),
        .nonTriggering("""
            class Transaction:
                def __init__(self):
                    self.owner = None

                def __enter__(self):
                    self.owner = self
                    return self

                def __exit__(self, *exc):
                    self.owner = None

                def __del__(self):
                    pass


            with Transaction():
                pass

            """),
        .nonTriggering("""
            class Node:
                __slots__ = ("value", "next")

                def __init__(self, value, next=None):
                    self.value = value
                    self.next = next

                def __del__(self):
                    pass


            head = Node(1, Node(2, Node(3)))

            """),
        .nonTriggering("""
            import weakref


            class Connection:
                def __init__(self):
                    self.peer = None


            def closed():
                print("closed")


            a = Connection()
            b = Connection()
            a.peer = b
            weakref.finalize(a, closed)

            """),
    ]
}
