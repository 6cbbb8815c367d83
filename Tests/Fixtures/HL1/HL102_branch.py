# Found since a store on one branch arm no longer kills the store on the other (issue 25): on the
# path where fn is None the runner holds its own bound method.
class Formatter:
    def __init__(self, fn=None):
        if fn is None:
            self.fn = self._default  # expect: HL102
        else:
            self.fn = fn

    def _default(self, value):
        return str(value)


formatter = Formatter()
