# upstream: malthe/chameleon
# reference: PR #344 (merged) "Avoid various traceback reference cycles"
# url: https://github.com/malthe/chameleon/pull/344
# leaked: `exc = sys.exc_info()[1]` kept the exception in a local of the frame on its traceback.
# fix: `except Exception as exc:` -- Python unbinds the name at the end of the clause.
# expect: none


class RenderError(Exception):
    pass


def _evaluate(expression):
    raise NameError(expression)


def render(expressions):
    out = []
    for expression in expressions:
        try:
            out.append(_evaluate(expression))
        except Exception as exc:
            out.append("<error %s>" % type(exc).__name__)
    return "".join(out)


def scenario():
    render(["name", "title"])
