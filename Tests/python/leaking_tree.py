"""The small leaking project the `heaplint verify` tests share (test_verify, test_verify_sarif,
test_verify_pytest, test_pytest_plugin): `Node(tree)` stores the node in `tree.children` and the tree in
`node.tree`, a two-object cycle `heaplint check` reports (HL101) and CPython leaves to the collector.
Each test module puts its own header and calls around it; line numbers in their assertions count from
their own composed source.
"""

TREE_AND_NODE = """\
class Tree:
    def __init__(self):
        self.children = []


class Node:
    def __init__(self, tree):
        self.tree = tree
        tree.children.append(self)


def build():
    tree = Tree()
    Node(tree)
"""
