# upstream: mne-tools/mne-python (viz Brain / ui_events callbacks)
# reference: PR #11932 (merged) "MAINT: Use automatic weakref decorator"
# url: https://github.com/mne-tools/mne-python/pull/11932
# leaked: object -> widget -> partial -> bound method -> object (see the before file).
# fix (reduction): the registered callback holds a weak reference to the object.
# expect: none
import weakref


class Slider:
    def __init__(self):
        self.callbacks = []

    def set_value(self, value):
        for callback in self.callbacks:
            callback(value)


def _weak_callback(method, *bound_args):
    ref, func = weakref.ref(method.__self__), method.__func__

    def callback(*args):
        obj = ref()
        if obj is not None:
            func(obj, *bound_args, *args)

    return callback


class Brain:
    def __init__(self):
        self.time = 0.0
        self.slider = Slider()
        self.slider.callbacks.append(_weak_callback(self._on_change, "time"))

    def _on_change(self, name, value):
        setattr(self, name, value)


def scenario():
    brain = Brain()
    brain.slider.set_value(1.5)
