# upstream: malthe/chameleon
# reference: PR #344 (merged) "Avoid various traceback reference cycles"
# url: https://github.com/malthe/chameleon/pull/344
# leaked: error handling took the exception with `exc = sys.exc_info()[1]` (a py2-compatible idiom)
#   into a local of the frame on its traceback, so the render frame and all its locals formed a cycle.
# fix: use `except ... as exc` (deleted automatically at the end of the clause) or delete the value.
# expect: HL103
import sys


class RenderError(Exception):
    pass


def _evaluate(expression):
    raise NameError(expression)


def render(expressions):
    out = []
    for expression in expressions:
        try:
            out.append(_evaluate(expression))
        except Exception:
            exc = sys.exc_info()[1]
            out.append("<error %s>" % type(exc).__name__)
    return "".join(out)


def scenario():
    render(["name", "title"])
