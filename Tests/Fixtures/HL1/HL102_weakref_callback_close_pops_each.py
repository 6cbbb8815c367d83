# The blinker shape whose close() pops every receiver it iterates over the same dict: the keys come from
# self.receivers itself, so the slot is emptied and the cycles through it are gone after close().
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
        for receiver_id in list(self.receivers):
            self.receivers.pop(receiver_id)


def on_event(sender):
    return sender


signal = Signal()
signal.connect(on_event)
signal.close()
