# upstream: radiocosmology/caput (memh5.BasicCont.redistribute)
# reference: PR #134 (merged) "modify BasicCont.redistribute to prevent reference cycles"
# url: https://github.com/radiocosmology/caput/pull/134
# leaked: recursive closure -> cell -> itself, plus self bound into the closure (see the before file).
# fix: iterative traversal with an explicit stack; no nested function at all.
# expect: none


class Comm:
    rank = 0


class Group:
    def __init__(self, children=(), data=None):
        self.children = list(children)
        self.data = data


class BasicCont:
    def __init__(self, root):
        self.comm = Comm()
        self.root = root

    def redistribute(self, axis):
        rank = self.comm.rank
        stack = [self.root]
        while stack:
            group = stack.pop()
            stack.extend(group.children)
            if group.data is not None and rank == 0:
                group.data = (group.data, axis)


def scenario():
    cont = BasicCont(Group([Group(data=[1] * 100), Group([Group(data=[2] * 100)])]))
    cont.redistribute(0)
