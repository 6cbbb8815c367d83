# blinker 1.9.0's Signal (the cycle census, issue 25): each weak receiver is kept as a weakref whose
# callback is a closure over the signal, so Signal.receivers -> dict -> weakref -> callback -> cell ->
# Signal. disconnect() pops the one receiver its caller names: that kills no other receiver's edge, and a
# signal dropped while a receiver is still connected is cyclic garbage (CPython: the census run).
# _clear_state() ("useful for tests") empties the dict, but nothing in the module runs it: no lifecycle step.
import weakref


class Signal:
    def __init__(self):
        self.receivers = {}

    def connect(self, receiver):
        receiver_id = id(receiver)
        self.receivers[receiver_id] = weakref.ref(receiver, self._make_cleanup(receiver_id))  # expect: HL102
        return receiver

    def _make_cleanup(self, receiver_id):
        def cleanup(ref):
            self._disconnect(receiver_id)

        return cleanup

    def _disconnect(self, receiver_id):
        self.receivers.pop(receiver_id, None)

    def disconnect(self, receiver):
        self._disconnect(id(receiver))

    def _clear_state(self):
        self.receivers.clear()


def on_event(sender):
    return sender


signal = Signal()
signal.connect(on_event)
