# upstream: sqlalchemy/sqlalchemy (util._collections.WeakSequence)
# reference: issue #5050 (closed), PR #5051 (closed on GitHub; SQLAlchemy merges through Gerrit)
# url: https://github.com/sqlalchemy/sqlalchemy/pull/5051
# leaked: sequence -> storage -> weakref -> bound method callback -> sequence (see the before file).
# fix: the callback closes over a weak reference to the sequence.
# expect: none
import weakref


class WeakSequence:
    def __init__(self, items=()):
        def _remove(item, selfref=weakref.ref(self)):
            self_ = selfref()
            if self_ is not None:
                self_._storage.remove(item)

        self._remove = _remove
        self._storage = [weakref.ref(item, _remove) for item in items]

    def __iter__(self):
        return (obj for obj in (ref() for ref in self._storage) if obj is not None)


class Mapper:
    pass


# mappers live for the whole process; the sequences built over them are the short-lived objects
MAPPERS = (Mapper(), Mapper())


def scenario():
    seq = WeakSequence(MAPPERS)
    list(seq)
