"""Jupyter notebooks in `heaplint check`: discovery, loading the code cells as one module with IPython
syntax masked, findings reported per cell in every output format, and `--fix` writing into the cells.

Each test writes its own small nbformat-4 notebooks. Cell numbers are 1-based indices among *all*
cells (markdown cells count), as the README says.
"""
import json
import os
import subprocess
import xml.etree.ElementTree as ET

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))


def run(*args, cwd):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def check(cwd, *args):
    return run("check", "--no-cache", *args, cwd=cwd)


def notebook(*cells, source_as_list=True):
    """cells: ("code" | "markdown", text). nbformat stores `source` as a list of lines or one string."""
    out = []
    for kind, text in cells:
        source = text.splitlines(keepends=True) if source_as_list else text
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return {"nbformat": 4, "nbformat_minor": 5, "cells": out,
            "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}}


def write(path, nb):
    path.write_text(json.dumps(nb, indent=1) + "\n")
    return path


MAGICS = (
    "%matplotlib inline\n"
    "!pip install numpy\n"
    "files = !ls\n"
    "timing = %timeit -o sum(range(3))\n"
    "len?\n"
    "??print\n"
    "for name in ['a', 'b']:\n"
    "    !echo {name}\n"
    "remainder = (10\n"
    "             % 3)\n"
)
BUTTON = (
    "class Button:\n"
    "    def __init__(self):\n"
    "        %time warmup = 1\n"
    "        self.on_click = self.default_click\n"
    "\n"
    "    def default_click(self):\n"
    "        pass\n"
)


def cycle_notebook(tmp_path, name="nb.ipynb", **kwargs):
    # Cell 1: magics and shell escapes; cell 2: markdown; cell 3: the cycle (row 4, column 9).
    return write(tmp_path / name, notebook(("code", MAGICS), ("markdown", "# Notes\nsome *text*\n"),
                                           ("code", BUTTON), **kwargs))


def test_cycle_in_cell_3_is_reported_at_its_cell_row_and_column(tmp_path):
    cycle_notebook(tmp_path)
    proc = check(tmp_path, "nb.ipynb", "--output-format", "concise")
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("nb.ipynb")]
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith("nb.ipynb:cell 3:4:9: HL102 "), lines[0]


def test_text_output_shows_the_cell_row_in_the_snippet_and_cell_lines_in_the_reference_path(tmp_path):
    cycle_notebook(tmp_path)
    out = check(tmp_path, "nb.ipynb").stdout
    assert "nb.ipynb:cell 3:4:9: HL102" in out
    assert "4 |         self.on_click = self.default_click" in out
    assert "Button.on_click (cell 3, line 4)" in out


def test_source_as_one_string_is_read_like_a_list_of_lines(tmp_path):
    cycle_notebook(tmp_path, source_as_list=False)
    out = check(tmp_path, "nb.ipynb", "--output-format", "concise").stdout
    assert "nb.ipynb:cell 3:4:9: HL102" in out


def test_magics_shell_escapes_and_help_neither_break_the_parse_nor_shift_positions(tmp_path):
    # A cell magic makes its whole cell non-Python (here text that would be a syntax error), and
    # line magics/escapes/help sit in earlier cells and inside blocks: no HL001, and the finding in
    # the last cell keeps its row.
    write(tmp_path / "nb.ipynb", notebook(
        ("code", MAGICS),
        ("code", "%%bash\necho 'def f(:'\nfor x in (\n"),
        ("code", "obj = object()\nobj?\n"),
        ("code", BUTTON),
    ))
    proc = check(tmp_path, "nb.ipynb", "--output-format", "json")
    found = [(d["code"], d["cell"], d["location"]["row"], d["location"]["column"]) for d in json.loads(proc.stdout)]
    assert found == [("HL102", 4, 4, 9)], proc.stdout


