# Formerly a known false alarm (Tests/realworld HL1/aiohttp_dataqueue_exception_after, aiohttp PR #10556): the
# exception stored in the queue is cleared by connection_lost() -> feed_eof(), a teardown of the owner calling a
# method of the queue's class that sets the slot set_exception() fills back to None. Not reported since
# FrameCycleSearch's clearedAtTeardown; CPython (connection_lost runs): no cyclic garbage.
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
            self.payload.set_exception(exc)  # cleared by connection_lost() -> feed_eof()

    def connection_lost(self):
        self.payload.feed_eof()


handler = ResponseHandler()
handler.data_received(b"HTTP/1.1 200 OK\r\n")
handler.connection_lost()
