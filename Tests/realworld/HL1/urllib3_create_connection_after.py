# upstream: urllib3/urllib3 (util/connection.py, create_connection)
# reference: PR #2277 (merged) "Sync create_connection with socket module"
# url: https://github.com/urllib3/urllib3/pull/2277
# leaked: err -> traceback -> frame -> err (see the before file).
# fix: the re-raise clears `err` in a finally block, as socket.create_connection does.
# expect: none


class FakeSocket:
    def __init__(self, family):
        self.family = family

    def connect(self, address):
        raise ConnectionRefusedError(111, "refused %r" % (address,))

    def close(self):
        pass


def create_connection(address, families=("inet", "inet6")):
    err = None
    for family in families:
        sock = None
        try:
            sock = FakeSocket(family)
            sock.connect(address)
            return sock
        except OSError as e:
            err = e
            if sock is not None:
                sock.close()
    if err is not None:
        try:
            raise err
        finally:
            # break the explicit reference cycle
            err = None
    raise OSError("getaddrinfo returns an empty list")


def scenario():
    try:
        create_connection(("example.invalid", 80))
    except OSError:
        pass
