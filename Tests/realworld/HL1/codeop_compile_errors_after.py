# upstream: CPython (Lib/codeop.py, _maybe_compile; same PR also socket.py and ctypes dyld.py)
# reference: bpo-36820, PR #13135 (merged)
# url: https://github.com/python/cpython/pull/13135
# leaked: saved SyntaxErrors in locals of the frame on their tracebacks (see the before file).
# fix: re-raise inside try/finally and clear both locals.
# expect: none


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
    try:
        if err1 is not None and err2 is not None and str(err1) != "":
            raise err1
    finally:
        err1 = err2 = None
    return None


def scenario():
    try:
        maybe_compile("if x:")
    except SyntaxError:
        pass
