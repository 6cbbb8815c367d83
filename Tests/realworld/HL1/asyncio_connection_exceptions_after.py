# upstream: CPython (Lib/asyncio/base_events.py create_connection, selector_events sock_connect)
# reference: gh-88863, PR #95739 (merged)
# url: https://github.com/python/cpython/pull/95739
# leaked: frame -> exceptions list -> exception -> traceback -> frame (see the before file).
# fix: the list is dropped in a finally block.
# expect: none


def _connect_one(address):
    raise ConnectionRefusedError(111, "Connect call failed %r" % (address,))


def create_connection(addresses):
    exceptions = []
    try:
        for address in addresses:
            try:
                return _connect_one(address)
            except OSError as exc:
                exceptions.append(exc)
        if len(exceptions) == 1:
            raise exceptions[0]
        raise OSError("Multiple exceptions: %s" % ", ".join(str(e) for e in exceptions))
    finally:
        exceptions = None


def scenario():
    try:
        create_connection([("127.0.0.1", 8080), ("::1", 8080)])
    except OSError:
        pass
