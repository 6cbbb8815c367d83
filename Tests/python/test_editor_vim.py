"""editors/vim: the ALE linter definition, driven in headless Vim with Debian's vim-ale (issue 7).

The handler is tested directly on JSON shaped as `heaplint check --output-format json` prints it (issue 3's
contract: ruff-style `location`/`end_location`, 1-based rows, columns counting Unicode scalars from 1), and
end to end through ALE when the binary supports `--output-format json` with stdin.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path


from required_tools import skip_unless

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("HEAPLINT_BIN", str(ROOT / ".build" / "debug" / "heaplint"))
ALE = Path("/usr/share/vim-ale")
EDITORS_VIM = ROOT / "editors" / "vim"

pytestmark = [
    skip_unless(shutil.which("vim") is not None, "vim is not installed (make editor-test-debs)"),
    skip_unless((ALE / "plugin" / "ale.vim").exists(), "vim-ale is not installed (make editor-test-debs)"),
]

PRELUDE = f"""
set nocompatible
let &runtimepath = '{ALE},{EDITORS_VIM},' . &runtimepath
filetype plugin on
runtime plugin/ale.vim
let g:ale_linters = {{'python': ['heaplint']}}
"""


def run_vim(tmp_path: Path, body: str) -> object:
    """Runs `body` in `vim -es` after loading ALE and editors/vim; the script writes JSON to g:out."""
    out = tmp_path / "vim-out.json"
    script = tmp_path / "script.vim"
    script.write_text(PRELUDE + f"let g:out = '{out}'\n" + body + "\nqa!\n")
    proc = subprocess.run(["vim", "-N", "-u", "NONE", "-i", "NONE", "-es", "-S", str(script)],
                          capture_output=True, text=True, timeout=60)
    assert out.exists(), f"vim wrote nothing (rc {proc.returncode}): {proc.stdout}{proc.stderr}"
    return json.loads(out.read_text())


def test_linters_are_registered_with_the_check_command(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    result = run_vim(tmp_path, f"""
edit {tmp_path / 'a.py'}
let s:names = map(copy(ale#linter#GetAll(['python'])), 'v:val.name')
let s:command = ale_linters#python#heaplint#GetCommand(bufnr(''))
call writefile([json_encode({{'names': s:names, 'command': s:command,
\\ 'exe': ale_linters#python#heaplint#GetExecutable(bufnr(''))}})], g:out)
""")
    assert {"heaplint", "heaplint_lsp"} <= set(result["names"])
    assert result["exe"] == "heaplint"
    # The buffer goes in on stdin (%s names it, so config discovery and per-file ignores still apply).
    assert result["command"] == "%e check --output-format json --stdin-filename %s -"


SPEC_JSON = [
    {"code": "HL001", "message": "Syntax error: expected `)`", "severity": "error", "filename": "x.py",
     "location": {"row": 2, "column": 9}, "end_location": {"row": 2, "column": 11}, "fix": None,
     "url": "https://example.invalid/hl001", "noqa_row": 2, "cell": None, "explanation": None},
    {"code": "HL101", "message": "`self.cb` holds a bound method of `self`", "severity": "warning",
     "filename": "x.py", "location": {"row": 3, "column": 1}, "end_location": {"row": 4, "column": 3},
     "fix": None, "url": None, "noqa_row": 3, "cell": None,
     "explanation": {"path": [{"from": "Job", "via": "cb", "to": "bound method", "location": None},
                              {"from": "bound method", "via": "__self__", "to": "Job", "location": None}],
                     "estimate": None, "mechanism": "cyclic GC", "remedy": "use weakref.WeakMethod"}},
]


def test_handler_maps_json_to_ale_items_with_byte_columns(tmp_path):
    # Line 2 has two 2-byte characters before column 9: scalar column 9 is byte column 11.
    (tmp_path / "x.py").write_text('x = 1\nɑβ = f(1 2)\nclass Job:\n    pass\n')
    (tmp_path / "lines.json").write_text(json.dumps(SPEC_JSON, indent=2))
    items = run_vim(tmp_path, f"""
edit {tmp_path / 'x.py'}
let s:items = ale_linters#python#heaplint#Handle(bufnr(''), readfile('{tmp_path / 'lines.json'}'))
call writefile([json_encode(s:items)], g:out)
""")
    assert len(items) == 2
    syntax, cycle = items
    assert (syntax["lnum"], syntax["col"], syntax["end_lnum"], syntax["end_col"]) == (2, 11, 2, 12)
    assert (syntax["code"], syntax["type"]) == ("HL001", "E")
    assert syntax["text"] == "Syntax error: expected `)`"
    assert (cycle["lnum"], cycle["col"], cycle["end_lnum"], cycle["end_col"]) == (3, 1, 4, 2)
    assert cycle["type"] == "W"
    assert "Job --cb--> bound method" in cycle["detail"] and "help: use weakref.WeakMethod" in cycle["detail"]


def test_handler_shows_a_usage_error_instead_of_dropping_it(tmp_path):
    (tmp_path / "x.py").write_text("x = 1\n")
    items = run_vim(tmp_path, f"""
edit {tmp_path / 'x.py'}
call writefile([json_encode(ale_linters#python#heaplint#Handle(bufnr(''),
\\ ['heaplint: error: unknown rule code `HL9`']))], g:out)
""")
    assert items == [{"lnum": 1, "col": 1, "type": "E", "text": "heaplint: heaplint: error: unknown rule code `HL9`"}]


def json_stdin_supported() -> bool:
    try:
        proc = subprocess.run([BIN, "check", "--output-format", "json", "--stdin-filename", "probe.py", "-"],
                              input="x = 1\n", capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    return proc.returncode == 0 and proc.stdout.strip().startswith("[")


def test_ale_lints_a_buffer_end_to_end(tmp_path):
    assert json_stdin_supported(), f"{BIN} rejects `check --output-format json --stdin-filename F -`"
    (tmp_path / "t.py").write_text('def ok():\n    return 1\n\ns = "héllo" + (\n')
    items = run_vim(tmp_path, f"""
let g:ale_python_heaplint_executable = '{BIN}'
edit {tmp_path / 't.py'}
ALELint
let s:start = reltime()
sleep 200m
while ale#engine#IsCheckingBuffer(bufnr('')) && reltimefloat(reltime(s:start)) < 30
  sleep 100m
endwhile
call writefile([json_encode(ale#engine#GetLoclist(bufnr('')))], g:out)
""")
    assert [(i["linter_name"], i["code"], i["type"], i["lnum"]) for i in items] == [("heaplint", "HL001", "E", 4)]
