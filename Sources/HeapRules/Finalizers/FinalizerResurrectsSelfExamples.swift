extension FinalizerResurrectsSelf {
    static let examples: [RuleExample] = [
        .triggering("""
            _graveyard = []


            class Connection:
                def __init__(self, host):
                    self.host = host

                def __del__(self):
                    ↓_graveyard.append(self)


            conn = Connection("db")
            del conn

            """),
        .triggering("""
            class Buffer:
                _free = []

                def __init__(self, size):
                    self.data = bytearray(size)

                def __del__(self):
                    ↓self._free.append(self)


            buf = Buffer(1024)
            del buf

            """),
        .triggering("""
            last_closed = None


            class Session:
                def __del__(self):
                    global last_closed
                    ↓last_closed = self


            session = Session()
            del session

            """),
        .triggering("""
            class Worker:
                retired = {}

                def __init__(self, name):
                    self.name = name

                def __del__(self):
                    ↓Worker.retired[self.name] = self


            w = Worker("w1")
            del w

            """),
        .triggering("""
            class Pooled:
                pool = []

                def __del__(self):
                    ↓type(self).pool.append(self)


            p = Pooled()
            del p

            """),
        .triggering("""
            import queue

            recycled = queue.SimpleQueue()


            class Frame:
                def __del__(self):
                    ↓recycled.put(self)


            f = Frame()
            del f

            """),
        .triggering("""
            class Tracked:
                instances = set()

                def __del__(self):
                    ↓self.__class__.instances.add(self)


            t = Tracked()
            del t

            """),
        .nonTriggering("""
            class Connection:
                def __init__(self, host):
                    self.host = host

                def __del__(self):
                    print("closing", self.host)


            conn = Connection("db")
            del conn

            """),
        .nonTriggering("""
            _closed_hosts = []


            class Connection:
                def __init__(self, host):
                    self.host = host

                def __del__(self):
                    _closed_hosts.append(self.host)


            conn = Connection("db")
            del conn

            """),
        .nonTriggering("""
            class Node:
                def __init__(self):
                    self.children = []

                def __del__(self):
                    self.children.clear()


            node = Node()
            del node

            """),
        .nonTriggering("""
            class Job:
                def __del__(self):
                    pending = []
                    pending.append(self)
                    print(len(pending))


            job = Job()
            del job

            """),
        .nonTriggering("""
            import logging


            class Resource:
                def __init__(self, name):
                    self.name = name

                def __del__(self):
                    logging.getLogger("resources").debug("finalizing %s", self.name)


            resource = Resource("r")
            del resource

            """),
        .nonTriggering("""
            _freed_ids = []


            class Slot:
                def __del__(self):
                    _freed_ids.append(id(self))


            slot = Slot()
            del slot

            """),
    ]
}
