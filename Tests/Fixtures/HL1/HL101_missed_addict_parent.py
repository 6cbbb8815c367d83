# Known miss (Tests/realworld HL1/addict_parent_link, addict issue #86): `a.x.y = 1` makes a child Dict that
# keeps its parent in `_parent` (stored with object.__setattr__), and the child's __setitem__ stores the
# child in the parent: a -> a.x (dict item), a.x._parent -> a. The model does not follow
# object.__setattr__ / object.__getattribute__ or a dict subclass's own items. CPython: test_known_misses.py.


class Dict(dict):
    def __init__(self, parent=None, key=None):
        super().__init__()
        object.__setattr__(self, "_parent", parent)
        object.__setattr__(self, "_key", key)

    def __getattr__(self, name):
        if name in self:
            return self[name]
        return Dict(parent=self, key=name)

    def __setattr__(self, name, value):
        self[name] = value

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        parent = object.__getattribute__(self, "_parent")
        if parent is not None:
            parent[object.__getattribute__(self, "_key")] = self  # missed: HL101 (child stored in the parent that its _parent holds)


a = Dict()
a.x.y = 1
