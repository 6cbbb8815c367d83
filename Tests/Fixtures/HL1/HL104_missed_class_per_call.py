# Known miss (issue 25): a `class` statement run on every call. Class objects are always cyclic
# (Record.__mro__ holds Record, and the descriptors in its __dict__ refer back to it), so each call
# leaves a class for the cyclic collector. No rule covers it yet (issue 25 plans one); the marker uses
# HL104, the self-referential-structure code, until it exists. CPython: Tests/python/test_known_misses.py.
def make_record(name):
    class Record:  # missed: HL104 (a class object per call is self-referential through __mro__)
        pass

    Record.__name__ = name
    return Record()


record = make_record("row")
