# upstream: CPython (Lib/concurrent/futures/_base.py, Future.__get_result)
# reference: bpo-35930, PR #24995 (merged)
# url: https://github.com/python/cpython/pull/24995
# leaked: result() re-raises the exception the future holds; raising adds the result() frame to the
#   exception's traceback, and that frame holds `self`: future -> _exception -> traceback -> frame -> self.
# fix: `try: raise self._exception finally: self = None` (the exception must stay on the future, so the
#   frame's reference to the future is what gets dropped).
# expect: HL103 (raise self._exception: HL103 covers an exception raised while any local, `self` included, reaches it)


class Future:
    def __init__(self):
        self._exception = None

    def set_exception(self, exception):
        self._exception = exception

    def result(self):
        if self._exception is not None:
            raise self._exception
        return None


def scenario():
    future = Future()
    future.set_exception(ValueError("task failed"))
    try:
        future.result()
    except ValueError:
        pass
    finally:
        # the caller's frame is on the traceback too; drop its reference so only the code under test counts
        future = None
