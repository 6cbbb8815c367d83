# upstream: pysal/pysal (core FileIO, by_col / by_row helpers)
# reference: issue #190 (closed; the issue records the change made), related issue #187
# url: https://github.com/pysal/pysal/issues/190
# leaked: file -> by_col/by_row -> file (see the before file).
# fix: properties build the helpers on access; the file object does not keep them.
# expect: none


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

    @property
    def by_col(self):
        return _ByCol(self)

    @property
    def by_row(self):
        return _ByRow(self)

    def _get_col(self, index):
        return [row[index] for row in self.rows]


def scenario():
    f = FileIO([(1, 2), (3, 4)])
    f.by_col[0]
