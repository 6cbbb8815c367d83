"""Pictures of reference paths (issue 30), end to end through the built binary (HEAPLINT_BIN):
the JSON `graph`, `heaplint explain FILE:LINE[:COL]` as text art and as Graphviz DOT (parsed by `dot`
from Debian's graphviz when installed, else checked for structure).
"""
import json
import os
import re
import shutil
import subprocess

import pytest
from required_tools import skip_unless

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

FRAME_CYCLE = """\
def first_error(lines):
    error = None
    for line in lines:
        try:
            int(line)
        except ValueError as exc:
            error = exc
    return error
"""
FRAME_LINE = 7

CLASS_CYCLE = """\
class Engine:
    def __init__(self, car):
        self.car = car


class Car:
    def __init__(self):
        self.engine = Engine(self)
"""
CLASS_LINE = 8


def run(*args, cwd):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "frames.py").write_text(FRAME_CYCLE)
    (tmp_path / "cars.py").write_text(CLASS_CYCLE)
    (tmp_path / "clean.py").write_text("x = 1\n")
    return tmp_path


def findings(project, name):
    proc = run("check", "--no-cache", "--output-format", "json", name, cwd=project)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


# ---- JSON graph ----------------------------------------------------------------------------------

def same_object(reached, name):
    shorter, longer = sorted([reached, name], key=len)
    return reached == name or (shorter != "" and longer.startswith(shorter + " "))


def graph_matches_path(item):
    """The graph's edges, followed in order, spell the explanation's path."""
    graph, path = item["graph"], item["explanation"]["path"]
    labels = {node["id"]: node["label"] for node in graph["nodes"]}
    assert len(labels) == len(graph["nodes"]), "node ids are unique"
    assert len(graph["edges"]) == len(path)
    for edge, step in zip(graph["edges"], path):
        assert (edge["slot"], labels[edge["to"]]) == (step["via"], step["to"])
        # A step may name the object it continues from more briefly (`_cache (line 5)` then `_cache`).
        assert same_object(labels[edge["from"]], step["from"])
        if step["location"] is not None:
            assert edge["line"] == step["location"]["row"]
        else:
            assert "line" not in edge
    for a, b in zip(graph["edges"], graph["edges"][1:]):
        assert a["to"] == b["from"], "consecutive steps continue from the object reached"


def test_json_graph_of_a_frame_cycle(project):
    [item] = findings(project, "frames.py")
    graph_matches_path(item)
    graph = item["graph"]
    assert [n["label"] for n in graph["nodes"]] == ["frame of first_error()", "exception", "traceback"]
    assert [n["kind"] for n in graph["nodes"]] == ["frame", "exception", "traceback"]
    assert [e["slot"] for e in graph["edges"]] == ["f_locals[error]", "__traceback__", "tb_frame"]
    assert [e["closing"] for e in graph["edges"]] == [False, False, True]
    assert graph["edges"][-1]["to"] == graph["nodes"][0]["id"]
    assert graph["edges"][0]["line"] == FRAME_LINE


def test_json_graph_of_a_class_cycle_and_null_without_path(project):
    (project / "bad.py").write_text("def f(:\n")
    items = findings(project, ".")
    by_file = {os.path.basename(i["filename"]): i for i in items}
    graph_matches_path(by_file["cars.py"])
    assert [n["label"] for n in by_file["cars.py"]["graph"]["nodes"]] == ["Car", "Engine"]
    assert by_file["bad.py"]["graph"] is None  # a syntax error has no reference path
    lines = run("check", "--no-cache", "--output-format", "json-lines", "cars.py", cwd=project).stdout
    assert json.loads(lines.splitlines()[0])["graph"] == by_file["cars.py"]["graph"]


def test_json_graph_for_every_fixture_path():
    """Every finding of the rule fixtures with a path gets a graph that spells it."""
    root = os.path.join(os.path.dirname(__file__), "..", "Fixtures")
    proc = run("check", "--no-cache", "--isolated", "--preview", "--exit-zero", "--output-format", "json",
               "HL1", "HL2", "HL3", "HL4", "HL5", cwd=root)
    assert proc.returncode == 0, proc.stderr
    items = [i for i in json.loads(proc.stdout) if i["explanation"] and i["explanation"]["path"]]
    assert len(items) > 20
    for item in items:
        graph_matches_path(item)
        assert sum(e["closing"] for e in item["graph"]["edges"]) <= 1
        for node in item["graph"]["nodes"]:
            named = re.search(r"line (\d+)\)$", node["label"])
            assert node.get("line") == (int(named.group(1)) if named else None), node


# ---- explain: text art ---------------------------------------------------------------------------

def test_explain_draws_the_frame_cycle(project):
    proc = run("explain", f"frames.py:{FRAME_LINE}", cwd=project)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith(f"frames.py:{FRAME_LINE}:")
    assert "HL103" in out.splitlines()[0]
    for label in ["frame of first_error()", "exception", "traceback"]:
        assert re.search(r"│ " + re.escape(label) + r" +│", out), label
    assert out.count("┌") == 3 and out.count("▼") == 2
    assert f".f_locals[error]  line {FRAME_LINE}" in out
    assert ".__traceback__" in out
    closing = [line for line in out.splitlines() if "closes the cycle" in line]
    assert len(closing) == 1 and ".tb_frame" in closing[0]
    # The rail returns into the first box.
    assert re.search(r"│ frame of first_error\(\) +│◀─+┐", out)
    assert "size:" in out and "help:" in out
    assert "reference path:" not in out  # drawn, not repeated as a line


