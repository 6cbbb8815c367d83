# blinker 1.9.0's Signal.connect (the cycle census, issue 25): the weakref's callback is a closure a
# method returns, and the closure's cell holds `self`. A weakref keeps its callback strongly
# (PyWeakReference.wr_callback), so Signal -> receivers dict -> weakref -> cleanup -> cell -> Signal.
# The callback removes the entry only when the receiver dies, which is no teardown of the Signal.
import weakref


class Signal:
    def __init__(self):
        self.receivers = {}

    def connect(self, receiver):
        key = id(receiver)
        self.receivers[key] = weakref.ref(receiver, self._make_cleanup(key))  # expect: HL102
        return receiver

    def _make_cleanup(self, key):
        def cleanup(ref):
            self.receivers.pop(key, None)
        return cleanup


def receiver(sender):
    pass


signal = Signal()
signal.connect(receiver)
