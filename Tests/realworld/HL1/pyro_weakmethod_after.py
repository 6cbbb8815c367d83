# upstream: pyro-ppl/pyro
# reference: PR #1938 (merged) "Add @weakmethod decorator to avoid memory leaks"
# url: https://github.com/pyro-ppl/pyro/pull/1938
# leaked: foo -> NUTS -> bound method -> foo (see the before file).
# fix: @weakmethod -- the callable handed out holds only a weak reference to the instance.
# expect: none
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
        self.nuts = NUTS(potential_fn=self.potential_fn)

    @weakmethod
    def potential_fn(self, params):
        return self.scale * params


def scenario():
    algo = Inference(2.0)
    algo.nuts.potential_fn(3.0)
