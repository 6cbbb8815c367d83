# upstream: radiocosmology/caput (memh5 MemGroup / MemDataset)
# reference: PR #60 (merged) "Fix cyclic references"
# url: https://github.com/radiocosmology/caput/pull/60
# leaked: root group (with __del__) -> dataset -> _storage_root -> root group (see the before file).
# fix: the back-reference is weak and the file is closed explicitly, not from __del__.
# expect: none
import weakref


class MemDataset:
    def __init__(self, root, name, data):
        self._storage_root = weakref.ref(root)
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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def scenario():
    with MemGroup("/tmp/example.h5") as root:
        root.create_dataset("vis", [0.0] * 256)
