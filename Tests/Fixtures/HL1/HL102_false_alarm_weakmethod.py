# Known false alarm (Tests/realworld HL1/pyro_weakmethod_after, pyro PR #1938): `self.potential_fn` is a
# property (@weakmethod) returning a function that holds the instance only through weakref.ref, not a bound
# method; the model takes the attribute read for a bound method. CPython: no cyclic garbage (test_known_misses.py).
import functools
import weakref


def weakmethod(fn):
    """Attribute access returns a function that calls fn on a weakly referenced instance."""

    @property
    @functools.wraps(fn)
    def getter(self):
        ref = weakref.ref(self)

        def call(*args, **kwargs):
            instance = ref()
            if instance is None:
                raise AttributeError("instance of %s was freed" % fn.__qualname__)
            return fn(instance, *args, **kwargs)

        return call

    return getter


class NUTS:
    def __init__(self, potential_fn):
        self.potential_fn = potential_fn


class Inference:
    def __init__(self, scale):
        self.scale = scale
        self.nuts = NUTS(potential_fn=self.potential_fn)  # false-alarm: HL102 (a @weakmethod property, not a bound method)

    @weakmethod
    def potential_fn(self, params):
        return self.scale * params


algo = Inference(2.0)
algo.nuts.potential_fn(3.0)
