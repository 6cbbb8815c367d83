# upstream: pyro-ppl/pyro
# reference: PR #1938 (merged) "Add @weakmethod decorator to avoid memory leaks"
# url: https://github.com/pyro-ppl/pyro/pull/1938
# leaked: "an object foo is initialized with some state bar that needs a function, and that function
#   is passed as a bound method foo.method": foo -> bar -> foo.method -> foo
#   (`self.nuts = NUTS(potential_fn=self.potential_fn)`).
# fix: a @weakmethod decorator whose bound form holds the instance through a weak reference.
# expect: HL102


class NUTS:
    def __init__(self, potential_fn):
        self.potential_fn = potential_fn


class Inference:
    def __init__(self, scale):
        self.scale = scale
        self.nuts = NUTS(potential_fn=self.potential_fn)

    def potential_fn(self, params):
        return self.scale * params


def scenario():
    algo = Inference(2.0)
    algo.nuts.potential_fn(3.0)
