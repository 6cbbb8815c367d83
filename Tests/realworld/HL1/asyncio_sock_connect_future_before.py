# upstream: CPython (Lib/asyncio/selector_events.py, sock_connect)
# reference: gh-88863, PR #95739 (merged)
# url: https://github.com/python/cpython/pull/95739
# leaked: sock_connect keeps the future in a local and returns its result; when the connect failed the
#   future holds the exception, and re-raising it puts this frame (holding `fut`) on its traceback:
#   frame -> fut -> exception -> traceback -> frame.
# fix: `finally: fut = None` (the PR: "removing local exception and future (which has exception as its
#   member var) instances from the frame").
# expect: HL103


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
    fut.set_exception(_try_connect(address))
    if fut.exception() is not None:
        raise fut.exception()
    return fut


def scenario():
    try:
        sock_connect(("127.0.0.1", 9))
    except OSError:
        pass
