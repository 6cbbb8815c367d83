# A `class` statement run on every call (issue 25; was the known miss HL104_missed_class_per_call).
# Class objects are always cyclic (Record.__mro__ holds Record, and the descriptors in its __dict__ refer
# back to it), so each call leaves a class for the cyclic collector.
import functools
from typing import TYPE_CHECKING


def make_record(name):
    class Record:  # expect: HL108
        pass

    Record.__name__ = name
    return Record()


class Loader:
    def load(self, names):
        return [make_record(name) for name in names]

    def row_type(self, fields):
        return type("Row", (), dict.fromkeys(fields))  # expect: HL108


# Called only here, at import: one class per process.
def make_point_class(fields):
    class Point:
        __slots__ = fields

    return Point


Point2D = make_point_class(("x", "y"))


@functools.lru_cache(maxsize=None)
def cached_record_class(name):
    class CachedRecord:
        pass

    return CachedRecord


def annotated(text):
    if TYPE_CHECKING:
        class Words:
            pass

    return text.split()


class Model:
    class Meta:
        ordering = ("name",)


records = Loader().load(["row"])
