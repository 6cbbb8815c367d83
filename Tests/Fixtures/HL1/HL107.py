# HL107 fixture: generators whose frame holds the object they are stored on.


class Tokenizer:
    def __init__(self, text):
        self.text = text
        self._tokens = self._scan()  # expect: HL107

    def _scan(self):
        for word in self.text.split():
            yield word

    def next_token(self):
        return next(self._tokens, None)


def rows(table):
    for index in range(table.size):
        yield index


class Table:
    def __init__(self, size):
        self.size = size
        self.cursor = rows(self)  # expect: HL107
        self.plain = iter(range(size))


class Managed:
    def __init__(self):
        self._chunks = self._read()

    def _read(self):
        yield b""

    def close(self):
        self._chunks.close()


class Coroutines:
    def __init__(self):
        self.task = self._main()

    async def _main(self):
        return None


class Cache:
    # Another class's close() clears a field of the same name: that kills nothing on a Buffer.
    def __init__(self):
        self._chunks = None

    def close(self):
        self._chunks.close()


class Buffer:
    def __init__(self):
        self._chunks = self._fill()  # expect: HL107

    def _fill(self):
        yield b""


class ThroughLocal:
    def start(self):
        steps = self._steps()
        self.steps = steps  # expect: HL107

    def _steps(self):
        yield 1


class ClearedOnEveryPath:
    def total(self):
        self._it = self._values()
        try:
            return sum(self._it)
        finally:
            self._it = None

    def _values(self):
        yield 1


class ClosedByHelper:
    def __init__(self):
        self._lines = self._read()

    def _read(self):
        yield ""

    def __exit__(self, *exc):
        self._release()

    def _release(self):
        del self._lines


class ClearedOnlyByRefresh:
    def __init__(self):
        self._pages = self._load()  # expect: HL107

    def _load(self):
        yield 1

    def refresh(self):
        self._pages = None


class StaticScan:
    def advance(self, root):
        scan = self._scan(root)
        self.pending = scan

    @staticmethod
    def _scan(root):
        yield root


class Pool:
    def __init__(self):
        self._workers = []

    def spawn(self):
        self._workers.append(self._work())  # expect: HL107

    def _work(self):
        yield 1


class ClearedPool:
    def __init__(self):
        self._workers = []

    def spawn(self):
        self._workers.append(self._work())

    def _work(self):
        yield 1

    def close(self):
        self._workers.clear()


class Collected:
    def __init__(self):
        self.items = []

    def collect(self):
        # extend() runs the generator to the end: it keeps the items, not the generator.
        self.items.extend(self._walk())

    def _walk(self):
        yield 1
