# upstream: CPython (Lib/test/test_ssl.py, ThreadedEchoServer connection handler)
# reference: bpo-31323, PR #3263 (merged)
# url: https://github.com/python/cpython/pull/3263
# leaked: server -> list -> exception -> traceback -> frame -> server (see the before file).
# fix: the error is stored as a string.
# expect: none


class EchoServer:
    def __init__(self):
        self.conn_errors = []

    def wrap_conn(self, data):
        try:
            if not data.startswith(b"\x16"):
                raise ConnectionResetError("not a TLS hello")
        except OSError as e:
            self.conn_errors.append(str(e))
            return False
        return True


def scenario():
    EchoServer().wrap_conn(b"GET /")
