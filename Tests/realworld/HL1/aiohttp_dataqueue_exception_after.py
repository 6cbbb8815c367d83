# upstream: aio-libs/aiohttp (DataQueue / WebSocketDataQueue)
# reference: PR #10556 (merged), fixes issue #10535
# url: https://github.com/aio-libs/aiohttp/pull/10556
# leaked: protocol -> queue -> exception -> traceback -> frame -> protocol (see the before file).
# fix: the queue's exception is cleared when the connection is closed.
# expect: none


class DataQueue:
    def __init__(self):
        self._exception = None
        self._eof = False

    def set_exception(self, exc):
        self._exception = exc

    def feed_eof(self):
        self._eof = True
        # the stored exception's traceback reaches the protocol that owns this queue
        self._exception = None


class ResponseHandler:
    def __init__(self):
        self.payload = DataQueue()

    def _parse(self, data):
        raise ConnectionResetError("Server disconnected")

    def data_received(self, data):
        try:
            self._parse(data)
        except ConnectionResetError as exc:
            self.payload.set_exception(exc)

    def connection_lost(self):
        self.payload.feed_eof()


def scenario():
    handler = ResponseHandler()
    handler.data_received(b"HTTP/1.1 200 OK\r\n")
    handler.connection_lost()
