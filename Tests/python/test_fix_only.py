"""`heaplint check --fix-only` (as ruff's): the fixes are written, the problems left are neither listed nor
counted in the exit code; `--exit-non-zero-on-fix` still exits 1 when something was fixed."""
import os
import shutil
import subprocess
from pathlib import Path

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
DEMO = Path(__file__).resolve().parents[2] / "docs" / "demo-project"


def heaplint(cwd, *args, stdin=None):
    return subprocess.run([BIN, "check", "--no-cache", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=300)


def project(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(DEMO, root)
    return root


def test_fixes_are_written_and_the_problems_left_are_not_reported(tmp_path):
    root = project(tmp_path)
    before = heaplint(root, "--output-format", "concise")
    fixable = heaplint(root, "--diff")
    assert before.returncode == 1 and fixable.stdout  # the demo has findings, some of them fixable
    result = heaplint(root, "--fix-only")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    fixed = int(result.stderr.split()[1])
    assert result.stderr == f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n" and fixed > 0
    after = heaplint(root, "--output-format", "concise")
    assert after.returncode == 1  # what could not be fixed is still there, only not reported by --fix-only
    assert len(after.stdout.splitlines()) < len(before.stdout.splitlines())
    assert heaplint(root, "--diff").stdout == ""  # every safe fix was applied
    again = heaplint(root, "--fix-only")
    assert again.returncode == 0 and again.stderr == "No problems fixed.\n"


def test_exit_non_zero_on_fix_still_counts_the_fixes(tmp_path):
    root = project(tmp_path)
    assert heaplint(root, "--fix-only", "--exit-non-zero-on-fix").returncode == 1
    assert heaplint(root, "--fix-only", "--exit-non-zero-on-fix").returncode == 0  # nothing left to fix


def test_the_last_of_the_pair_wins_and_add_noqa_conflicts(tmp_path):
    root = project(tmp_path)
    report = heaplint(root, "--fix-only", "--no-fix-only")
    assert report.returncode == 1 and "Found" in report.stdout
    conflict = heaplint(root, "--fix-only", "--add-noqa")
    assert conflict.returncode == 2
    assert "`--add-noqa` cannot be used with `--fix-only`" in conflict.stderr


def test_stdin_prints_the_fixed_source_and_nothing_else(tmp_path):
    root = project(tmp_path)
    source = (root / "eager_report.py").read_text()
    result = heaplint(root, "--fix-only", "--stdin-filename", "eager_report.py", "-", stdin=source)
    assert result.returncode == 0 and result.stderr == ""
    expected = heaplint(root, "--fix", "--stdin-filename", "eager_report.py", "-", stdin=source).stdout
    assert result.stdout == expected and result.stdout != source
