"""Ignore files respected when walking directories (issue 27), as ruff does: `.gitignore` (nested ones
too), `.ignore` and `.git/info/exclude`; negation, directory-only and anchored patterns, `**`; named
paths always checked; `--no-respect-gitignore` / `respect-gitignore = false` turn it off. Each test
lists what `heaplint check --show-files` would check in a tree built for it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))


def tree(root: Path, files: dict[str, str], repository: bool = True) -> Path:
    if repository:
        (root / ".git" / "info").mkdir(parents=True)  # what `git init` leaves that matters here
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def shown(root: Path, *args: str, cwd: Path | None = None) -> set[str]:
    proc = subprocess.run([BIN, "check", "--show-files", *args], cwd=cwd or root, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {os.path.relpath(line, root) for line in proc.stdout.splitlines()}


def test_name_patterns_apply_at_any_depth(tmp_path):
    root = tree(tmp_path, {".gitignore": "# generated\n*_pb2.py\n\nscratch\n", "a.py": "", "m_pb2.py": "",
                           "pkg/n_pb2.py": "", "pkg/b.py": "", "scratch/c.py": "", "pkg/scratch/d.py": ""})
    assert shown(root) == {"a.py", "pkg/b.py"}


def test_negation_reincludes_a_file(tmp_path):
    root = tree(tmp_path, {".gitignore": "*.py\n!keep.py\n", "drop.py": "", "keep.py": "", "sub/keep.py": ""})
    assert shown(root) == {"keep.py", "sub/keep.py"}


def test_directory_only_pattern_skips_directories_not_files(tmp_path):
    root = tree(tmp_path, {".gitignore": "tool.py/\nout/\n", "tool.py": "", "pkg/tool.py/inner.py": "",
                           "out/x.py": "", "pkg/out/y.py": "", "z.py": ""})
    assert shown(root) == {"tool.py", "z.py"}


def test_anchored_patterns_match_from_the_ignore_files_directory(tmp_path):
    root = tree(tmp_path, {".gitignore": "/top.py\nsrc/gen.py\ndocs/**/example_*.py\n",
                           "top.py": "", "sub/top.py": "", "src/gen.py": "", "lib/src/gen.py": "",
                           "docs/example_a.py": "", "docs/x/y/example_b.py": "", "docs/conf.py": ""})
    assert shown(root) == {"sub/top.py", "lib/src/gen.py", "docs/conf.py"}


def test_nested_gitignore_applies_below_its_directory_and_overrides_the_parent(tmp_path):
    root = tree(tmp_path, {".gitignore": "*_tmp.py\n", "sub/.gitignore": "local.py\n!keep_tmp.py\n",
                           "local.py": "", "sub/local.py": "", "sub/deeper/local.py": "",
                           "a_tmp.py": "", "keep_tmp.py": "", "sub/keep_tmp.py": "", "sub/b_tmp.py": ""})
    assert shown(root) == {"local.py", "sub/keep_tmp.py"}


def test_dot_ignore_and_git_info_exclude(tmp_path):
    root = tree(tmp_path, {".ignore": "vendored/\n", ".git/info/exclude": "mine.py\n",
                           "vendored/v.py": "", "mine.py": "", "ok.py": ""})
    assert shown(root) == {"ok.py"}


def test_outside_a_repository_only_dot_ignore_counts(tmp_path):
    root = tree(tmp_path, {".gitignore": "a.py\n", ".ignore": "b.py\n", "a.py": "", "b.py": ""}, repository=False)
    assert shown(root) == {"a.py"}


def test_ignore_files_above_a_named_directory_apply_inside_it(tmp_path):
    root = tree(tmp_path, {".gitignore": "*_pb2.py\n", "src/m_pb2.py": "", "src/m.py": ""})
    assert shown(root, "src") == {"src/m.py"}


def test_named_files_are_always_checked(tmp_path):
    root = tree(tmp_path, {".gitignore": "*_pb2.py\nbuild2/\n", "m_pb2.py": "", "build2/b.py": ""})
    assert shown(root, "m_pb2.py", "build2/b.py") == {"m_pb2.py", "build2/b.py"}
    assert shown(root, "build2") == {"build2/b.py"}  # a named directory is walked too


def test_turned_off_by_flag_or_config_and_the_last_flag_wins(tmp_path):
    root = tree(tmp_path, {".gitignore": "gen.py\n", "gen.py": "", "a.py": ""})
    assert shown(root, "--no-respect-gitignore") == {"a.py", "gen.py"}
    assert shown(root, "--no-respect-gitignore", "--respect-gitignore") == {"a.py"}
    (root / "heaplint.toml").write_text("respect-gitignore = false\n")
    assert shown(root) == {"a.py", "gen.py"}
    assert shown(root, "--respect-gitignore") == {"a.py"}


def test_ignored_files_get_no_findings(tmp_path):
    root = tree(tmp_path, {".gitignore": "cycle.py\n", "cycle.py": "class N:\n    def __init__(self):\n        self.me = self\n"})
    proc = subprocess.run([BIN, "check", "--no-cache", "."], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "HL101" not in proc.stdout
    proc = subprocess.run([BIN, "check", "--no-cache", "--no-respect-gitignore", "."], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1 and "HL101" in proc.stdout
