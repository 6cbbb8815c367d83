# upstream: omry/omegaconf (errors raised by _format_and_raise / _raise)
# reference: issue #1295 (closed); follow-up PR #1316 (merged)
# url: https://github.com/omry/omegaconf/issues/1295
# leaked: ex -> traceback -> _raise frame -> ex (see the before file).
# fix (reduction): the frame drops `ex` and `cause` after raising.
# expect: none
import sys


class ConfigKeyError(KeyError):
    pass


def _raise(ex, cause):
    ex.__cause__ = cause
    try:
        raise ex.with_traceback(sys.exc_info()[2])
    finally:
        del ex, cause


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
