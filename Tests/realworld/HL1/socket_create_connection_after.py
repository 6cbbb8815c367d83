# upstream: CPython (Lib/socket.py, socket.create_connection)
# reference: bpo-31234, PR #3546 (merged)
# url: https://github.com/python/cpython/pull/3546
# leaked: see the before file: the re-raised local `err` closed exception -> traceback -> frame -> err.
# fix: `try: raise err finally: err = None`, breaking the cycle explicitly.
# expect: none


def _connect(address):
    raise ConnectionRefusedError(111, "refused %s" % (address,))


def create_connection(addresses):
    err = None
    for address in addresses:
        try:
            return _connect(address)
        except OSError as _:
            err = _
    if err is not None:
        try:
            raise err
        finally:
            # the frame is on err's traceback: drop the local so nothing points back at the frame
            err = None
    raise OSError("no addresses")


def scenario():
    try:
        create_connection([("127.0.0.1", 1), ("::1", 1)])
    except OSError:
        pass
