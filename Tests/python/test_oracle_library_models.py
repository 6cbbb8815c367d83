"""CPython confirms the library models the heap model uses beyond the rule examples: an asyncio handle
kept on the object whose bound method it schedules, and `setattr` of a bound method."""
import subprocess
import sys
import textwrap

SCENARIO = textwrap.dedent('''
    import asyncio, gc, weakref

    class Ticker:
        def __init__(self, loop):
            self._handle = loop.call_later(5, self._tick)
        def _tick(self):
            pass

    class Cancelled(Ticker):
        def close(self):
            self._handle.cancel()

    class Aliases:
        def __init__(self):
            setattr(self, "run", self.handle)
        def handle(self):
            pass

    def freed_only_by_gc(make, close=False):
        loop = asyncio.new_event_loop()
        obj = make(loop)
        if close:
            obj.close()
        loop.close()   # drops the loop's own reference to its scheduled handles
        ref = weakref.ref(obj)
        del obj
        alive = ref() is not None
        gc.collect()
        return alive and ref() is None

    gc.disable()
    print(freed_only_by_gc(Ticker), freed_only_by_gc(Cancelled, close=True), freed_only_by_gc(lambda loop: Aliases()))
''')


def test_handle_and_setattr_cycles_are_real():
    out = subprocess.run([sys.executable, "-c", SCENARIO], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "True"]