def test_the_same_code_as_a_python_file_with_magics_is_a_syntax_error(tmp_path):
    # The masking is what keeps the notebook clean: the raw cells joined as a .py file do not parse.
    (tmp_path / "raw.py").write_text(MAGICS)
    codes = {d["code"] for d in json.loads(check(tmp_path, "raw.py", "--output-format", "json").stdout)}
    assert "HL001" in codes


def test_a_class_from_one_cell_closes_a_cycle_with_a_class_in_another(tmp_path):
    child = "class Child:\n    def __init__(self, parent):\n        self.parent = parent\n"
    parent = "class Parent:\n    def __init__(self):\n        self.child = Child(self)\n"
    write(tmp_path / "cross.ipynb", notebook(("code", child), ("markdown", "text"), ("code", parent)))
    found = json.loads(check(tmp_path, "cross.ipynb", "--output-format", "json").stdout)
    assert [(d["code"], d["cell"], d["location"]["row"], d["location"]["column"]) for d in found] == [("HL101", 3, 3, 9)]
    # Without the cell that stores the parent on the child there is no cycle.
    write(tmp_path / "alone.ipynb", notebook(("code", "class Child:\n    def __init__(self, parent):\n        self.parent = None\n"),
                                             ("code", parent)))
    assert json.loads(check(tmp_path, "alone.ipynb", "--output-format", "json").stdout) == []


def test_json_output_fills_cell_and_cell_relative_locations(tmp_path):
    cycle_notebook(tmp_path)
    [d] = json.loads(check(tmp_path, "nb.ipynb", "--output-format", "json").stdout)
    assert d["cell"] == 3
    assert d["location"] == {"row": 4, "column": 9}
    assert d["end_location"] == {"row": 4, "column": 43}
    assert d["filename"] == str(tmp_path / "nb.ipynb")
    steps = d["explanation"]["path"]
    assert steps and all(step["location"]["cell"] == 3 and step["location"]["row"] == 4 for step in steps)


def test_json_cell_is_null_for_python_files(tmp_path):
    (tmp_path / "m.py").write_text(BUTTON.replace("        %time warmup = 1\n", ""))
    [d] = json.loads(check(tmp_path, "m.py", "--output-format", "json").stdout)
    assert d["cell"] is None and d["location"] == {"row": 3, "column": 9}


def test_sarif_github_gitlab_junit_rdjson_use_cell_relative_rows_and_name_the_cell(tmp_path):
    cycle_notebook(tmp_path)
    sarif = json.loads(check(tmp_path, "nb.ipynb", "--output-format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"]) == (4, 9, 4)
    assert result["properties"]["cell"] == 3

    github = check(tmp_path, "nb.ipynb", "--output-format", "github").stdout
    assert "file=nb.ipynb,line=4,col=9,endLine=4," in github and "nb.ipynb:cell 3:4:9: HL102" in github

    [issue] = json.loads(check(tmp_path, "nb.ipynb", "--output-format", "gitlab").stdout)
    assert issue["location"]["lines"] == {"begin": 4, "end": 4} and issue["description"].endswith("(cell 3)")

    junit = ET.fromstring(check(tmp_path, "nb.ipynb", "--output-format", "junit").stdout)
    case = junit.find(".//testcase")
    assert case.get("line") == "4" and case.find("failure").text.startswith("cell 3, line 4, col 9, ")

    [diag] = json.loads(check(tmp_path, "nb.ipynb", "--output-format", "rdjson").stdout)["diagnostics"]
    assert diag["location"]["range"]["start"]["line"] == 4 and diag["message"].endswith("(cell 3)")


