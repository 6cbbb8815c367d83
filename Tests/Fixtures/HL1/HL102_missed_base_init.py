# Known miss (issue 25): a bound method passed to the base class's __init__, which stores it on the same
# object: Client.callback -> bound method Client.on_event, __self__ -> Client.
# CPython: Tests/python/test_known_misses.py.
class Listener:
    def __init__(self, callback):
        self.callback = callback


class Client(Listener):
    def __init__(self):
        super().__init__(self.on_event)  # missed: HL102 (Listener.__init__ stores the bound method in self.callback)

    def on_event(self, event):
        return event


client = Client()
