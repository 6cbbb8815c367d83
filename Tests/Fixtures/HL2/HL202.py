# HL202 fixture: finalizers that resurrect self.
_graveyard = []
last_closed = None


class Connection:
    def __init__(self, host):
        self.host = host

    def __del__(self):
        _graveyard.append(self)  # expect: HL202


class Buffer:
    _free = []

    def __del__(self):
        self._free.append(self)  # expect: HL202


class Session:
    def __del__(self):
        global last_closed
        last_closed = self  # expect: HL202


class Pooled:
    pool = []

    def __del__(self):
        type(self).pool.append(self)  # expect: HL202


# Hard negatives -----------------------------------------------------------

_closed_hosts = []


class Logged:
    def __init__(self, host):
        self.host = host
        self.children = []

    def __del__(self):
        _closed_hosts.append(self.host)
        self.children.clear()
        pending = []
        pending.append(self)
        print(len(pending), id(self))
