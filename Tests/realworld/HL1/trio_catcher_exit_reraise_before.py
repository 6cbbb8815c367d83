# upstream: python-trio/trio (MultiErrorCatcher.__exit__, _multierror)
# reference: PR #2063 (merged) "test and eliminate additional sources of cyclic garbage"
#   (from MultiErrorCatcher.__exit__, copy_tb, MultiError.filter, CancelScope.__exit__, ...)
# url: https://github.com/python-trio/trio/pull/2063
# leaked: __exit__ computes the filtered exception into a local and raises it; the raised exception's
#   traceback holds __exit__'s frame, whose locals hold the exception (and the catcher, self).
# fix: raise inside try/finally and `del` the locals holding exceptions.
# expect: HL103


class MultiErrorCatcher:
    def __init__(self, handler):
        self._handler = handler

    def __enter__(self):
        return self

    def __exit__(self, etype, exc, tb):
        if exc is None:
            return False
        filtered_exc = self._handler(exc)
        if filtered_exc is exc:
            return False
        if filtered_exc is None:
            return True
        old_context = filtered_exc.__context__
        try:
            raise filtered_exc
        finally:
            filtered_exc.__context__ = old_context


def _convert(exc):
    return RuntimeError("converted %r" % (exc,))


def scenario():
    try:
        with MultiErrorCatcher(_convert):
            raise KeyError("inner")
    except RuntimeError:
        pass
