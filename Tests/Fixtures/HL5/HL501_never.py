"""HL501 fixture: a file that never re-enables the collector."""
import gc as _gc


def startup():
    _gc.disable()  # expect: HL501
    return load_all()


def load_all():
    return []
