# upstream: deavid/bjsonrpc (Connection / BaseHandler)
# reference: PR #12 (merged)
# url: https://github.com/deavid/bjsonrpc/pull/12
# leaked: connection -> handler -> connection (see the before file).
# fix: closing the connection shuts the handler down, which forgets the connection.
# expect: none


class BaseHandler:
    def __init__(self, connection):
        self._conn = connection

    def close(self):
        self._conn = None

    def _shutdown(self):
        self.close()


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
