# upstream: CPython (Lib/unittest/case.py, _AssertRaisesContext.handle)
# reference: bpo-23890, PR #193 (merged)
# url: https://github.com/python/cpython/pull/193
# leaked: assertRaises(exc, func) runs `with self: func()`; __exit__ stores the caught exception on the
#   context object, and the exception's traceback holds handle()'s frame, whose locals hold the context
#   (self) and func: context -> exception -> traceback -> frame -> context. func stayed alive.
# fix: handle() ends with `finally: self = None` (and drops args/kwargs) to break the cycle.
# expect: HL106


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
        with self:
            func(*args, **kwargs)
        return self.exception


def _raises():
    raise KeyError("missing")


def scenario():
    AssertRaisesContext(KeyError).handle(_raises, (), {})
