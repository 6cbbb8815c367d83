# upstream: Lightning-AI/lightning-thunder
# reference: PR #1193 (merged), fixes issue #1171
# url: https://github.com/Lightning-AI/lightning-thunder/pull/1193
# leaked: local `e` -> exception -> traceback -> frame (see the before file).
# fix: raise, catch, delete the local, re-raise bare.
# expect: none


def _interpret(fn):
    try:
        return fn(), None
    except Exception as exc:
        return None, exc


def _user_code():
    raise RuntimeError("user code failed")


def run(fn):
    result, e = _interpret(fn)
    if e is not None:
        try:
            raise e
        except Exception:
            del e
            raise
    return result


def scenario():
    try:
        run(_user_code)
    except RuntimeError:
        pass
