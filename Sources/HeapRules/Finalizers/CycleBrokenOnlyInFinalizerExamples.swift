extension CycleBrokenOnlyInFinalizer {
    static let examples: [RuleExample] = [
        .triggering("""
            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(self)

                def __del__(self):
                    ↓self.handler = None


            Connection()

            """),
        // A private helper that only `__del__` calls is as late as `__del__` itself.
        .triggering("""
            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(self)

                def _release(self):
                    ↓self.handler = None

                def __del__(self):
                    self._release()


            Connection()

            """),
        .triggering("""
            class Node:
                def __init__(self, parent=None):
                    self.parent = parent
                    self.children = []
                    if parent is not None:
                        parent.children.append(self)

                def __del__(self):
                    ↓self.children.clear()


            root = Node()
            Node(root)

            """),
        .triggering("""
            class Button:
                def __init__(self):
                    self.on_click = self.default_click

                def default_click(self):
                    return "clicked"

                def __del__(self):
                    ↓self.on_click = None


            Button()

            """),
        .triggering("""
            class Session:
                def __init__(self, name):
                    self.name = name
                    self.peer = None

                def __del__(self):
                    ↓del self.peer


            a = Session("a")
            b = Session("b")
            a.peer = b
            b.peer = a

            """),
        // A name-mangled private method called only from `__del__`, through a helper it calls.
        .triggering("""
            class Worker:
                def __init__(self):
                    self.job = Job(self)

                def __forget(self):
                    ↓self.job = None

                def _teardown_refs(self):
                    self.__forget()

                def __del__(self):
                    self._teardown_refs()


            class Job:
                def __init__(self, worker):
                    self.worker = worker


            Worker()

            """),
        .triggering("""
            class Parser:
                def __init__(self):
                    self.state = State(self)

                def __del__(self):
                    try:
                        pass
                    finally:
                        ↓self.state = None


            class State:
                def __init__(self, parser):
                    self.parser = parser


            Parser()

            """),
        // A public close() may be called by users: it counts as teardown, even if __del__ calls it too.
        .nonTriggering("""
            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(self)

                def close(self):
                    self.handler = None

                def __del__(self):
                    self.close()


            Connection().close()

            """),
        .nonTriggering("""
            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(self)

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    self.handler = None


            with Connection():
                pass

            """),
        // The private helper is also called from close(): not finalizer-only.
        .nonTriggering("""
            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(self)

                def _release(self):
                    self.handler = None

                def close(self):
                    self._release()

                def __del__(self):
                    self._release()


            Connection().close()

            """),
        // No cycle to break: the back-reference is weak, so __del__ runs as soon as the last name goes.
        .nonTriggering("""
            import weakref


            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(weakref.proxy(self))

                def __del__(self):
                    self.handler = None


            Connection()

            """),
        .nonTriggering("""
            class Buffer:
                def __init__(self, size):
                    self.data = bytearray(size)

                def __del__(self):
                    self.data = None


            Buffer(16)

            """),
        // asyncio's transport calls connection_lost: a framework lifecycle callback.
        .nonTriggering("""
            class Protocol:
                def __init__(self):
                    self.reader = Reader(self)

                def connection_lost(self, exc):
                    self.reader = None

                def __del__(self):
                    self.reader = None


            class Reader:
                def __init__(self, protocol):
                    self.protocol = protocol


            Protocol().connection_lost(None)

            """),
        // The helper is handed to atexit as well: it runs without __del__.
        .nonTriggering("""
            import atexit


            class Handler:
                def __init__(self, connection):
                    self.connection = connection


            class Connection:
                def __init__(self):
                    self.handler = Handler(self)

                def _drop_handler(self):
                    self.handler = None

                def __del__(self):
                    self._drop_handler()


            connection = Connection()
            atexit.register(connection._drop_handler)
            connection._drop_handler()
            atexit.unregister(connection._drop_handler)

            """),
    ]
}
