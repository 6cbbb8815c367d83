# HL1 reference cycles / HL2 finalizers: a parent/child back-reference, with a finalizer.
class Node:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []

    def add(self, name):
        child = Node(name, parent=self)
        self.children.append(child)
        return child

    def __del__(self):
        print(f"{self.name} finalized")


root = Node("root")
root.add("leaf")
