# The fix of HL102_weakref_callback_factory.py: the factory's closure holds the Signal through a
# weakref.ref, so nothing on the path leads back to it and reference counting frees the Signal.
import weakref


def cleanup_for(signal_ref, key):
    def cleanup(ref):
        signal = signal_ref()
        if signal is not None:
            signal.receivers.pop(key, None)
    return cleanup


class Signal:
    def __init__(self):
        self.receivers = {}

    def connect(self, receiver):
        key = id(receiver)
        self.receivers[key] = weakref.ref(receiver, cleanup_for(weakref.ref(self), key))
        return receiver


def receiver(sender):
    pass


signal = Signal()
signal.connect(receiver)
