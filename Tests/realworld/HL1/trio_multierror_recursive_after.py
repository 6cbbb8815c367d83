# upstream: python-trio/trio (trio/_core/_multierror.py, MultiError.filter)
# reference: PR #1805 (merged) "Avoid creating reference cycles", fixes issue #1770
# url: https://github.com/python-trio/trio/pull/1805
# leaked: recursive nested functions -> closure cell -> themselves (see the before file).
# fix: the local functions are deleted before returning, which empties their cells.
# expect: none


class MultiError(Exception):
    def __init__(self, exceptions):
        super().__init__(exceptions)
        self.exceptions = exceptions


def filter_errors(handler, root_exc):
    def filter_tree(exc):
        if isinstance(exc, MultiError):
            kept = [e for e in (filter_tree(child) for child in exc.exceptions) if e is not None]
            return MultiError(kept) if kept else None
        return handler(exc)

    def push_tb_down(depth, exc):
        if isinstance(exc, MultiError):
            for child in exc.exceptions:
                push_tb_down(depth + 1, child)

    new_root = filter_tree(root_exc)
    push_tb_down(0, root_exc)
    # deleting the names clears the closure cells the functions reach themselves through
    del filter_tree, push_tb_down
    return new_root


def scenario():
    tree = MultiError([ValueError(1), MultiError([KeyError(2), ValueError(3)])])
    filter_errors(lambda exc: None if isinstance(exc, KeyError) else exc, tree)
