"""`-v/--verbose`, `--show-settings` and `--show-files` (issue 27): what a ruff user reaches for to find
out which settings and files a run uses. Driven through the real binary; no timing is asserted beyond
the presence of a duration."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
CYCLE = "class N:\n    def __init__(self):\n        self.me = self\n"


def heaplint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(CYCLE)
    (tmp_path / "b.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text('[tool.heaplint]\nextend-select = ["HL002"]\ntarget-version = "py312"\n')
    return tmp_path


def test_verbose_reports_settings_files_cache_and_time_on_stderr(tmp_path):
    root = project(tmp_path)
    plain = heaplint(root, "check", "--output-format", "concise")
    first = heaplint(root, "check", "-v", "--output-format", "concise")
    assert first.returncode == plain.returncode == 1
    assert first.stdout == plain.stdout  # verbose output never mixes into the report
    lines = first.stderr.splitlines()
    settings = next(line for line in lines if line.startswith("heaplint: settings: "))
    counted = re.fullmatch(rf"heaplint: settings: {re.escape(str(root / 'pyproject.toml'))}, (\d+) rules selected", settings)
    assert counted, settings
    assert any(re.fullmatch(r"heaplint: found 2 files to check in \d+\.\d{3} s", line) for line in lines), lines
    assert any(re.fullmatch(r"heaplint: checked 2 files in \d+\.\d{3} s, \d+\.\d{3} s in all", line) for line in lines)
    # The plain run above filled the cache: every file comes from it now.
    assert any(line.startswith("heaplint: cache: 2 of 2 from ") for line in lines), lines
    again = heaplint(root, "check", "--verbose", "--no-cache", "--isolated")
    # The defaults select one rule fewer: HL002 came from the file's extend-select.
    assert f"heaplint: settings: none (--isolated), {int(counted[1]) - 1} rules selected" in again.stderr.splitlines()
    assert "heaplint: cache: not used (--no-cache)" in again.stderr.splitlines()


def test_show_settings_prints_the_resolved_settings_and_exits_0(tmp_path):
    root = project(tmp_path)
    proc = heaplint(root, "check", "--show-settings", "--ignore", "HL103", "--no-respect-gitignore")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"# Settings file: {root / 'pyproject.toml'}"
    assert 'target-version = "py312"' in lines            # from the file
    assert 'ignore = ["HL103"]' in lines                 # from the command line
    assert "respect-gitignore = false" in lines
    selected = next(line for line in lines if line.startswith("selected-rules = "))
    assert '"HL002"' in selected and '"HL103"' not in selected and '"HL101"' in selected
    assert f'cache-dir = "{root / ".heaplint_cache"}"' in lines
    assert not (root / ".heaplint_cache").exists()      # nothing was checked


def test_show_settings_without_a_config_file(tmp_path):
    (tmp_path / "a.py").write_text(CYCLE)
    lines = heaplint(tmp_path, "check", "--show-settings").stdout.splitlines()
    assert lines[0] == "# Settings file: none (defaults and command-line options only)"
    assert "preview = false" in lines and 'target-version = "py311"' in lines


def test_show_files_lists_absolute_paths_sorted_and_checks_nothing(tmp_path):
    root = project(tmp_path)
    proc = heaplint(root, "check", "--show-files")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == [str(root / "b.py"), str(root / "pkg" / "a.py")]
    assert not (root / ".heaplint_cache").exists()
