# upstream: python-trio/trio (MultiErrorCatcher.__exit__, _multierror)
# reference: PR #2063 (merged)
# url: https://github.com/python-trio/trio/pull/2063
# leaked: local filtered_exc (and exc) -> traceback -> __exit__ frame (see the before file).
# fix: the finally block deletes the exception locals.
# expect: none


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
            del filtered_exc, old_context, exc, tb


def _convert(exc):
    return RuntimeError("converted %r" % (exc,))


def scenario():
    try:
        with MultiErrorCatcher(_convert):
            raise KeyError("inner")
    except RuntimeError:
        pass
