"""`heaplint check --fix` / `--diff` on Jupyter notebooks: each fix is written back into the cell it
belongs to, and nothing else in the file changes.

The notebooks are written the way Jupyter writes them (Python's `json.dumps` with `indent=1` and
`ensure_ascii=False`, a trailing newline) and in other styles (indent 2, `ensure_ascii=True`, odd spacing).
Where the file came from `json.dumps`, the fixed file must be exactly `json.dumps` of the notebook
with only the fixed cell's `source` changed (same form: a list of lines or one string): every other
byte, metadata and outputs included, is the same.
"""
import copy
import json
import os
import subprocess

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

# HL301's safe fix: the list comprehension becomes a generator (`sum([...])` → `sum(...)`).
EAGER = "total = sum([i * i for i in range(10_000_000)])\n"
LAZY = "total = sum(i * i for i in range(10_000_000))\n"


def check(cwd, *args):
    return subprocess.run([BIN, "check", "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def code(text, as_list=True, outputs=(), execution_count=None, metadata=None):
    return {"cell_type": "code", "execution_count": execution_count, "metadata": metadata or {},
            "outputs": list(outputs), "source": text.splitlines(keepends=True) if as_list else text}


def markdown(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text.splitlines(keepends=True)}


def notebook(*cells):
    return {"cells": list(cells),
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python", "version": "3.12.1"}},
            "nbformat": 4, "nbformat_minor": 5}


def dumps(nb, indent=1, ensure_ascii=False):
    return (json.dumps(nb, indent=indent, ensure_ascii=ensure_ascii) + "\n").encode()


def with_source(nb, index, text):
    """`nb` with cell `index`'s source replaced by `text`, in the form the cell had."""
    fixed = copy.deepcopy(nb)
    cell = fixed["cells"][index]
    cell["source"] = text.splitlines(keepends=True) if isinstance(cell["source"], list) else text
    return fixed


OUTPUT = {"name": "stdout", "output_type": "stream", "text": ["grüße 🐍 \"quoted\" \\ tab\t\n"]}
IMAGE = {"data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
         "metadata": {"needs_background": "light"}, "output_type": "display_data"}


def rich_notebook(as_list):
    # Cell 3 holds the fix, after a masked magic; cells 1 and 4 have outputs and metadata that must survive.
    return notebook(
        code("import math\nprint('grüße 🐍')\n", as_list, outputs=[OUTPUT], execution_count=1,
             metadata={"tags": ["setup"], "collapsed": False}),
        markdown("# Größen\nSome *text* with `code` and ünïcödé.\n"),
        code("%time warmup = 1\n# Straße 🐍: a comment with non-ASCII text\n" + EAGER + "print(total)", as_list,
             execution_count=2),
        code("import matplotlib\n", as_list, outputs=[IMAGE], execution_count=3),
    )


def fixed_cell_3(nb):
    return with_source(nb, 2, "%time warmup = 1\n# Straße 🐍: a comment with non-ASCII text\n" + LAZY + "print(total)")


def test_fix_writes_into_the_cell_for_both_source_forms_and_both_indents(tmp_path):
    for as_list in (True, False):
        for indent in (1, 2):
            nb = rich_notebook(as_list)
            path = tmp_path / f"nb-{as_list}-{indent}.ipynb"
            path.write_bytes(dumps(nb, indent=indent))
            proc = check(tmp_path, path.name, "--fix")
            assert proc.returncode == 0, (as_list, indent, proc.stdout, proc.stderr)
            assert "Found 1 problem (1 fixed, 0 remaining)." in proc.stdout, proc.stdout
            after = path.read_bytes()
            # Valid JSON, and byte for byte what Jupyter's writer gives for the notebook with only that
            # cell's source changed (outputs, metadata, key order, escaping and final newline kept).
            assert json.loads(after) == fixed_cell_3(nb)
            assert after == dumps(fixed_cell_3(nb), indent=indent), (as_list, indent, after.decode())
            # Fixed: a second run finds nothing.
            assert check(tmp_path, path.name).returncode == 0


def test_ensure_ascii_escaping_is_kept(tmp_path):
    nb = rich_notebook(True)
    path = tmp_path / "nb.ipynb"
    path.write_bytes(dumps(nb, ensure_ascii=True))
    assert check(tmp_path, "nb.ipynb", "--fix").returncode == 0
    assert path.read_bytes() == dumps(fixed_cell_3(nb), ensure_ascii=True)


def test_bytes_outside_the_edited_source_value_are_unchanged_in_a_hand_formatted_notebook(tmp_path):
    # Not json.dumps' layout: tabs, keys in another order, `\/` escapes, CRLF between tokens, no final newline.
    text = ('{ "nbformat":4,\r\n\t"cells" : [\r\n'
            '\t\t{"source" : [ "import os\\n" ,  "p = \'a\\/b\'\\n" ], "cell_type":"code", "metadata":{"x":1},'
            ' "outputs":[], "execution_count":null},\r\n'
            '\t\t{"cell_type":"code", "outputs":[{"output_type":"stream","name":"stdout","text":"\\u00e9\\n"}],'
            ' "execution_count":7, "metadata":{},\r\n\t\t "source":"' + EAGER.replace("\n", "\\n") + '# marker"}\r\n'
            '\t], "metadata":{}, "nbformat_minor":4}')
    path = tmp_path / "nb.ipynb"
    path.write_bytes(text.encode())
    assert check(tmp_path, "nb.ipynb", "--fix").returncode == 0
    after = path.read_bytes().decode()
    start = text.index('"total = sum(')
    end = text.index('# marker"') + len('# marker"')
    # Everything before and after the one source string is as it was.
    assert after.startswith(text[:start]) and after.endswith(text[end:])
    assert json.loads(after)["cells"][1]["source"] == LAZY + "# marker"


def test_a_fix_into_an_empty_line_list_keeps_the_other_cells(tmp_path):
    # Fixing several cells in one run: each into its own cell, in its own form.
    nb = notebook(code(EAGER, True), markdown("text\n"), code("x = 1\n" + EAGER, False))
    path = tmp_path / "nb.ipynb"
    path.write_bytes(dumps(nb))
    proc = check(tmp_path, "nb.ipynb", "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 fixed" in proc.stdout
    assert path.read_bytes() == dumps(with_source(with_source(nb, 0, LAZY), 2, "x = 1\n" + LAZY))


def test_diff_shows_each_cell_and_writes_nothing(tmp_path):
    nb = notebook(code(EAGER), markdown("text\n"), code("print(1)\n"), code("%matplotlib inline\n" + EAGER))
    path = tmp_path / "nb.ipynb"
    before = dumps(nb)
    path.write_bytes(before)
    proc = check(tmp_path, "nb.ipynb", "--diff")
    assert path.read_bytes() == before
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(
        "--- nb.ipynb:cell 1\n+++ nb.ipynb:cell 1\n@@ -1,1 +1,1 @@\n-" + EAGER + "+" + LAZY
        + "--- nb.ipynb:cell 4\n+++ nb.ipynb:cell 4\n@@ -1,2 +1,2 @@\n %matplotlib inline\n-" + EAGER + "+" + LAZY
    ), proc.stdout
    # The masked magic is shown as the user wrote it, not as heaplint analysed it.
    assert "pass  #" not in proc.stdout
    assert "Would fix 2 problems." in proc.stderr


def test_unsafe_fixes_are_written_only_with_the_flag(tmp_path):
    # HL302's generator fix for `for x in [...]` is unsafe.
    source = "for x in [i * i for i in range(10_000_000)]:\n    print(x)\n"
    nb = notebook(code(source))
    path = tmp_path / "nb.ipynb"
    before = dumps(nb)
    path.write_bytes(before)
    check(tmp_path, "nb.ipynb", "--fix")
    assert path.read_bytes() == before
    proc = check(tmp_path, "nb.ipynb", "--fix", "--unsafe-fixes")
    after = json.loads(path.read_bytes())
    assert after["cells"][0]["source"] == ["for x in (i * i for i in range(10_000_000)):\n", "    print(x)\n"], proc.stdout
    assert path.read_bytes() == dumps(with_source(nb, 0, "".join(after["cells"][0]["source"])))


def test_a_fix_in_a_cell_that_cannot_be_written_back_is_refused_and_the_file_is_untouched(tmp_path):
    # A cell with `\r\n` line ends: the analysed module has `\n`, so the fix is refused, not applied half.
    nb = notebook(code("x = 1\r\n" + EAGER.replace("\n", "\r\n")))
    path = tmp_path / "nb.ipynb"
    before = dumps(nb)
    path.write_bytes(before)
    proc = check(tmp_path, "nb.ipynb", "--fix")
    assert path.read_bytes() == before
    assert proc.returncode == 1
    assert "heaplint: warning: nb.ipynb:cell 1:2:13: HL301 fix not applied: cell 1 uses \\r line endings" in proc.stderr, proc.stderr
    assert "nb.ipynb:cell 1:2:13: HL301" in proc.stdout
    # Not offered as fixable, with --fix or without.
    assert "[*]" not in proc.stdout
    report = check(tmp_path, "nb.ipynb")
    assert "HL301" in report.stdout and "[*]" not in report.stdout and "fixable" not in report.stdout
    assert json.loads(check(tmp_path, "nb.ipynb", "--output-format", "json").stdout)[0]["fix"] is None
    diff = check(tmp_path, "nb.ipynb", "--diff")
    assert diff.stdout == "" and path.read_bytes() == before
    assert "HL301 fix not applied" in diff.stderr


def test_a_refused_cell_is_left_exactly_as_it_was_while_another_cell_is_fixed(tmp_path):
    # Cell 1 (\r\n line ends) is refused; cell 2's fix is written; cell 1 keeps its \r\n and all.
    nb = notebook(code("x = 1\r\n" + EAGER.replace("\n", "\r\n"), False), code(EAGER.rstrip("\n"), False))
    path = tmp_path / "nb.ipynb"
    path.write_bytes(dumps(nb))
    proc = check(tmp_path, "nb.ipynb", "--fix")
    assert proc.returncode == 1
    assert "nb.ipynb:cell 1:2:13: HL301 fix not applied" in proc.stderr, proc.stderr
    assert "Found 2 problems (1 fixed, 1 remaining)." in proc.stdout, proc.stdout
    assert path.read_bytes() == dumps(with_source(nb, 1, LAZY.rstrip("\n")))


def test_unsafe_del_fix_goes_into_a_cell_without_a_final_newline_after_an_empty_cell(tmp_path):
    # HL304's `del` is inserted after the last use; the cell keeps having no final newline, and the
    # empty cell before it (`source: []`) stays empty.
    fn = ("def main(path, make_server):\n    with open(path) as fh:\n        config = fh.read()\n"
          "    server = make_server(len(config))\n    server.serve_forever()")
    nb = notebook(code(""), code(fn))
    path = tmp_path / "nb.ipynb"
    path.write_bytes(dumps(nb))
    proc = check(tmp_path, "nb.ipynb", "--preview", "--select", "HL304", "--fix", "--unsafe-fixes")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fixed = fn.replace("len(config))\n", "len(config))\n    del config\n")
    assert path.read_bytes() == dumps(with_source(nb, 1, fixed))


def test_invalid_notebook_json_is_hl003_and_never_written(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text('{"cells": [')
    proc = check(tmp_path, "nb.ipynb", "--fix")
    assert path.read_text() == '{"cells": ['
    assert "HL003" in proc.stdout


def test_stdin_fix_prints_the_fixed_notebook_and_diff_shows_cells(tmp_path):
    # As for .py files (and ruff): the fixed file goes to stdout, here the notebook's JSON, not its code.
    nb = notebook(markdown("text\n"), code(EAGER, outputs=[OUTPUT], execution_count=4))
    args = [BIN, "check", "--no-cache", "-", "--stdin-filename", "nb.ipynb"]
    proc = subprocess.run([*args, "--fix"], cwd=tmp_path, input=dumps(nb, indent=2), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == dumps(with_source(nb, 1, LAZY), indent=2)
    diff = subprocess.run([*args, "--diff"], cwd=tmp_path, input=dumps(nb).decode(), capture_output=True, text=True, timeout=120)
    assert diff.stdout.startswith("--- nb.ipynb:cell 2\n+++ nb.ipynb:cell 2\n"), diff.stdout


def test_hl407_a_large_last_expression_of_a_cell_is_reported_in_the_notebook(tmp_path):
    # Preview rule: the cell's last expression is displayed and cached by IPython; `;` suppresses
    # both; an expression that is not the cell's last is not displayed.
    nb = notebook(
        code("squares = [i * i for i in range(10**6)]\nsquares"),
        code("%matplotlib inline\n[i for i in range(10**6)];"),
        code("[i for i in range(10**6)]\nx = 1\n"),
        code("list(range(100_000))\n"),
    )
    (tmp_path / "nb.ipynb").write_bytes(dumps(nb))
    plain = check(tmp_path, "nb.ipynb", "--select", "HL407", "--output-format", "json")
    assert json.loads(plain.stdout) == [], "preview rules run only with --preview"
    proc = check(tmp_path, "nb.ipynb", "--preview", "--select", "HL407", "--output-format", "json")
    found = [(d["cell"], d["location"]["row"], d["location"]["column"]) for d in json.loads(proc.stdout)]
    assert found == [(1, 2, 1), (4, 1, 1)], proc.stdout
    assert "`Out` and `_`" in json.loads(proc.stdout)[0]["message"]


def test_the_cache_tells_apart_notebooks_with_the_same_code_split_into_other_cells(tmp_path):
    # Both notebooks join to the same module; only the first ends a cell with the large value. A cache
    # keyed by the joined code alone would give the second the first one's HL407.
    big = "x = [i for i in range(10**6)]\n"
    first = notebook(code(big + "x\n"), code("print(1)\n"))
    second = notebook(code(big), code("x\nprint(1)\n"))
    path = tmp_path / "nb.ipynb"
    args = ("nb.ipynb", "--preview", "--select", "HL407", "--output-format", "json", "--cache-dir", str(tmp_path / "cache"))
    run = lambda: subprocess.run([BIN, "check", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    path.write_bytes(dumps(first))
    assert [d["cell"] for d in json.loads(run().stdout)] == [1]
    path.write_bytes(dumps(second))
    assert json.loads(run().stdout) == []
    path.write_bytes(dumps(first))
    assert [d["cell"] for d in json.loads(run().stdout)] == [1]
