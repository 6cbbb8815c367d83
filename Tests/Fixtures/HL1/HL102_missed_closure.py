# Known miss (issue 25): a closure that captures a bound method, stored on the instance:
# Poller.tick -> function tick, __closure__ -> cell(poll) -> bound method Poller.poll, __self__ -> Poller.
# CPython: Tests/python/test_known_misses.py.
class Poller:
    def __init__(self):
        poll = self.poll

        def tick():
            return poll()

        self.tick = tick  # missed: HL102 (tick's closure cell holds the bound method self.poll)

    def poll(self):
        return 0


poller = Poller()
