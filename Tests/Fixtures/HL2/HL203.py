# HL203 fixture: cycles whose only breaking code runs in __del__.
import atexit
import weakref


class Channel:
    def __init__(self, pool):
        self.pool = pool


class Pool:
    def __init__(self):
        self.channel = Channel(self)

    def __del__(self):
        self.channel = None  # expect: HL203


class Reader:
    def __init__(self):
        self.buffer = []
        self.decoder = Decoder(self)

    def _reset_decoder(self):
        self.decoder = None  # expect: HL203

    def __del__(self):
        self.buffer = None
        self._reset_decoder()


class Decoder:
    def __init__(self, reader):
        self.reader = reader


class Tree:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)

    def __del__(self):
        for child in self.children:
            child.parent = None  # expect: HL203
        self.children.clear()


class Emitter:
    def __init__(self):
        self.listener = self.on_event

    def on_event(self, event):
        return event

    def __del__(self):
        del self.listener  # expect: HL203


# Hard negatives -----------------------------------------------------------

class ClosablePool:
    def __init__(self):
        self.channel = Channel(self)

    def close(self):  # public: callers may call it
        self.channel = None

    def __del__(self):
        self.close()


class SharedCleanup:
    def __init__(self):
        self.channel = Channel(self)

    def _release(self):  # also reached from __exit__
        self.channel = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._release()

    def __del__(self):
        self._release()


class RegisteredCleanup:
    def __init__(self):
        self.channel = Channel(self)
        atexit.register(self._drop)

    def _drop(self):  # handed to atexit: not finalizer-only
        self.channel = None

    def __del__(self):
        self._drop()


class WeakBackReference:
    def __init__(self):
        self.channel = Channel(weakref.proxy(self))

    def __del__(self):
        self.channel = None  # no cycle: the channel holds a proxy


class AsyncResource:
    def __init__(self):
        self.channel = Channel(self)

    async def _aclose(self):  # a teardown name, called from __aexit__
        self.channel = None

    async def __aexit__(self, *exc):
        await self._aclose()

    def __del__(self):
        pass
