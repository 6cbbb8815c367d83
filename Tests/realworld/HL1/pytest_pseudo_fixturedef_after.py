# upstream: pytest-dev/pytest (_pytest/fixtures.py, PseudoFixtureDef for the `request` fixture)
# reference: PR #3249 (merged) "Fix PseudoFixtureDef reference cycle."
# url: https://github.com/pytest-dev/pytest/pull/3249
# leaked: one class object (always a cycle) per lookup (see the before file).
# fix: one module-level type; each lookup makes an ordinary instance.
# expect: none


class PseudoFixtureDef:
    __slots__ = ("cached_result", "scope")

    def __init__(self, cached_result, scope):
        self.cached_result = cached_result
        self.scope = scope


def get_fixture_def(cached_result, scope):
    return PseudoFixtureDef(cached_result, scope)


def scenario():
    get_fixture_def(("request", 0, None), "function")
