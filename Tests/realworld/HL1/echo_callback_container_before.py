# upstream: glue-viz/echo (callback properties)
# reference: PR #13 (merged) "Use weakref when adding method callbacks to avoid circular references"
# url: https://github.com/glue-viz/echo/pull/13
# leaked: an object registered its own bound methods as callbacks of a callback property; the
#   per-instance callback container lives on the instance, so instance -> container -> bound method ->
#   instance.
# fix: method callbacks are stored as (weak reference to the instance, function) pairs.
# expect: HL102


class CallbackContainer:
    def __init__(self):
        self.callbacks = []

    def append(self, callback):
        self.callbacks.append(callback)

    def __call__(self, value):
        for callback in self.callbacks:
            callback(value)


class Viewer:
    def __init__(self):
        self.log = []
        self._x_callbacks = CallbackContainer()
        self._x_callbacks.append(self._update_x)

    def set_x(self, value):
        self._x_callbacks(value)

    def _update_x(self, value):
        self.log.append(value)


def scenario():
    viewer = Viewer()
    viewer.set_x(3)
