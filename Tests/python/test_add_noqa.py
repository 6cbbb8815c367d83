"""`heaplint check --add-noqa` (issue 27): a `# noqa: CODE` for every current finding, keeping the
line's other comments and other tools' codes; idempotent; says how many it added."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))


def heaplint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, "check", "--no-cache", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_adds_directives_keeping_comments_and_other_codes_then_nothing(tmp_path):
    source = ("import gc\n\n\nclass A:\n    def __init__(self):\n        self.me = self  # noqa: E501\n\n\n"
              "class B:  # a class\n    def __init__(self):\n        self.me = self   # keep me\n\n\n"
              "def f():\n    gc.disable()\n")
    (tmp_path / "m.py").write_text(source)
    assert heaplint(tmp_path).returncode == 1
    proc = heaplint(tmp_path, "--add-noqa")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "Added 3 noqa directives.\n"
    assert proc.stdout == ""
    assert (tmp_path / "m.py").read_text() == source.replace(
        "self  # noqa: E501", "self  # noqa: E501, HL101").replace(
        "self   # keep me", "self   # keep me  # noqa: HL101").replace(
        "gc.disable()\n", "gc.disable()  # noqa: HL501\n")
    after = heaplint(tmp_path)
    assert after.returncode == 0, after.stdout
    # Idempotent: nothing left to suppress, the file is not touched.
    written = (tmp_path / "m.py").read_bytes()
    again = heaplint(tmp_path, "--add-noqa")
    assert again.returncode == 0 and again.stderr == "Added 0 noqa directives.\n"
    assert (tmp_path / "m.py").read_bytes() == written


def test_codes_on_one_line_share_one_directive_and_crlf_is_kept(tmp_path):
    source = b"import gc\r\n\r\ndef f(items):\r\n    for i in items:\r\n        gc.collect(); gc.disable()\r\n"
    (tmp_path / "m.py").write_bytes(source)
    proc = heaplint(tmp_path, "--add-noqa")
    assert proc.stderr == "Added 2 noqa directives.\n", proc.stderr
    assert (tmp_path / "m.py").read_bytes() == source.replace(b"disable()\r\n", b"disable()  # noqa: HL501, HL502\r\n")
    assert heaplint(tmp_path).returncode == 0


def test_syntax_errors_are_not_suppressed(tmp_path):
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    proc = heaplint(tmp_path, "--add-noqa")
    assert proc.stderr == "Added 0 noqa directives.\n"
    assert (tmp_path / "bad.py").read_text() == "def f(:\n    pass\n"


def test_add_noqa_refuses_fix_diff_and_stdin(tmp_path):
    (tmp_path / "m.py").write_text("x = 1\n")
    for extra in (["--fix"], ["--diff"]):
        proc = heaplint(tmp_path, "--add-noqa", *extra)
        assert proc.returncode == 2 and proc.stderr.startswith("heaplint: error: `--add-noqa` cannot be used with")
    proc = subprocess.run([BIN, "check", "--add-noqa", "-"], input="x = 1\n", capture_output=True, text=True)
    assert proc.returncode == 2 and "stdin" in proc.stderr
