"""HL401 fixture: caches keyed by a bounded set are not growing (django, SQLAlchemy, twisted patterns);
keys from unbounded input (ids, file paths, request data, arbitrary arguments) are."""
import collections
import os

_caches = {}
_locks = {}
_translations = {}
_srid_cache = collections.defaultdict(dict)
RAN_DB_VERSION_CHECK = set()
_connector_combinators = collections.defaultdict(list)
_counters = {}
include_tags = set()

_frames = {}  # expect: HL401
_mo_files = {}  # expect: HL401
_by_path = {}  # expect: HL401
_by_user = set()  # expect: HL401


class LocMemCache:
    def __init__(self, name, params):
        self._cache = _caches.setdefault(name, {})
        _locks[name] = object()


def translation(language):
    if language not in _translations:
        _translations[language] = object()
    return _translations[language]


def get_srid_info(srid, connection):
    alias = connection.alias
    return _srid_cache[alias].get(srid)


class DatabaseWrapper:
    def init_connection_state(self):
        RAN_DB_VERSION_CHECK.add(self.connection.alias)


def register_combinable_fields(lhs, connector, rhs, result):
    _connector_combinators[connector].append((lhs, rhs, result))


class HistoricRecvLine:
    def __init__(self, original):
        key = qual(original.__class__)
        count = _counters.get(key, 0)
        _counters[key] = count + 1


def _include_tag(opt_str, value, parser):
    include_tags.add(value.replace("-", "_"))


def frame_globals(frame):
    fid = id(frame)
    _frames[fid] = frame.f_globals


def translation_for(class_, mofile):
    key = (class_, os.path.abspath(mofile))
    _mo_files[key] = class_(open(mofile, "rb"))


class ResourceHandler:
    def post(self, path):
        _by_path[path] = self.request.body


def seen(request):
    _by_user.add(request.user_id)


def qual(cls):
    return cls.__qualname__
