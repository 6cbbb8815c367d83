# HL102 fixture: callables holding their owner, stored on it.
import functools
import threading
import weakref
from concurrent.futures import Future


class Widget:
    def __init__(self):
        self.on_click = self.handle_click  # expect: HL102
        self.handlers = {"key": self.handle_key}  # also-closes: HL102
        self.listeners = []
        self.listeners.append(self.handle_key)  # also-closes: HL102

    def handle_click(self):
        pass

    def handle_key(self, key):
        return key


class Worker:
    def __init__(self):
        self.thread = threading.Thread(target=self.loop)  # expect: HL102
        self.retry = functools.partial(Worker.loop, self)  # also-closes: HL102

    def loop(self):
        pass


class Fetch:
    def __init__(self):
        self.future = Future()
        self.future.add_done_callback(self.done)  # expect: HL102

    def done(self, future):
        pass


class Counter:
    def __init__(self):
        self.count = 0
        self.bump = lambda: setattr(self, "count", self.count + 1)  # expect: HL102


# Hard negatives -----------------------------------------------------------

class WeakButton:
    def __init__(self):
        self.on_click = weakref.WeakMethod(self.handle_click)

    def handle_click(self):
        pass


class Writer:
    def __init__(self, stream):
        self.write = stream.write


class StartedWorker:
    def __init__(self):
        self.thread = threading.Thread(target=self.loop)

    def loop(self):
        pass

    def start(self):
        self.thread.start()


class Factory:
    @classmethod
    def create(cls):
        return cls()

    def __init__(self):
        self.make = self.create  # bound to the class, not the instance


class Padder:
    def __init__(self, width):
        self.pad = lambda text, width=width: text.ljust(width)


class Subscription:
    def __init__(self):
        self.handlers = [self.on_event]

    def on_event(self, event):
        pass

    def close(self):
        self.handlers.clear()


class Launcher:
    def __init__(self):
        self.result = None

    def launch(self):
        worker = threading.Thread(target=self.run)
        worker.start()

    def run(self):
        self.result = 1


class Sampler:
    def __init_subclass__(cls, **kwargs):
        cls._pick = cls._pick_fast  # `cls` is the subclass, not an instance

    def _pick_fast(self):
        return 0
