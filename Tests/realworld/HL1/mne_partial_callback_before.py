# upstream: mne-tools/mne-python (viz Brain / ui_events callbacks)
# reference: PR #11932 (merged) "MAINT: Use automatic weakref decorator"
# url: https://github.com/mne-tools/mne-python/pull/11932
# leaked: GUI objects registered `functools.partial(self._on_event, ...)` callbacks with widgets and
#   event channels that the object itself keeps: object -> widget -> partial -> bound method -> object
#   (the reviewer: "is the problem solely due to the use of `partial` when setting the callback").
# fix: callbacks registered by the object reach it only through a weak reference (an automatic
#   weakref decorator).
# expect: HL102
import functools


class Slider:
    def __init__(self):
        self.callbacks = []

    def set_value(self, value):
        for callback in self.callbacks:
            callback(value)


class Brain:
    def __init__(self):
        self.time = 0.0
        self.slider = Slider()
        self.slider.callbacks.append(functools.partial(self._on_change, "time"))

    def _on_change(self, name, value):
        setattr(self, name, value)


def scenario():
    brain = Brain()
    brain.slider.set_value(1.5)
