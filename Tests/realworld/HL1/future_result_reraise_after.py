# upstream: CPython (Lib/concurrent/futures/_base.py, Future.__get_result)
# reference: bpo-35930, PR #24995 (merged)
# url: https://github.com/python/cpython/pull/24995
# leaked: future -> _exception -> traceback -> result() frame -> self (see the before file).
# fix: the result() frame drops `self` in a finally block after raising.
# expect: none


class Future:
    def __init__(self):
        self._exception = None

    def set_exception(self, exception):
        self._exception = exception

    def result(self):
        if self._exception is not None:
            try:
                raise self._exception
            finally:
                # the exception must stay available on the future; the frame lets go of the future
                self = None
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
