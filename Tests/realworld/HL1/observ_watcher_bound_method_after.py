# upstream: fork-tongue/observ
# reference: PR #94 (merged) "Store weak references to bound methods"
# url: https://github.com/fork-tongue/observ/pull/94
# leaked: component -> watcher -> bound methods -> component (see the before file).
# fix: bound methods are split into a weak reference to the instance and the plain function.
# expect: none
import weakref


def _weak(method):
    ref, func = weakref.ref(method.__self__), method.__func__

    def call(*args):
        this = ref()
        if this is not None:
            return func(this, *args)
        return None

    return call


class Watcher:
    def __init__(self, fn, callback):
        self.fn = _weak(fn)
        self.callback = _weak(callback)
        self.value = self.fn()

    def update(self):
        old, self.value = self.value, self.fn()
        self.callback(self.value, old)


class Counter:
    def __init__(self):
        self.count = 0
        self.seen = []
        self.watcher = Watcher(self.count_display, self.on_change)

    def count_display(self):
        return "count: %d" % self.count

    def on_change(self, new, old):
        self.seen.append((old, new))


def scenario():
    counter = Counter()
    counter.count += 1
    counter.watcher.update()
