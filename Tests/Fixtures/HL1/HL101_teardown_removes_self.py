# A child's detach() removes that child from its parent's list: the kill is of the list -> child edge of
# the same abstract object the cycle runs through (a Node among Node.children), so the cycle is torn down.
class Node:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)

    def detach(self):
        self.parent.children.remove(self)


root = Node()
leaf = Node(root)
leaf.detach()
