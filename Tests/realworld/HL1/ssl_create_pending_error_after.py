# upstream: CPython (Lib/ssl.py, SSLSocket._create)
# reference: gh-108342, PR #108344 (merged)
# url: https://github.com/python/cpython/pull/108344
# leaked: local `pending_error` -> exception -> traceback -> frame (see the before file).
# fix: raise inside try/finally and clear the local.
# expect: none


class TLSSocket:
    def __init__(self, peeked):
        self.peeked = peeked
        self.closed = False

    def close(self):
        self.closed = True

    @classmethod
    def create(cls, peeked):
        self = cls(peeked)
        pending_error = None
        if self.peeked:
            try:
                raise ValueError("data received before the TLS handshake")
            except ValueError as exc:
                pending_error = exc
        if pending_error is not None:
            self.close()
            try:
                raise pending_error
            finally:
                pending_error = None
        return self


def scenario():
    try:
        TLSSocket.create(b"GET / HTTP/1.1")
    except ValueError:
        pass