def test_invalid_or_non_notebook_json_is_hl003(tmp_path):
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    (tmp_path / "other.ipynb").write_text('{"name": "not a notebook"}\n')
    (tmp_path / "list.ipynb").write_text("[1, 2]\n")
    write(tmp_path / "badsource.ipynb", {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                          "cells": [{"cell_type": "code", "source": [1, 2], "metadata": {}}]})
    write(tmp_path / "old.ipynb", {"nbformat": 3, "nbformat_minor": 0, "cells": []})
    (tmp_path / "latin.ipynb").write_bytes(b'{"cells": [], "x": "caf\xe9"}')
    proc = check(tmp_path, ".", "--output-format", "json")
    assert proc.returncode == 1, proc.stderr
    found = {os.path.basename(d["filename"]): (d["code"], d["message"]) for d in json.loads(proc.stdout)}
    assert set(found) == {"broken.ipynb", "other.ipynb", "list.ipynb", "badsource.ipynb", "old.ipynb", "latin.ipynb"}
    assert all(code == "HL003" for code, _ in found.values())
    assert "not valid JSON" in found["broken.ipynb"][1]
    assert "not a Jupyter notebook" in found["other.ipynb"][1] and "not a Jupyter notebook" in found["list.ipynb"][1]
    assert "cell 1" in found["badsource.ipynb"][1]
    assert "nbformat 3" in found["old.ipynb"][1]
    assert "UTF-8" in found["latin.ipynb"][1]


def test_directories_are_walked_for_notebooks_and_extend_exclude_opts_out(tmp_path):
    (tmp_path / "sub").mkdir()
    cycle_notebook(tmp_path / "sub", name="nb.ipynb")
    # Jupyter's autosave copies are skipped by default, or every finding would be reported twice.
    (tmp_path / "sub" / ".ipynb_checkpoints").mkdir()
    cycle_notebook(tmp_path / "sub" / ".ipynb_checkpoints", name="nb-checkpoint.ipynb")
    out = check(tmp_path, ".", "--output-format", "concise").stdout
    assert [line.split(": ")[0] for line in out.splitlines() if "HL102" in line] == ["sub/nb.ipynb:cell 3:4:9"]

    (tmp_path / "pyproject.toml").write_text('[tool.heaplint]\nextend-exclude = ["*.ipynb"]\n')
    proc = check(tmp_path, ".")
    assert proc.returncode == 0 and "All checks passed!" in proc.stdout
    # A notebook named on the command line is checked even when excluded.
    assert "sub/nb.ipynb:cell 3:4:9: HL102" in check(tmp_path, "sub/nb.ipynb").stdout


def test_fix_writes_into_the_cell_and_keeps_the_magic(tmp_path):
    # More on notebook fixes (forms, formatting, --diff, refusals) in test_notebook_fixes.py.
    nb = notebook(("code", "%time x = 1\ntotal = sum([i * i for i in range(10_000_000)])\n"))
    path = write(tmp_path / "nb.ipynb", nb)
    report = check(tmp_path, "nb.ipynb", "--output-format", "concise")
    assert "nb.ipynb:cell 1:2:13: HL301 " in report.stdout
    assert "[*] 1 fixable with the `--fix` option." in report.stdout

    proc = check(tmp_path, "nb.ipynb", "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(path.read_text())["cells"][0]["source"] == [
        "%time x = 1\n", "total = sum(i * i for i in range(10_000_000))\n"]


def test_a_notebook_is_not_an_importable_module_for_the_project_index(tmp_path):
    child = "class Child:\n    def __init__(self, parent):\n        self.parent = parent\n"
    app = "from nb import Child\n\nclass Parent:\n    def __init__(self):\n        self.child = Child(self)\n"
    (tmp_path / "app.py").write_text(app)
    write(tmp_path / "nb.ipynb", notebook(("code", child)))
    assert json.loads(check(tmp_path, ".", "--output-format", "json").stdout) == []
    # The same class in `nb.py` is importable and closes the cycle across modules.
    (tmp_path / "nb.py").write_text(child)
    found = json.loads(check(tmp_path, ".", "--output-format", "json").stdout)
    assert [(os.path.basename(d["filename"]), d["code"]) for d in found] == [("app.py", "HL101")]


def test_add_noqa_leaves_the_notebook_untouched_and_says_why(tmp_path):
    path = cycle_notebook(tmp_path)
    before = path.read_bytes()
    proc = check(tmp_path, "nb.ipynb", "--add-noqa")
    assert path.read_bytes() == before
    assert "heaplint does not write into notebooks (.ipynb) yet" in proc.stderr, proc.stderr
