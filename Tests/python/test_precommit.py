"""`.pre-commit-hooks.yaml` driven by pre-commit from PyPI (issue 7 and 9).

`pre-commit try-repo` clones this repository at HEAD (plus uncommitted changes to tracked files) and,
because the hooks use `language: python`, pip-installs it through the in-tree backend. The backend packs
the binary `make dist` already built (HEAPLINT_PREBUILT_BINARY), so no second Swift build runs here.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from heaplint_dist import ROOT, dist, rule_examples
from required_tools import skip_unless

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
pytestmark = [
    skip_unless(PRE_COMMIT.exists(), "pre-commit is not in this venv (make venv installs it)"),
    skip_unless(shutil.which("git") is not None, "git is not installed"),
]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # One cache for the module: pre-commit reuses the hook environment while HEAD does not change.
    return tmp_path_factory.mktemp("pre-commit-home")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def throwaway_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.invalid")
    git(path, "config", "user.name", "heaplint tests")
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "add", *files)  # staged, not committed: what a real `git commit` would check
    return path


def try_repo(repo: Path, home: Path, hook: str = "heaplint") -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), HEAPLINT_PREBUILT_BINARY=str(dist().binary),
               PRE_COMMIT_COLOR="never")
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--verbose"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def test_hook_fails_on_a_staged_file_with_a_problem_and_names_the_code(tmp_path, pre_commit_home):
    repo = throwaway_repo(tmp_path / "repo", {"broken.py": "def f(:\n    pass\n", "notes.txt": "def f(:\n"})
    proc = try_repo(repo, pre_commit_home)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "HL001" in out and "broken.py" in out, out
    # types_or [python, pyi]: the text file is not passed to heaplint.
    assert "notes.txt" not in out.split("heaplint", 1)[-1], out


def test_hook_passes_on_a_clean_staged_file(tmp_path, pre_commit_home):
    repo = throwaway_repo(tmp_path / "repo", {"fine.py": "def f():\n    return 1\n",
                                              "stub.pyi": "def g() -> int: ...\n"})
    proc = try_repo(repo, pre_commit_home)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out and "HL" not in out.replace("heaplint", ""), out


def test_hook_reports_a_reference_cycle(tmp_path, pre_commit_home):
    examples = rule_examples(dist().binary, "HL101")
    assert examples, "HL101 has no triggering example"
    repo = throwaway_repo(tmp_path / "repo", {"cycle.py": examples[0]})
    proc = try_repo(repo, pre_commit_home)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "HL101" in out and "cycle.py" in out, out


README = ROOT / "editors" / "pre-commit" / "README.md"


def readme_configs() -> list[str]:
    """The README's `.pre-commit-config.yaml` snippets, in order (the remote hook, then the local one)."""
    return re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.S)


def head_commit() -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def run_pre_commit(repo: Path, home: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), HEAPLINT_PREBUILT_BINARY=str(dist().binary),
               PRE_COMMIT_COLOR="never")
    if path is not None:
        env["PATH"] = path
    return subprocess.run([str(PRE_COMMIT), *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600)


def test_readme_remote_hook_config_works_with_a_commit_as_rev(tmp_path, pre_commit_home):
    # The snippet as written, with this clone as `repo` and its HEAD commit as `rev` (no tags exist).
    config = readme_configs()[0]
    assert "rev: v" not in config, "a version tag as rev: the repository has no tags"
    placeholder = re.search(r"rev: ([0-9a-f]{40})", config).group(1)
    config = config.replace("https://github.com/heaplint/heaplint", str(ROOT)).replace(placeholder, head_commit())
    repo = throwaway_repo(tmp_path / "repo", {".pre-commit-config.yaml": config,
                                              "broken.py": "def f(:\n    pass\n"})
    proc = run_pre_commit(repo, pre_commit_home, "run", "--all-files")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "HL001" in out and "broken.py" in out, out


def test_autoupdate_pins_the_newest_commit_while_there_are_no_tags(tmp_path, pre_commit_home):
    config = readme_configs()[0].replace("https://github.com/heaplint/heaplint", str(ROOT))
    repo = throwaway_repo(tmp_path / "repo", {".pre-commit-config.yaml": config})
    proc = run_pre_commit(repo, pre_commit_home, "autoupdate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"rev: {head_commit()}" in (repo / ".pre-commit-config.yaml").read_text()


def test_readme_local_hook_config_runs_the_installed_binary(tmp_path, pre_commit_home):
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "heaplint").symlink_to(dist().binary)  # what `pip install .` puts on the virtualenv's PATH
    repo = throwaway_repo(tmp_path / "repo", {".pre-commit-config.yaml": readme_configs()[1],
                                              "broken.py": "def f(:\n    pass\n", "fine.py": "x = 1\n"})
    proc = run_pre_commit(repo, pre_commit_home, "run", "--all-files", path=f"{shim}:{os.environ['PATH']}")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "HL001" in out and "broken.py" in out and "fine.py" not in out, out
