"""Issue 26, data and writes: the adversarial cases that broke code, skipped files silently or wrote
where they should not, each driven through the real binary (HEAPLINT_BIN) the way the probe did.
"""
import json
import os
import subprocess
import sys

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))


def run(*args, cwd, env=None):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, timeout=120,
                          env={**os.environ, **(env or {})})


def check(cwd, *args, env=None):
    return run("check", "--no-cache", *args, cwd=cwd, env=env)


# ---- a safe fix must not call a shadowed builtin --------------------------------------------

COUNT = "len([i for i in range(10**6) if i % 2 == 0])"


def fixed_source(tmp_path, source, *extra):
    path = tmp_path / "m.py"
    path.write_text(source)
    proc = check(tmp_path, "--isolated", "--select", "HL3", "--fix", *extra, "m.py")
    assert proc.returncode in (0, 1), proc.stderr
    return path.read_text()


def runs_under_cpython(tmp_path):
    proc = subprocess.run([sys.executable, str(tmp_path / "m.py")], capture_output=True, text=True, timeout=60)
    return proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("source", [
    # module-level assignment, read at module level and in a function
    f"sum = 3\nn = {COUNT}\n",
    f"sum = 3\ndef f():\n    return {COUNT}\nf()\n",
    # a local, a parameter, a def name, an import, a `global` set in another function
    f"def f():\n    sum = 3\n    return {COUNT}\nf()\n",
    f"def f(sum=3):\n    return {COUNT}\nf()\n",
    f"def sum(*a):\n    raise TypeError('not the builtin')\nn = {COUNT}\n",
    f"from math import pi as sum\nn = {COUNT}\n",
    f"def g():\n    global sum\n    sum = 3\ndef f():\n    return {COUNT}\ng()\nf()\n",
    # a `case` capture
    f"match 3:\n    case sum:\n        n = {COUNT}\n",
])
def test_hl303_fix_is_not_offered_where_sum_is_shadowed(tmp_path, source):
    assert runs_under_cpython_source(tmp_path, source)
    after = fixed_source(tmp_path, source, "--unsafe-fixes")
    assert after == source
    ok, err = runs_under_cpython(tmp_path)
    assert ok, err


def runs_under_cpython_source(tmp_path, source):
    (tmp_path / "m.py").write_text(source)
    return runs_under_cpython(tmp_path)[0]


def test_hl303_fix_still_applies_where_sum_is_the_builtin(tmp_path):
    # `sum` shadowed only in an unrelated function does not block the fix elsewhere.
    source = f"def g():\n    sum = 3\n    return sum\ndef f():\n    return {COUNT}\nprint(f())\n"
    after = fixed_source(tmp_path, source)
    assert "return sum(1 for i in range(10**6) if i % 2 == 0)" in after
    proc = subprocess.run([sys.executable, str(tmp_path / "m.py")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "500000\n", proc.stderr


def test_wildcard_import_makes_builtin_fixes_unsafe(tmp_path):
    # `from m import *` may bind `sum`: the fix is offered only as unsafe, never applied by plain --fix.
    (tmp_path / "helpers.py").write_text("def sum(*a):\n    raise TypeError('not the builtin')\n")
    source = f"from helpers import *\nn = {COUNT}\n"
    assert fixed_source(tmp_path, source) == source
    proc = check(tmp_path, "--isolated", "--select", "HL303", "--output-format", "json", "m.py")
    [finding] = json.loads(proc.stdout)
    assert finding["fix"]["applicability"] == "unsafe"


def test_range_fix_is_unsafe_under_wildcard_import(tmp_path):
    source = "from helpers import *\nfor i in list(range(10**6)):\n    pass\n"
    (tmp_path / "helpers.py").write_text("")
    assert fixed_source(tmp_path, source) == source


# ---- a pyproject.toml that is not UTF-8 is an error, not a skip ------------------------------

def test_non_utf8_pyproject_is_a_usage_error_naming_it(tmp_path):
    # The parent's config must not silently apply in place of the undecodable one.
    (tmp_path / "pyproject.toml").write_text('[tool.heaplint]\nselect = ["HL9"]\n')
    child = tmp_path / "pkg"
    child.mkdir()
    (child / "pyproject.toml").write_bytes(b'# caf\xe9\n[tool.heaplint]\nselect = ["HL0"]\n')
    (child / "m.py").write_text("x = 1\n")
    proc = check(child, "m.py")
    assert proc.returncode == 2
    assert str(child / "pyproject.toml") in proc.stderr.decode()
    assert b"UTF-8" in proc.stderr


def test_heaplint_toml_non_utf8_is_the_same_error(tmp_path):
    (tmp_path / "heaplint.toml").write_bytes(b'# caf\xe9\nselect = ["HL0"]\n')
    (tmp_path / "m.py").write_text("x = 1\n")
    proc = check(tmp_path, "m.py")
    assert proc.returncode == 2 and b"heaplint.toml" in proc.stderr


# ---- file names that are not UTF-8 are reported, never skipped -------------------------------

def test_non_utf8_file_name_is_reported_as_hl003(tmp_path):
    root = os.fsencode(tmp_path)
    with open(root + b"/caf\xe9.py", "wb") as f:
        f.write(b"x = 1\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = check(tmp_path, "--isolated", "--output-format", "json", ".")
    findings = json.loads(proc.stdout)
    assert proc.returncode == 1
    [finding] = findings
    assert finding["code"] == "HL003"
    assert finding["filename"].endswith("caf\\xe9.py")
    assert "not valid UTF-8" in finding["message"]


def test_non_utf8_directory_name_is_reported_not_skipped(tmp_path):
    sub = os.fsencode(tmp_path) + b"/pkg\xff"
    os.mkdir(sub)
    with open(sub + b"/m.py", "wb") as f:
        f.write(b"x = 1\n")
    proc = check(tmp_path, "--isolated", ".")
    assert proc.returncode == 1
    assert b"pkg\\xff" in proc.stdout and b"HL003" in proc.stdout
    assert b"All checks passed" not in proc.stdout


def test_non_utf8_name_that_is_not_python_is_ignored(tmp_path):
    with open(os.fsencode(tmp_path) + b"/notes\xe9.txt", "wb") as f:
        f.write(b"hello\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = check(tmp_path, "--isolated", ".")
    assert proc.returncode == 0, proc.stdout
