"""HL403 fixture: instance registries."""
import weakref

_live = {}
_weak = weakref.WeakValueDictionary()


class Conn:
    pool = []
    weak_pool = weakref.WeakSet()

    def __init__(self, host):
        self.host = host
        Conn.pool.append(self)  # expect: HL403
        Conn.weak_pool.add(self)
        _live[id(self)] = self  # expect: HL403
        _weak[id(self)] = self
        Conn.pool.append(weakref.ref(self))


class Temp:
    open_files = []

    def __init__(self):
        Temp.open_files.append(self)

    def close(self):
        Temp.open_files.remove(self)


class Color:
    by_name = {}

    def __init__(self, name):
        Color.by_name[name] = self


RED = Color("red")
BLUE = Color("blue")


def make():
    return Conn("h"), Temp()
