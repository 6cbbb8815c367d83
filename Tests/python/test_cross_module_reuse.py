"""The cross-module pass analyses a module again with the project index, but runs only the heap-model
rules (HL1xx/HL2xx) and the cycle search again: the other rules' findings, the semantic model and the
frame/closure/finalizer facts come from the first pass. These tests hold the combined result to what
each part finds on its own, including `# noqa` bookkeeping, which sees the union."""
import json
import os
import subprocess

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

NODES = '''
class Child:
    def __init__(self, parent):
        self.parent = parent
'''

# Asks the index about `Child` (so the cross-module pass takes it again) and has findings of rules that
# never read the index: HL301 (eager list), HL501 (collector left off), an HL103 frame cycle from the
# heap model's project-blind part, and a `# noqa` that suppresses nothing (HL002).
TREE = '''
import gc
import sys
from .nodes import Child

SAMPLES = 10**7


class Tree:
    def __init__(self):
        self.child = Child(self)


def mean_square():
    return sum([i * i for i in range(SAMPLES)]) / SAMPLES  # noqa: HL301


def total():
    return sum([i for i in range(SAMPLES)])  # noqa: HL502


def bulk_load(paths):
    gc.disable()
    return [open(p).read() for p in paths]


def keep_frame():
    frame = sys._getframe()
    return frame.f_lineno
'''


def run(*args):
    # HL002 (a `# noqa` that suppresses nothing) is not selected by default.
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json",
                           "--extend-select", "HL002", *args],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def findings(report, name):
    return sorted((f["code"], f["location"]["row"], f["location"]["column"], f["message"])
                  for f in report if os.path.basename(f["filename"]) == name)


def write_project(root):
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "nodes.py").write_text(NODES)
    (package / "tree.py").write_text(TREE)
    return package


def test_second_pass_keeps_the_first_pass_findings_of_project_blind_rules(tmp_path):
    package = write_project(tmp_path)
    together = findings(run(str(package)), "tree.py")
    alone = findings(run(str(package / "tree.py")), "tree.py")
    # The index adds the cross-module cycle (Tree -> Child -> Tree) and nothing else ...
    added = [f for f in together if f not in alone]
    assert [code for code, *_ in added] == ["HL101"], together
    # ... and every finding of the file checked alone is still there, the rules that never read the
    # index (HL3xx, HL5xx, HL002) and the frame cycle (HL103) alike.
    assert [f for f in alone if f not in together] == []
    codes = {code for code, *_ in together}
    assert {"HL002", "HL103", "HL301", "HL501"} <= codes, together


def test_second_pass_matches_a_run_that_selects_only_the_project_blind_rules(tmp_path):
    package = write_project(tmp_path)
    everything = findings(run(str(package)), "tree.py")
    blind = findings(run("--select", "HL3,HL4,HL5,HL002", str(package)), "tree.py")
    assert blind, "the fixture must have findings of rules that never read the index"
    assert [f for f in everything if f[0][:3] in ("HL3", "HL4", "HL5") or f[0] == "HL002"] == blind
