# upstream: pysal/pysal (core FileIO, by_col / by_row helpers)
# reference: issue #190 (closed; the issue records the change made), related issue #187
# url: https://github.com/pysal/pysal/issues/190
# leaked: "by_col and by_row introduce reference cycles because these classes both point back to
#   their parent": FileIO built both helper objects with itself as argument in __init__, so every file
#   object (and its open file) waited for the collector if users forgot close().
# fix: "by_col and by_row were changed to be accessed through properties", created on demand and not
#   stored on the file object.
# expect: HL101


class _ByCol:
    def __init__(self, parent):
        self.p = parent

    def __getitem__(self, key):
        return self.p._get_col(key)


class _ByRow:
    def __init__(self, parent):
        self.p = parent

    def __getitem__(self, key):
        return self.p.rows[key]


class FileIO:
    def __init__(self, rows):
        self.rows = rows
        self.by_col = _ByCol(self)
        self.by_row = _ByRow(self)

    def _get_col(self, index):
        return [row[index] for row in self.rows]


def scenario():
    f = FileIO([(1, 2), (3, 4)])
    f.by_col[0]
