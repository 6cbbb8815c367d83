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
