"""`heaplint clean` removes the project's cache directory, as `ruff clean` does, and only a cache heaplint
made: a directory without heaplint's .gitignore, or a symbolic link, is left alone with an error."""
import os
import shutil
import subprocess
from pathlib import Path

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
DEMO = Path(__file__).resolve().parents[2] / "docs" / "demo-project"


def heaplint(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k != "HEAPLINT_CACHE_DIR"}
    return subprocess.run([BIN, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def project(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(DEMO, root)
    return root


def test_clean_removes_the_cache_a_check_wrote_then_says_there_is_none(tmp_path):
    root = project(tmp_path)
    heaplint(root, "check", ".")
    cache = root / ".heaplint_cache"
    assert cache.is_dir() and any(cache.rglob("*.json"))
    first = heaplint(root, "clean")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"Removed the cache at {cache}"
    assert not cache.exists()
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in DEMO.iterdir())  # nothing else touched
    second = heaplint(root, "clean")
    assert second.returncode == 0 and second.stdout.strip() == f"No cache at {cache}"


def test_clean_follows_the_configured_cache_directory(tmp_path):
    root = project(tmp_path)
    heaplint(root, "check", "--cache-dir", "elsewhere", ".")
    assert (root / "elsewhere").is_dir() and not (root / ".heaplint_cache").exists()
    result = heaplint(root, "clean", "--cache-dir", "elsewhere")
    assert result.returncode == 0, result.stderr
    assert not (root / "elsewhere").exists()


def test_a_directory_heaplint_did_not_make_is_left_alone(tmp_path):
    root = project(tmp_path)
    mine = root / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me\n")
    result = heaplint(root, "clean", "--cache-dir", "mine")
    assert result.returncode == 1
    assert result.stderr.startswith(f"heaplint: error: not removing {mine}: it has no .gitignore written by heaplint")
    assert (mine / "notes.txt").read_text() == "keep me\n"


def test_a_symbolic_link_is_never_followed(tmp_path):
    root = project(tmp_path)
    heaplint(root, "check", "--cache-dir", "real", ".")
    (root / "link").symlink_to(root / "real")
    result = heaplint(root, "clean", "--cache-dir", "link")
    assert result.returncode == 1 and "it is a symbolic link" in result.stderr
    assert (root / "real" / ".gitignore").exists()
