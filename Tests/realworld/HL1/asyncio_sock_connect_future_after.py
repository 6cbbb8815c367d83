# upstream: CPython (Lib/asyncio/selector_events.py, sock_connect)
# reference: gh-88863, PR #95739 (merged)
# url: https://github.com/python/cpython/pull/95739
# leaked: frame -> fut -> exception -> traceback -> frame (see the before file).
# fix: the future local is cleared in a finally block.
# expect: none


class Future:
    def __init__(self):
        self._exception = None

    def set_exception(self, exc):
        self._exception = exc

    def exception(self):
        return self._exception


def _try_connect(address):
    # the OS error is raised in a frame that knows nothing about the future (as in the event loop)
    try:
        raise ConnectionRefusedError(111, "refused %r" % (address,))
    except OSError as exc:
        return exc


def sock_connect(address):
    fut = Future()
    try:
        fut.set_exception(_try_connect(address))
        if fut.exception() is not None:
            raise fut.exception()
        return fut
    finally:
        # break the frame -> future -> exception -> traceback -> frame cycle
        fut = None


def scenario():
    try:
        sock_connect(("127.0.0.1", 9))
    except OSError:
        pass
