# upstream: mewwts/addict (Dict auto-vivification)
# reference: issue #86 (closed; fixed in release 2.0.1 per the maintainer)
# url: https://github.com/mewwts/addict/issues/86
# leaked: parent -> child -> _parent -> parent (see the before file).
# fix: the child forgets its parent and key once it has been attached.
# expect: none


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
            parent[object.__getattribute__(self, "_key")] = self
            object.__setattr__(self, "_parent", None)
            object.__setattr__(self, "_key", None)


def scenario():
    a = Dict()
    a.x.y = 1
