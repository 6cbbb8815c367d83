# HL102 fixture, library models: asyncio handles and setattr.
import asyncio


class Ticker:
    def __init__(self, loop):
        self.loop = loop
        self._handle = loop.call_later(5, self._tick)  # expect: HL102

    def _tick(self):
        pass


class Poller:
    def start(self):
        loop = asyncio.get_event_loop()
        self._pending = loop.call_soon(self.poll, 1)  # expect: HL102

    def poll(self, n):
        pass


class CancelledOnClose:
    def __init__(self, loop):
        self._handle = loop.call_later(5, self._tick)

    def _tick(self):
        pass

    def close(self):
        self._handle.cancel()


class PlainCallback:
    def __init__(self, loop, callback):
        self._handle = loop.call_later(5, callback)


class Aliases:
    def __init__(self, names):
        for name in names:
            setattr(self, name, self.handle)  # expect: HL102
        setattr(self, "label", str(self))

    def handle(self):
        pass
