"""HL401 fixture: module-level collections that only grow."""
import collections
import time

_cache = {}  # expect: HL401
_events = []  # expect: HL401
_seen = set()  # expect: HL401
_bounded = {}
_pending = {}
_handlers = []
_table = {"a": 1}
_import_time = []
_constant_keys = {}
_history = collections.deque(maxlen=50)


def get(key):
    if key not in _cache:
        _cache[key] = compute(key)
    return _cache[key]


def log(kind):
    _events.append((time.time(), kind.upper()))


def first_time(item):
    fresh = item.key not in _seen
    _seen.add(item.key)
    return fresh


def get_bounded(key):
    if len(_bounded) > 100:
        _bounded.clear()
    _bounded[key] = compute(key)


def submit(job):
    _pending[job.id] = job.spec()


def done(job_id):
    del _pending[job_id]


def on(handler):
    _handlers.append(handler)
    return handler


def enable(name):
    _table[name] = 2


def _setup(name):
    _import_time.append(name.upper())


_setup("x")
_setup("y")


def mark_ready():
    _constant_keys["ready"] = True


def remember(cmd):
    _history.append(cmd.strip())


def compute(key):
    return key
