# upstream: radiocosmology/caput (memh5.BasicCont.redistribute)
# reference: PR #134 (merged) "modify BasicCont.redistribute to prevent reference cycles"
# url: https://github.com/radiocosmology/caput/pull/134
# leaked: the recursive inner function _tree_crawl forms a cycle through its own closure cell, and it
#   also uses `self.comm.rank`, binding the container itself into that cycle: the whole container
#   (large arrays) waited for the collector, and jobs ran out of memory between collections.
# fix: a non-recursive traversal (the PR also notes binding only the rank value would do).
# expect: HL105


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
        def _tree_crawl(group):
            for child in group.children:
                _tree_crawl(child)
            if group.data is not None and self.comm.rank == 0:
                group.data = (group.data, axis)

        _tree_crawl(self.root)


def scenario():
    cont = BasicCont(Group([Group(data=[1] * 100), Group([Group(data=[2] * 100)])]))
    cont.redistribute(0)
