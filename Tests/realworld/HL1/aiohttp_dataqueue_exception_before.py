# upstream: aio-libs/aiohttp (DataQueue / WebSocketDataQueue)
# reference: PR #10556 (merged) "Break cyclic references at connection close when there was a
#   traceback", fixes issue #10535
# url: https://github.com/aio-libs/aiohttp/pull/10556
# leaked: when a connection failed, the protocol stored the exception on its data queue
#   (queue.set_exception(exc)); the exception's traceback holds the protocol method's frame, which holds
#   the protocol, which holds the queue: ClientResponse objects lingered until the collector ran.
# fix: "Clears the exception on the DataQueue ... when the connection is closed".
# expect: HL106


class DataQueue:
    def __init__(self):
        self._exception = None
        self._eof = False

    def set_exception(self, exc):
        self._exception = exc

    def feed_eof(self):
        self._eof = True


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
