# The blinker shape with a teardown that empties the receivers of *this* signal: close() kills the
# Signal.receivers slot, so no weakref (and no callback closing over the signal) is left on a cycle.
import weakref


class Signal:
    def __init__(self):
        self.receivers = {}

    def connect(self, receiver):
        receiver_id = id(receiver)
        self.receivers[receiver_id] = weakref.ref(receiver, self._make_cleanup(receiver_id))
        return receiver

    def _make_cleanup(self, receiver_id):
        def cleanup(ref):
            self.receivers.pop(receiver_id, None)

        return cleanup

    def close(self):
        self.receivers.clear()


def on_event(sender):
    return sender


signal = Signal()
signal.connect(on_event)
signal.close()
