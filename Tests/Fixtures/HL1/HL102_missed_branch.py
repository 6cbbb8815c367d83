# Known miss (issue 25): the attribute holds a bound method on one branch only; that branch alone makes
# the cycle Formatter.fn -> bound method Formatter._default, __self__ -> Formatter.
# CPython (the default branch runs): Tests/python/test_known_misses.py.
class Formatter:
    def __init__(self, fn=None):
        if fn is None:
            self.fn = self._default  # missed: HL102 (a bound method stored on one branch of an if)
        else:
            self.fn = fn

    def _default(self, value):
        return str(value)


formatter = Formatter()
