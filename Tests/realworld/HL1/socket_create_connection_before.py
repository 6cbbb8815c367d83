# upstream: CPython (Lib/socket.py, socket.create_connection)
# reference: bpo-31234, PR #3546 (merged)
# url: https://github.com/python/cpython/pull/3546
# leaked: the last connect error is kept in the local `err` and re-raised; its traceback holds the
#   create_connection frame, whose locals hold `err` again: exception -> traceback -> frame -> err.
#   In the CPython test suite this kept a dangling thread alive through the frame's other locals.
# fix: `try: raise err finally: err = None` -- the local is dropped before the frame is left.
# expect: HL103


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
        raise err
    raise OSError("no addresses")


def scenario():
    try:
        create_connection([("127.0.0.1", 1), ("::1", 1)])
    except OSError:
        pass
