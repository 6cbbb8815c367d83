# HL105 fixture: nested functions that reach themselves through a closure cell.
import functools


def flatten(tree):
    result = []

    def walk(node):  # expect: HL105
        for child in node:
            if isinstance(child, list):
                walk(child)
            else:
                result.append(child)

    walk(tree)
    return result


def make_retrying(func):
    @functools.wraps(func)
    def wrapper(*args):  # expect: HL105
        return wrapper.__wrapped__(*args)

    return wrapper


def factorial_of(n):
    fact = lambda k: 1 if k <= 1 else k * fact(k - 1)  # expect: HL105
    return fact(n)


# Hard negatives -----------------------------------------------------------

def walk(node, out):
    for child in node:
        if isinstance(child, list):
            walk(child, out)
        else:
            out.append(child)
    return out


def scaled(values, factor):
    def times(x):
        return x * factor

    return [times(v) for v in values]


def flatten_released(tree):
    result = []

    def visit(node):
        for child in node:
            if isinstance(child, list):
                visit(child)
            else:
                result.append(child)

    try:
        visit(tree)
    finally:
        del visit
    return result


def attribute_not_name(config):
    def loader(path):
        return config.loader(path)

    return loader


def shadowed():
    def fmt(fmt):
        return fmt.upper()

    return fmt("x")


class Tree:
    def __init__(self):
        self.children = []

    def depth(self):
        return 1 + max((c.depth() for c in self.children), default=0)


def flatten_released_by_rebinding(tree):
    out = []

    def walk(node):  # rebinding the name to None empties the cell: no cycle remains
        out.append(node)
        for child in node.children:
            walk(child)

    walk(tree)
    walk = None
    return out
