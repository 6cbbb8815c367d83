# upstream: omry/omegaconf (errors raised by _format_and_raise / _raise)
# reference: issue #1295 (closed); follow-up PR #1316 (merged) builds on the fix for #1295
# url: https://github.com/omry/omegaconf/issues/1295
# leaked: `_raise(ex, cause)` ends with `raise ex.with_traceback(sys.exc_info()[2])`; the raised
#   exception gets _raise's frame on its traceback and that frame's locals hold `ex`:
#   ex -> traceback -> frame -> ex, capturing every caller frame's locals up the f_back chain.
# fix: the local reference is deleted once raised (raise inside try/finally that drops `ex`).
# expect: HL103
import sys


class ConfigKeyError(KeyError):
    pass


def _raise(ex, cause):
    ex.__cause__ = cause
    raise ex.with_traceback(sys.exc_info()[2])


def select(config, key):
    try:
        return config[key]
    except KeyError as cause:
        _raise(ConfigKeyError("missing key %r" % key), cause)


def scenario():
    try:
        select({"a": 1}, "b")
    except ConfigKeyError:
        pass
