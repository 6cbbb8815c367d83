extension GeneratorStoredOnObject {
    static let examples: [RuleExample] = [
        .triggering("""
            class Reader:
                def __init__(self, lines):
                    self.lines = lines
                    ↓self._rows = self._parse()

                def _parse(self):
                    for line in self.lines:
                        yield line.split(",")


            Reader(["a,b", "c,d"])

            """),
        .triggering("""
            class Counter:
                def __init__(self, limit):
                    self.limit = limit
                    ↓self.steps = self.count()

                def count(self):
                    n = 0
                    while n < self.limit:
                        yield n
                        n += 1


            counter = Counter(3)
            next(counter.steps)
            del counter

            """),
        .triggering("""
            def pages(book):
                for page in range(book.size):
                    yield page


            class Book:
                def __init__(self, size):
                    self.size = size

                def start(self):
                    ↓self.cursor = pages(self)


            Book(10).start()

            """),
        .triggering("""
            class Stream:
                def __init__(self):
                    self.handlers = {}

                def subscribe(self, name):
                    ↓self.handlers[name] = self._events(name)

                def _events(self, name):
                    yield name


            Stream().subscribe("tick")

            """),
        .triggering("""
            class Base:
                def _chunks(self):
                    yield b"x"


            class Upload(Base):
                def begin(self):
                    ↓self.pending = self._chunks()


            Upload().begin()

            """),
        .triggering("""
            def walk(tree):
                yield tree


            class Tree:
                def __init__(self):
                    ↓self.iterator = walk(self)


            Tree()

            """),
        .nonTriggering("""
            def parse(lines):
                for line in lines:
                    yield line.split(",")


            class Reader:
                def __init__(self, lines):
                    self._rows = parse(lines)


            Reader(["a,b"])

            """),
        .nonTriggering("""
            class Reader:
                def __init__(self, lines):
                    self.lines = lines
                    self._rows = self._parse()

                def _parse(self):
                    for line in self.lines:
                        yield line

                def close(self):
                    self._rows.close()


            reader = Reader(["a"])
            reader.close()

            """),
        .nonTriggering("""
            class Reader:
                def __init__(self, lines):
                    self.lines = lines

                def rows(self):
                    for line in self.lines:
                        yield line

                def count(self):
                    rows = self.rows()
                    return sum(1 for _ in rows)


            Reader(["a", "b"]).count()

            """),
        .nonTriggering("""
            class Service:
                def __init__(self):
                    self.pending = self._run()

                async def _run(self):
                    return 1

                def finish(self):
                    self.pending.close()


            Service().finish()

            """),
        .nonTriggering("""
            class Source:
                def __init__(self, items):
                    self.items = items
                    self._it = iter(items)

                def items_twice(self):
                    return [item for item in self.items for _ in range(2)]


            Source([1, 2]).items_twice()

            """),
        .nonTriggering("""
            class Job:
                def __init__(self):
                    self.steps = self._plan()

                def _plan(self):
                    yield "build"

                def reset(self):
                    self.steps = None


            job = Job()
            job.reset()

            """),
        .triggering("""
            class Cache:
                def __init__(self):
                    self._chunks = None

                def close(self):
                    self._chunks.close()


            class Buffer:
                def __init__(self):
                    ↓self._chunks = self._fill()

                def _fill(self):
                    yield b""


            Cache()
            Buffer()

            """),
        .triggering("""
            class Walker:
                def start(self):
                    steps = self._steps()
                    ↓self.steps = steps

                def _steps(self):
                    yield 1


            Walker().start()

            """),
        .nonTriggering("""
            class Summer:
                def total(self):
                    self._it = self._values()
                    try:
                        return sum(self._it)
                    finally:
                        self._it = None

                def _values(self):
                    yield 1


            Summer().total()

            """),
        .nonTriggering("""
            class Lines:
                def __init__(self):
                    self._lines = self._read()

                def _read(self):
                    yield ""

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    self._release()

                def _release(self):
                    del self._lines


            with Lines():
                pass

            """),
    ]
}
