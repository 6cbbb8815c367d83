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
