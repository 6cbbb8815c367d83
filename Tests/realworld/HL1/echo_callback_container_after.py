# upstream: glue-viz/echo (callback properties)
# reference: PR #13 (merged) "Use weakref when adding method callbacks to avoid circular references"
# url: https://github.com/glue-viz/echo/pull/13
# leaked: instance -> container -> bound method -> instance (see the before file).
# fix: methods are kept as a weak reference to their instance plus the function.
# expect: none
import weakref


class CallbackContainer:
    def __init__(self):
        self.callbacks = []

    def append(self, callback):
        if hasattr(callback, "__self__"):
            callback = (weakref.ref(callback.__self__), callback.__func__)
        self.callbacks.append(callback)

    def __call__(self, value):
        for callback in self.callbacks:
            if isinstance(callback, tuple):
                instance = callback[0]()
                if instance is not None:
                    callback[1](instance, value)
            else:
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
