# upstream: Lightning-AI/lightning-thunder
# reference: PR #1193 (merged), fixes issue #1171
# url: https://github.com/Lightning-AI/lightning-thunder/pull/1193
# leaked: "Using plain `raise e` necessarily has a reference to the exception, which has a reference to
#   the current function in the traceback which has a reference to `e`" -- an exception produced by an
#   interpreted callee was kept in a local and re-raised with `raise e`.
# fix: `try: raise e except Exception: del e; raise`.
# expect: HL103


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
        raise e
    return result


def scenario():
    try:
        run(_user_code)
    except RuntimeError:
        pass
