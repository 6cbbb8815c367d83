# upstream: CPython (Lib/unittest/case.py, _AssertRaisesContext.handle)
# reference: bpo-23890, PR #193 (merged)
# url: https://github.com/python/cpython/pull/193
# leaked: context -> exception -> traceback -> handle() frame -> context (see the before file).
# fix: handle() drops `self` (and the callable's arguments) in a finally block.
# expect: none


class AssertRaisesContext:
    def __init__(self, expected):
        self.expected = expected
        self.exception = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, tb):
        if exc_type is None or not issubclass(exc_type, self.expected):
            return False
        self.exception = exc_value
        return True

    def handle(self, func, args, kwargs):
        try:
            with self:
                func(*args, **kwargs)
            return self.exception
        finally:
            # the stored exception's traceback holds this frame: let go of the context object
            self = None
            func = args = kwargs = None


def _raises():
    raise KeyError("missing")


def scenario():
    AssertRaisesContext(KeyError).handle(_raises, (), {})
