# upstream: pytest-dev/pytest (_pytest/fixtures.py, PseudoFixtureDef for the `request` fixture)
# reference: PR #3249 (merged) "Fix PseudoFixtureDef reference cycle."
# url: https://github.com/pytest-dev/pytest/pull/3249
# leaked: a PseudoFixtureDef class was created on each fixture lookup (a class built by a call at run
#   time); every class object is cyclic (its __dict__, __mro__, and the descriptors point back at it),
#   so each discarded one was cyclic garbage -- caught by a gc.DEBUG_SAVEALL fixture in a user's tests.
# fix: define the helper type once (module level) and create instances of it.
# expect: HL108 (a class object created per call: classes are always self-referential)


def get_fixture_def(cached_result, scope):
    PseudoFixtureDef = type("PseudoFixtureDef", (object,), {"cached_result": cached_result, "scope": scope})
    return PseudoFixtureDef


def scenario():
    get_fixture_def(("request", 0, None), "function")
