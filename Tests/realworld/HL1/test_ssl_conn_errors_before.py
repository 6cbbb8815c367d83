# upstream: CPython (Lib/test/test_ssl.py, ThreadedEchoServer connection handler)
# reference: bpo-31323, PR #3263 (merged)
# url: https://github.com/python/cpython/pull/3263
# leaked: the server's handler caught connection errors and stored the exception objects on the
#   server; each exception's traceback holds the handler frame (which holds the handler and server),
#   a cycle that kept the server thread object dangling after the test.
# fix: "Store exceptions as string rather than object to prevent reference cycles".
# expect: HL106


class EchoServer:
    def __init__(self):
        self.conn_errors = []

    def wrap_conn(self, data):
        try:
            if not data.startswith(b"\x16"):
                raise ConnectionResetError("not a TLS hello")
        except OSError as e:
            self.conn_errors.append(e)
            return False
        return True


def scenario():
    EchoServer().wrap_conn(b"GET /")
