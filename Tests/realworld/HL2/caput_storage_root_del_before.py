# upstream: radiocosmology/caput (memh5 MemGroup / MemDataset)
# reference: PR #60 (merged) "Fix cyclic references"
# url: https://github.com/radiocosmology/caput/pull/60
# leaked: each dataset kept `_storage_root`, a strong reference back to the root group that holds
#   it, and the container had a `__del__` for automatic file closure; with the finalizer on the
#   cycle, the file was closed only whenever the collector reached the cycle (the PR quotes the
#   Python 2 docs: such cycles were uncollectable).
# fix: `MemDataset._storage_root` became a weak reference, and the automatic closure in `__del__` was
#   removed (explicit close / context manager instead).
# expect: HL201


class MemDataset:
    def __init__(self, root, name, data):
        self._storage_root = root
        self.name = name
        self.data = data


class MemGroup:
    def __init__(self, path):
        self.path = path
        self.file_open = True
        self.datasets = {}

    def create_dataset(self, name, data):
        self.datasets[name] = MemDataset(self, name, data)
        return self.datasets[name]

    def close(self):
        self.file_open = False

    def __del__(self):
        self.close()


def scenario():
    root = MemGroup("/tmp/example.h5")
    root.create_dataset("vis", [0.0] * 256)
