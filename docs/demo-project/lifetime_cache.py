"""Process-lifetime data (HL4xx): things the process keeps until it exits."""
import atexit
import functools

_results = {}  # HL401: only ever grows


def lookup(key):
    if key not in _results:
        _results[key] = key.upper()
    return _results[key]


class Document:
    instances = []

    def __init__(self, text):
        self.text = text
        Document.instances.append(self)  # HL403: every Document stays alive
        atexit.register(self.flush)  # HL405: atexit holds self

    @functools.cache  # HL402: the cache holds every Document it was called on
    def words(self):
        return self.text.split()

    def flush(self):
        pass


def tokens(text, seen=[]):  # HL404: the default list grows across calls
    seen.append(text)
    return seen
