# Known miss (issue 25): a bound method handed to another object's method, which appends it to that
# object's list: Job.done -> Signal, Signal.slots -> list -> bound method, __self__ -> Job. The model does
# not replay Signal.connect() at the call site. CPython: Tests/python/test_known_misses.py.
class Signal:
    def __init__(self):
        self.slots = []

    def connect(self, slot):
        self.slots.append(slot)


class Job:
    def __init__(self):
        self.done = Signal()
        self.done.connect(self.on_done)  # missed: HL102 (connect() stores the bound method in Signal.slots)

    def on_done(self):
        pass


job = Job()
