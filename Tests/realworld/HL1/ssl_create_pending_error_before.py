# upstream: CPython (Lib/ssl.py, SSLSocket._create)
# reference: gh-108342, PR #108344 (merged)
# url: https://github.com/python/cpython/pull/108344
# leaked: when data arrived before the TLS handshake, _create() stored the error in a local and raised
#   it after cleaning up; the local held the exception whose traceback held the frame (and `self`, the
#   socket), keeping a test server thread dangling.
# fix: the variable storing the exception is cleared (try/finally) once it has been raised.
# expect: HL103


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
            raise pending_error
        return self


def scenario():
    try:
        TLSSocket.create(b"GET / HTTP/1.1")
    except ValueError:
        pass