def test_explain_column_and_class_cycle(project):
    proc = run("explain", f"cars.py:{CLASS_LINE}:9", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "HL101" in proc.stdout and "│ Car" in proc.stdout and "│ Engine" in proc.stdout
    assert ".engine" in proc.stdout and ".car" in proc.stdout


def test_explain_nothing_at_line_is_not_an_error(project):
    proc = run("explain", "cars.py:2", cwd=project)
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert f"nothing reported at cars.py:2 (findings in this file are at line {CLASS_LINE})" in proc.stderr
    clean = run("explain", "clean.py:1", cwd=project)
    assert clean.returncode == 0 and "no findings in the file" in clean.stderr


@pytest.mark.parametrize("location, message", [
    ("missing.py:3", "heaplint: error: missing.py: no such file"),
    ("cars.py:99", "heaplint: error: line 99 is not in cars.py: it has 8 lines"),
    ("cars.py:0", "heaplint: error: line 0 is not in cars.py"),
    ("clean.py:2", "heaplint: error: line 2 is not in clean.py: it has 1 line"),  # a clean file too
    ("cars.py", "heaplint: error: `cars.py` is not FILE:LINE[:COL]"),
    ("cars.py:x", "heaplint: error: `cars.py:x` is not FILE:LINE[:COL]"),
    (".:3", "heaplint: error: . is a directory"),
])
def test_explain_usage_errors(project, location, message):
    proc = run("explain", location, cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.startswith(message), proc.stderr
    assert proc.stdout == ""
    assert "Fatal error" not in proc.stderr


def test_explain_help_and_top_level_help(project):
    proc = run("explain", "--help", cwd=project)
    assert proc.returncode == 0
    assert "FILE:LINE[:COL]" in proc.stdout and "--format" in proc.stdout and "dot" in proc.stdout
    assert "explain" in run("--help", cwd=project).stdout


# ---- explain --format dot ------------------------------------------------------------------------

def parse_dot(text):
    """A small check of DOT structure: one digraph, balanced braces, every edge between declared nodes."""
    assert text.startswith("digraph heaplint {") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    nodes = dict(re.findall(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"\];$', text, re.M))
    edges = re.findall(r'^\s*(\w+) -> (\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$', text, re.M)
    for a, b, _, _ in edges:
        assert a in nodes and b in nodes
    return nodes, edges


def test_explain_dot(project):
    proc = run("explain", f"frames.py:{FRAME_LINE}", "--format", "dot", cwd=project)
    assert proc.returncode == 0, proc.stderr
    nodes, edges = parse_dot(proc.stdout)
    assert sorted(nodes.values()) == sorted(["frame of first_error()", "exception", "traceback"])
    assert [label.split("\\n")[0] for _, _, label, _ in edges] == [".f_locals[error]", ".__traceback__", ".tb_frame"]
    assert ["color=" in rest for _, _, _, rest in edges] == [False, False, True]


@skip_unless(shutil.which("dot") is not None, "graphviz's `dot` is not installed (make editor-test-debs)")
def test_explain_dot_renders_with_graphviz(project):
    dot = run("explain", f"frames.py:{FRAME_LINE}", "--format", "dot", cwd=project).stdout
    rendered = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stderr == ""
    assert "frame of first_error()" in rendered.stdout and "tb_frame" in rendered.stdout


def test_explain_dot_without_a_path(project):
    (project / "bad.py").write_text("def f(:\n")
    proc = run("explain", "bad.py:1", "--format", "dot", cwd=project)
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert "no reference path to draw" in proc.stderr


def test_readme_example_is_the_real_output():
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    block = re.search(r"`docs/demo-project/tree.py:10`:\n\n```text\n(.*?)\n  …\n```", readme, re.S)
    assert block, "README's explain example"
    proc = run("explain", "tree.py:10", cwd=os.path.join(root, "docs", "demo-project"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(block.group(1) + "\n"), proc.stdout


def test_notebook_graph_lines_count_from_the_cell_and_explain_refuses_notebooks(tmp_path):
    from test_notebooks import cycle_notebook  # cell 3 holds a cycle at row 4

    cycle_notebook(tmp_path)
    [item] = findings(tmp_path, "nb.ipynb")
    graph_matches_path(item)
    assert all(e["cell"] == 3 and e["line"] == 4 for e in item["graph"]["edges"])
    proc = run("explain", "nb.ipynb:4", cwd=tmp_path)
    assert proc.returncode == 2 and "does not read notebooks" in proc.stderr


def test_explain_colour(project):
    plain = run("explain", f"frames.py:{FRAME_LINE}", cwd=project).stdout
    assert "\x1b[" not in plain  # not a terminal
    coloured = run("explain", f"frames.py:{FRAME_LINE}", "--color", "always", cwd=project).stdout
    assert "\x1b[1;31m← closes the cycle\x1b[0m" in coloured and "\x1b[1;31mHL103\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
