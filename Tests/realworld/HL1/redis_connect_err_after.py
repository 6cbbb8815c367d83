# upstream: redis/redis-py (Connection._connect)
# reference: PR #4195 (merged) "Eliminate GC refcounting cycle on _connect exception"
# url: https://github.com/redis/redis-py/pull/4195
# leaked: local `err` -> exception -> traceback -> _connect frame -> err (and self).
# fix: the local is cleared when the error is re-raised.
# expect: none


class Connection:
    def __init__(self, addresses):
        self.addresses = addresses
        self.sock = None

    def _open(self, address):
        raise ConnectionRefusedError(111, "refused %r" % (address,))

    def _connect(self):
        err = None
        for address in self.addresses:
            try:
                self.sock = self._open(address)
                return self.sock
            except OSError as _:
                err = _
        if err is not None:
            try:
                raise err
            finally:
                err = None
        raise OSError("getaddrinfo returned an empty list")


def scenario():
    try:
        Connection([("10.0.0.1", 6379), ("10.0.0.2", 6379)])._connect()
    except OSError:
        pass
