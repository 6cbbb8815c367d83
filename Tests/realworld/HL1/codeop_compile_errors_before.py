# upstream: CPython (Lib/codeop.py, _maybe_compile; same PR also socket.py and ctypes dyld.py)
# reference: bpo-36820, PR #13135 (merged)
# url: https://github.com/python/cpython/pull/13135
# leaked: two SyntaxErrors from trial compilations were saved in locals (err1, err2) and the first one
#   re-raised; each saved exception's traceback holds the frame that holds it.
# fix: the saved errors are re-raised inside try/finally that sets them to None.
# expect: HL103


def _compile(source):
    if source.rstrip().endswith(":"):
        raise SyntaxError("unexpected EOF: %r" % source)
    return source


def maybe_compile(source):
    err1 = err2 = None
    try:
        _compile(source + "\n")
    except SyntaxError as e:
        err1 = e
    try:
        _compile(source + "\n\n")
    except SyntaxError as e:
        err2 = e
    if err1 is not None and err2 is not None and str(err1) != "":
        raise err1
    return None


def scenario():
    try:
        maybe_compile("if x:")
    except SyntaxError:
        pass
