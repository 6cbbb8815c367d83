# upstream: sqlalchemy/sqlalchemy (util._collections.WeakSequence)
# reference: issue #5050 (closed), PR #5051 (closed on GitHub: SQLAlchemy lands changes through its
#   Gerrit review, see the sqla-tester comments)
# url: https://github.com/sqlalchemy/sqlalchemy/pull/5051
# leaked: "WeakSequence's `_remove` instance method had `__self__` which caused a circular reference":
#   self -> _storage list -> weakref -> callback (bound method) -> self.
# fix: "Use a weak selfref to break the cycle" -- the weakref callback is a closure over a weak
#   reference to the sequence.
# expect: HL102
import weakref


class WeakSequence:
    def __init__(self, items=()):
        self._storage = [weakref.ref(item, self._remove) for item in items]

    def _remove(self, ref):
        self._storage.remove(ref)

    def __iter__(self):
        return (obj for obj in (ref() for ref in self._storage) if obj is not None)


class Mapper:
    pass


# mappers live for the whole process; the sequences built over them are the short-lived objects
MAPPERS = (Mapper(), Mapper())


def scenario():
    seq = WeakSequence(MAPPERS)
    list(seq)
