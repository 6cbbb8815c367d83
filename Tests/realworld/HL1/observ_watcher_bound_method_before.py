# upstream: fork-tongue/observ
# reference: PR #94 (merged) "Store weak references to bound methods"
# url: https://github.com/fork-tongue/observ/pull/94
# leaked: "functions and callbacks store strong references to `self` which can prevent an object
#   (and associated watchers) from being garbage collected": a component keeps a watcher that keeps
#   the component's bound methods: component -> watcher -> bound method -> component.
# fix: the watcher stores a weak reference to the object plus the plain function, and calls the
#   function on the object only while it is alive.
# expect: HL102


class Watcher:
    def __init__(self, fn, callback):
        self.fn = fn
        self.callback = callback
        self.value = fn()

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
