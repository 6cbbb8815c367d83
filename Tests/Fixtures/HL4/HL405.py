"""HL405 fixture: process-wide callbacks holding self."""
import atexit
import signal
import weakref


class Spool:
    def __init__(self):
        atexit.register(self.flush)  # expect: HL405
        signal.signal(signal.SIGUSR1, self.dump)  # expect: HL405

    def flush(self):
        pass

    def dump(self, *args):
        pass


class Finalized:
    def __init__(self, path):
        self._f = weakref.finalize(self, print, path)
        atexit.register(print, path)


class Unregisters:
    def __init__(self):
        atexit.register(self.close)

    def close(self):
        atexit.unregister(self.close)


class App:
    def __init__(self):
        atexit.register(self.save)

    def save(self):
        pass


APP = App()


def spools():
    return [Spool() for _ in range(2)]
