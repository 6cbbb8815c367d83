# upstream: urllib3/urllib3 (util/connection.py, create_connection)
# reference: PR #2277 (merged) "Sync create_connection with socket module"
# url: https://github.com/urllib3/urllib3/pull/2277
# leaked: urllib3's copy of create_connection kept the last socket error in `err` and re-raised it
#   without the cycle-breaking CPython had added (bpo-31234): err -> traceback -> frame -> err, plus the
#   half-open socket object in the frame.
# fix: "Bring in cycle-breaking which reduces garbage for the GC": `try: raise err finally: err = None`.
# expect: HL103


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
        raise err
    raise OSError("getaddrinfo returns an empty list")


def scenario():
    try:
        create_connection(("example.invalid", 80))
    except OSError:
        pass
