# Found since the model replays a storing method called on an attribute of known class (issue 25):
# Job.done -> Signal, Signal.slots -> list -> bound method, __self__ -> Job.
class Signal:
    def __init__(self):
        self.slots = []

    def connect(self, slot):
        self.slots.append(slot)


class Job:
    def __init__(self):
        self.done = Signal()
        self.done.connect(self.on_done)  # expect: HL102

    def on_done(self):
        pass


job = Job()
