"""Cross-module cycles: a class whose constructor stores its argument, called from another module of the
checked project (`Child(self)` with `Child` imported), is modelled through the project index. Each case is
also run under CPython: the positive project really leaves cyclic garbage, the negative one does not."""
import json
import os
import subprocess
import sys
import textwrap

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

NODES = '''
class Child:
    def __init__(self, parent, index):
        self.parent = parent
        self.index = index


class Label:
    def __init__(self, owner):
        self.text = str(owner)
'''

TREE = '''
from .nodes import Child, Label


class Tree:
    def __init__(self, size):
        self.children = [Child(self, i) for i in range(size)]
        self.label = Label(self)


class Leaf:
    def __init__(self):
        self.label = Label(self)
'''

FLAT_USER = '''
import nodes


class Holder:
    def __init__(self):
        self.child = nodes.Child(self, 0)
'''


def write_project(root):
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nodes.py").write_text(NODES)
    (package / "tree.py").write_text(TREE)
    flat = root / "flat"
    flat.mkdir()
    (flat / "nodes.py").write_text(NODES)
    (flat / "user.py").write_text(FLAT_USER)


def findings(root, *extra):
    proc = subprocess.run([BIN, "check", "--isolated", "--select", "HL101", "--output-format", "json", *extra, "."],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted((os.path.relpath(item["filename"], root), item["location"]["row"]) for item in json.loads(proc.stdout))


def test_constructor_of_another_module_is_modelled(tmp_path):
    write_project(tmp_path)
    expected = [(os.path.join("flat", "user.py"), 7), (os.path.join("pkg", "tree.py"), 7)]
    assert findings(tmp_path, "--no-cache") == expected
    # A warm cache gives the same findings: the index is rebuilt from the cached module interfaces.
    assert findings(tmp_path) == expected
    assert findings(tmp_path) == expected


def test_a_changed_dependency_changes_the_dependent_findings(tmp_path):
    write_project(tmp_path)
    findings(tmp_path)
    # `Child` no longer stores its parent: tree.py itself is unchanged, yet its finding must go.
    (tmp_path / "pkg" / "nodes.py").write_text(NODES.replace("self.parent = parent", "self.parent_name = str(parent)"))
    assert findings(tmp_path) == [(os.path.join("flat", "user.py"), 7)]


def test_cpython_agrees(tmp_path):
    write_project(tmp_path)
    script = textwrap.dedent('''
        import gc, sys, weakref
        sys.path[:0] = [sys.argv[1], sys.argv[1] + "/flat"]
        from pkg.tree import Tree, Leaf
        from user import Holder
        gc.collect(); gc.disable()
        result = {}
        for kind in (Tree, Leaf, Holder):
            obj = kind(3) if kind is Tree else kind()
            ref = weakref.ref(obj)
            del obj
            result[kind.__name__] = ref() is not None and (gc.collect() > 0 or True) and ref() is None
        print(result)
    ''')
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    # Freed only by the collector: a cycle. Leaf's Label keeps a string, not the leaf.
    assert eval(out.stdout) == {"Tree": True, "Leaf": False, "Holder": True}
