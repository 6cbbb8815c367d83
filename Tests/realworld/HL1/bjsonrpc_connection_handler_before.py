# upstream: deavid/bjsonrpc (Connection / BaseHandler)
# reference: PR #12 (merged) "Clean the circular reference between Connection and BaseHandler"
# url: https://github.com/deavid/bjsonrpc/pull/12
# leaked: the connection creates its handler with itself as argument and keeps it; the handler keeps
#   the connection: "This circular reference prevents Connection objects from being properly freed".
# fix: BaseHandler.close() (now called from BaseHandler._shutdown(), which Connection.close() calls)
#   drops the handler's reference to the connection.
# expect: HL101


class BaseHandler:
    def __init__(self, connection):
        self._conn = connection

    def _shutdown(self):
        pass


class Connection:
    def __init__(self, sock, handler_factory=BaseHandler):
        self.sock = sock
        self.handler = handler_factory(self)

    def close(self):
        self.handler._shutdown()
        self.sock = None


def scenario():
    conn = Connection(sock=object())
    conn.close()
