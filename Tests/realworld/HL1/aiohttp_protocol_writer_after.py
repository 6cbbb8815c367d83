# upstream: aio-libs/aiohttp (parsers.StreamProtocol)
# reference: PR #226 (merged) "Trivial patch: Break a cycle"
# url: https://github.com/aio-libs/aiohttp/pull/226
# leaked: protocol -> writer -> protocol (see the before file).
# fix: connection_lost() drops the writer and reader.
# expect: none


class StreamWriter:
    def __init__(self, transport, protocol):
        self._transport = transport
        self._protocol = protocol


class StreamProtocol:
    def __init__(self):
        self.transport = None
        self.writer = None
        self.reader = []

    def connection_made(self, transport):
        self.transport = transport
        self.writer = StreamWriter(transport, self)

    def connection_lost(self, exc):
        self.transport = None
        self.writer = self.reader = None


def scenario():
    protocol = StreamProtocol()
    protocol.connection_made(object())
    protocol.connection_lost(None)
