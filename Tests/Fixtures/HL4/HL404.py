"""HL404 fixture: mutable defaults that grow."""


def walk(node, seen=set()):  # expect: HL404
    seen.add(node)
    return seen


def record(x, log=[]):  # expect: HL404
    log.append(x)


def index(k, v, table={}):  # expect: HL404
    table[k] = v


def read_only(k, table={}):
    return table.get(k)


def copied(items, acc=[]):
    acc = list(acc)
    acc.append(items)
    return acc


def none_default(x, log=None):
    if log is None:
        log = []
    log.append(x)
    return log


def walk_packages(paths):
    # A nested def gets a fresh default on every call of walk_packages (pkgutil): not process-lifetime.
    def seen(p, m={}):
        if p in m:
            return True
        m[p] = True

    return [p for p in paths if not seen(p)]
