extension BoundMethodStoredOnSelf {
    static let examples: [RuleExample] = [
        // The bound method reaches another object's list through that object's method: `connect`
        // appends its argument to `handlers`, so the job holds its own bound method two hops away.
        .triggering("""
            class Signal:
                def __init__(self):
                    self.handlers = []

                def connect(self, handler):
                    self.handlers.append(handler)


            class Job:
                def __init__(self):
                    self.done = Signal()
                    ↓self.done.connect(self.on_done)

                def on_done(self):
                    pass


            Job()

            """),
        .nonTriggering("""
            class Signal:
                def __init__(self):
                    self.handlers = []

                def connect(self, handler):
                    self.handlers.append(handler)


            def log_done():
                print("done")


            class Job:
                def __init__(self):
                    self.done = Signal()
                    self.done.connect(log_done)


            Job()

            """),
        // A bound method stored on one branch only: on that path the object holds itself.
        .triggering("""
            class Runner:
                def __init__(self, fn=None):
                    if fn is None:
                        ↓self.fn = self._default
                    else:
                        self.fn = fn

                def _default(self):
                    return 1


            Runner()

            """),
        .nonTriggering("""
            def default():
                return 1


            class Runner:
                def __init__(self, fn=None):
                    if fn is None:
                        self.fn = default
                    else:
                        self.fn = fn


            Runner()

            """),
        .triggering("""
            class Button:
                def __init__(self, label):
                    self.label = label
                    ↓self.on_click = self.default_click

                def default_click(self):
                    print("clicked", self.label)


            button = Button("OK")

            """),
        .triggering("""
            class Parser:
                def __init__(self):
                    ↓self.handlers = {"start": self.on_start, "end": self.on_end}

                def on_start(self, tag):
                    return "<" + tag

                def on_end(self, tag):
                    return tag + ">"


            parser = Parser()

            """),
        .triggering("""
            import threading


            class Poller:
                def __init__(self, interval):
                    self.interval = interval
                    ↓self.thread = threading.Thread(target=self.poll, daemon=True)

                def poll(self):
                    pass


            poller = Poller(5)

            """),
        .triggering("""
            from concurrent.futures import Future


            class Download:
                def __init__(self):
                    self.future = Future()
                    ↓self.future.add_done_callback(self.finished)

                def finished(self, future):
                    print("done", future.result())


            download = Download()

            """),
        .triggering("""
            class Counter:
                def __init__(self):
                    self.count = 0
                    ↓self.increment = lambda: setattr(self, "count", self.count + 1)


            counter = Counter()

            """),
        .triggering("""
            class Model:
                def __init__(self):
                    self.listeners = []
                    self.value = None

                    def log_change(old, new):
                        print(type(self).__name__, old, "->", new)

                    ↓self.listeners.append(log_change)


            model = Model()

            """),
        .triggering("""
            import functools


            class Retry:
                def __init__(self, attempts):
                    self.attempts = attempts
                    ↓self.callback = functools.partial(Retry.run, self)

                def run(self):
                    return self.attempts


            retry = Retry(3)

            """),
        // A removal inside a weakref callback is not a teardown: it runs only when an item dies, and the
        // callback itself is the bound method that holds the sequence (SQLAlchemy `WeakSequence`, #5050).
        .triggering("""
            import weakref


            class Mapper:
                # Long-lived referents, as mappers are: their weak references never fire.
                registry = []


            class WeakSequence:
                def __init__(self, items=()):
                    ↓self._storage = [weakref.ref(item, self._remove) for item in items]

                def _remove(self, ref):
                    self._storage.remove(ref)


            Mapper.registry.extend([Mapper(), Mapper()])
            WeakSequence(Mapper.registry)

            """),
        // A teardown kills what it removes (blinker 1.9.0's `Signal`, the cycle census): `disconnect()` pops
        // the one receiver its caller names, which leaves every other receiver's weakref, and the callback
        // closing over the signal, on the cycle.
        .triggering("""
            import weakref


            class Signal:
                def __init__(self):
                    self.receivers = {}

                def connect(self, receiver):
                    key = id(receiver)
                    ↓self.receivers[key] = weakref.ref(receiver, self._make_cleanup(key))

                def _make_cleanup(self, key):
                    def cleanup(ref):
                        self.receivers.pop(key, None)

                    return cleanup

                def disconnect(self, receiver):
                    self.receivers.pop(id(receiver), None)


            def on_event(sender):
                return sender


            Signal().connect(on_event)

            """),
        // The same signal emptied by its own teardown: `close()` kills the whole `receivers` slot.
        .nonTriggering("""
            import weakref


            class Signal:
                def __init__(self):
                    self.receivers = {}

                def connect(self, receiver):
                    key = id(receiver)
                    self.receivers[key] = weakref.ref(receiver, self._make_cleanup(key))

                def _make_cleanup(self, key):
                    def cleanup(ref):
                        self.receivers.pop(key, None)

                    return cleanup

                def close(self):
                    self.receivers.clear()


            def on_event(sender):
                return sender


            signal = Signal()
            signal.connect(on_event)
            signal.close()

            """),
        // Reading a caching descriptor gives its value, not a bound method (SQLAlchemy `relationships.py`).
        .nonTriggering("""
            class memoized_property:
                def __init__(self, fget):
                    self.fget = fget
                    self.__name__ = fget.__name__

                def __get__(self, obj, cls):
                    if obj is None:
                        return self
                    obj.__dict__[self.__name__] = result = self.fget(obj)
                    return result


            class JoinCondition:
                def __init__(self, prop):
                    self.prop = prop

                @memoized_property
                def remote_columns(self):
                    return {"id"}


            class Relationship:
                def setup(self):
                    jc = JoinCondition(prop=self)
                    self.remote_side = jc.remote_columns


            Relationship().setup()

            """),
        .nonTriggering("""
            import functools


            class Parser:
                def __init__(self, owner):
                    self.owner = owner

                @functools.cached_property
                def tokens(self):
                    return ["a", "b"]

                @property
                def first(self):
                    return self.tokens[0]


            class Document:
                def load(self):
                    parser = Parser(self)
                    self.tokens = parser.tokens
                    self.first = parser.first


            Document().load()

            """),
        .nonTriggering("""
            import weakref


            class Button:
                def __init__(self):
                    self.on_click = weakref.WeakMethod(self.default_click)

                def default_click(self):
                    pass


            button = Button()

            """),
        .nonTriggering("""
            import sys


            class Logger:
                def __init__(self, stream=sys.stdout):
                    self.write = stream.write


            logger = Logger()

            """),
        .nonTriggering("""
            import threading


            class Job:
                def __init__(self):
                    self.result = None
                    self.thread = threading.Thread(target=self.work)

                def work(self):
                    self.result = 42

                def run(self):
                    self.thread.start()
                    self.thread.join()


            job = Job()
            job.run()

            """),
        .nonTriggering("""
            from concurrent.futures import Future


            def log_done(future):
                print("done", future)


            class Download:
                def __init__(self, future):
                    self.future = future
                    self.future.add_done_callback(log_done)


            download = Download(Future())

            """),
        .nonTriggering("""
            class Formatter:
                def __init__(self, width):
                    self.width = width
                    self.pad = lambda text, width=width: text.ljust(width)


            formatter = Formatter(10)

            """),
        .nonTriggering("""
            class Subscription:
                def __init__(self):
                    self.handlers = [self.on_event]

                def on_event(self, event):
                    print(event)

                def close(self):
                    self.handlers.clear()


            subscription = Subscription()
            subscription.close()

            """),
        .nonTriggering("""
            class Report:
                def __init__(self, rows):
                    self.rows = rows
                    self.total = sum(map(self.value_of, rows))

                def value_of(self, row):
                    return row[1]


            report = Report([("a", 1), ("b", 2)])

            """),
    ]
}
