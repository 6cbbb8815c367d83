"""Explanations true for each CPython version (issue 31): the "reclaimed by" text of HL1/HL2 findings
follows `--target-version` (3.14's incremental collector, the free-threaded builds' stop-the-world
collections, PEP 442 for finalizers), and with no version given the project's virtual environment
names it through its `pyvenv.cfg`, which is read, never run. Driven through the real binary."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

# Two cycles: one between plain objects (HL101), one between objects whose class has a finalizer (HL201; the
# HL101 finding of that same cycle is folded into it, one finding per cycle).
SOURCE = """\
class Tree:
    def __init__(self):
        self.leaves = []


class Leaf:
    def __init__(self, tree):
        self.tree = tree
        tree.leaves.append(self)


class Node:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)

    def __del__(self):
        pass
"""

INCREMENTAL = "On CPython 3.14.0–3.14.4 the collector is incremental"
STOP_THE_WORLD = "every collection stops all threads and scans the whole heap"
GENERATIONAL = "when it next collects the generation the cycle has reached (thresholds (700, 10, 10) by default)"


def heaplint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def project(tmp_path: Path) -> Path:
    (tmp_path / "tree.py").write_text(SOURCE)
    return tmp_path


def mechanisms(root: Path, *args: str) -> dict[str, str]:
    """The `explanation.mechanism` of each finding, by rule code (the file has one finding per code)."""
    run = heaplint(root, "check", "tree.py", "--no-cache", "--output-format", "json", *args)
    assert run.returncode == 1, run.stderr
    found = {f["code"]: f["explanation"]["mechanism"] for f in json.loads(run.stdout)}
    assert set(found) == {"HL101", "HL201"}, found
    return found


def write_venv(root: Path, text: str, name: str = ".venv") -> Path:
    (root / name).mkdir()
    (root / name / "pyvenv.cfg").write_text(text)
    return root / name / "pyvenv.cfg"


def test_generational_versions_keep_the_default_text(tmp_path):
    root = project(tmp_path)
    default = mechanisms(root)
    for version in ("py38", "py311", "py312"):
        assert mechanisms(root, "--target-version", version) == default, version
    # 3.13 collects the same way, with gc.get_threshold() == (2000, 10, 10).
    thirteen = mechanisms(root, "--target-version", "py313")
    assert thirteen == {code: text.replace("(700, 10, 10)", "(2000, 10, 10)") for code, text in default.items()}
    assert GENERATIONAL in default["HL101"]
    assert INCREMENTAL not in default["HL101"] and STOP_THE_WORLD not in default["HL101"]


def test_py314_says_the_incremental_collector_frees_cycles_later(tmp_path):
    found = mechanisms(project(tmp_path), "--target-version", "py314")
    for text in found.values():
        assert INCREMENTAL in text and "3.14.5 went back to the generational collector" in text
        assert "freed later" in text
        assert STOP_THE_WORLD not in text
        # 3.14's thresholds are not the generational collector's: they are not quoted for it.
        assert "(700, 10, 10)" not in text


@pytest.mark.parametrize("version,name", [("py313t", "free-threaded CPython 3.13"), ("py314t", "free-threaded CPython 3.14")])
def test_free_threaded_targets_say_each_collection_stops_the_world(tmp_path, version, name):
    found = mechanisms(project(tmp_path), "--target-version", version)
    for text in found.values():
        assert f"On {name} the collector has no generations: {STOP_THE_WORLD}" in text
        assert "cycles left for it cost more" in text
        # The incremental collector of 3.14.0–3.14.4 is the default build's, not the free-threaded one's.
        assert INCREMENTAL not in text


def test_text_output_carries_the_same_per_version_mechanism(tmp_path):
    root = project(tmp_path)
    for version, expected in (("py311", GENERATIONAL), ("py314", INCREMENTAL), ("py314t", STOP_THE_WORLD)):
        run = heaplint(root, "check", "tree.py", "--no-cache", "--target-version", version)
        reclaimed = [line for line in run.stdout.splitlines() if line.strip().startswith("= reclaimed by:")]
        assert len(reclaimed) == 2, run.stdout
        assert all(expected in line for line in reclaimed), (version, reclaimed)
    sized = heaplint(root, "check", "tree.py", "--no-cache", "--target-version", "py313t").stdout
    assert "on free-threaded CPython 3.13 (" in sized


def test_finalizer_explanations_state_pep_442_and_when_gc_garbage_fills(tmp_path):
    root = project(tmp_path)
    for version in ("py38", "py311", "py314", "py314t"):
        found = mechanisms(root, "--target-version", version)
        finalizer = found["HL201"]
        assert "Since CPython 3.4 (PEP 442) the collector frees such a cycle" in finalizer
        assert "gc.garbage still fills only with objects of C extension types that define the legacy tp_del slot" in finalizer
        assert "gc.DEBUG_SAVEALL" in finalizer
        assert "PEP 442" not in found["HL101"]  # the cycle finding without a finalizer note
        if version == "py314":
            # The version's difference stays the last word, after the finalizer note.
            assert finalizer.index("PEP 442") < finalizer.index(INCREMENTAL)
            assert finalizer.endswith("3.14.5 went back to the generational collector.")


def test_unknown_target_version_lists_the_free_threaded_ones(tmp_path):
    run = heaplint(project(tmp_path), "check", "tree.py", "--target-version", "py315t")
    assert run.returncode == 2
    assert "py313t" in run.stderr and "py314t" in run.stderr


def test_venv_pyvenv_cfg_names_the_target_when_none_is_given(tmp_path):
    root = project(tmp_path)
    py314 = mechanisms(root, "--target-version", "py314")
    default = mechanisms(root)
    write_venv(root, "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.14.3\n")
    assert mechanisms(root) == py314
    # The command line and a configuration file beat the environment.
    assert mechanisms(root, "--target-version", "py311") == default
    (root / "heaplint.toml").write_text('target-version = "py311"\n')
    assert mechanisms(root) == default
    # --isolated reads nothing from the project.
    (root / "heaplint.toml").unlink()
    assert mechanisms(root, "--isolated") == default


def test_venv_detection_shows_in_settings_and_verbose(tmp_path):
    root = project(tmp_path)
    cfg = write_venv(root, "home = /usr/bin\nversion = 3.13.1\n")
    settings = heaplint(root, "check", "--show-settings").stdout.splitlines()
    assert f'target-version = "py313"  # from {cfg} (Python 3.13.1)' in settings
    verbose = heaplint(root, "check", "tree.py", "-v").stderr
    assert f"target version: py313, the interpreter of {cfg} (Python 3.13.1)" in verbose
    named = heaplint(root, "check", "--show-settings", "--target-version", "py312").stdout.splitlines()
    assert 'target-version = "py312"' in named


@pytest.mark.parametrize("text,expected", [
    # venv writes the interpreter it ran as: a `t` build is free-threaded.
    ("home = /opt/py/bin\nversion = 3.14.0\nexecutable = /opt/py/bin/python3.14t\n", "py314t"),
    ("home = /opt/py/bin\nversion = 3.13.2\ncommand = /opt/py/bin/python3.13t -m venv /p/.venv\n", "py313t"),
    # virtualenv and uv write `version_info`.
    ("home = /usr\nimplementation = CPython\nversion_info = 3.12.3.final.0\n", "py312"),
    # CRLF line ends, spaces around `=`.
    ("home = /usr\r\nversion   =   3.10.12\r\n", "py310"),
])
def test_pyvenv_cfg_spellings(tmp_path, text, expected):
    root = project(tmp_path)
    write_venv(root, text)
    assert mechanisms(root) == mechanisms(root, "--target-version", expected)
    settings = heaplint(root, "check", "--show-settings").stdout
    assert f'target-version = "{expected}"  # from ' in settings


@pytest.mark.parametrize("text", [
    "home = /usr\nimplementation = PyPy\nversion_info = 3.10.14.final.0\n",  # another heap
    "home = /usr\nversion = 3.99.0\n",                                          # no such target
    "home = /usr\nversion = 2.7.18\n",
    "home = /usr\n",                                                            # no version at all
    "not a config\x00",
])
def test_pyvenv_cfg_without_a_known_cpython_keeps_the_default(tmp_path, text):
    root = project(tmp_path)
    write_venv(root, text)
    run = heaplint(root, "check", "--show-settings")
    assert run.returncode == 0, run.stderr
    assert 'target-version = "py311"' in run.stdout.splitlines()


def test_plain_venv_directory_and_dot_venv_first(tmp_path):
    root = project(tmp_path)
    write_venv(root, "version = 3.12.1\n", name="venv")
    assert 'target-version = "py312"  # from ' in heaplint(root, "check", "--show-settings").stdout
    write_venv(root, "version = 3.14.4\n", name=".venv")
    assert 'target-version = "py314"  # from ' in heaplint(root, "check", "--show-settings").stdout


def test_the_venv_interpreter_is_never_run(tmp_path):
    root = project(tmp_path)
    write_venv(root, "version = 3.14.1\n")
    marker = tmp_path / "ran"
    bin_dir = root / ".venv" / "bin"
    bin_dir.mkdir()
    for name in ("python", "python3"):
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\ntouch {marker}\necho 'Python 3.8.0'\n")
        script.chmod(0o755)
    assert mechanisms(root) == mechanisms(root, "--target-version", "py314")
    assert not marker.exists()


def test_a_changed_venv_is_not_served_from_the_cache(tmp_path):
    root = project(tmp_path)
    cfg = write_venv(root, "version = 3.11.7\n")
    first = heaplint(root, "check", "tree.py")
    assert INCREMENTAL not in first.stdout
    cfg.write_text("version = 3.14.2\n")
    second = heaplint(root, "check", "tree.py")
    assert INCREMENTAL in second.stdout


# Object sizes per version (issue 31): measured by scripts/measure_sizes.py, not widened where measured.

def size_line(root: Path, version: str) -> str:
    run = heaplint(root, "check", "tree.py", "--no-cache", "--target-version", version)
    return next(line for line in run.stdout.splitlines() if line.strip().startswith("= size:"))


def test_measured_versions_use_their_sizes_and_unmeasured_ones_are_widened(tmp_path):
    root = project(tmp_path)
    lines = {version: size_line(root, version) for version in ("py38", "py311", "py312", "py313", "py314", "py314t")}
    assert "sizes measured" not in lines["py311"] and "widened" not in lines["py311"]
    for version in ("py38", "py312", "py313"):
        assert f"; sizes measured on CPython 3.{version[3:]})" in lines[version], lines[version]
        assert "widened" not in lines[version]
    for version in ("py314", "py314t"):
        assert "widened ±25 %" in lines[version] and "(not measured)" in lines[version]
    # 3.12 instances are 8 B smaller than 3.11's (two instances on this cycle): a real difference.
    assert lines["py311"].split(" on ")[0].endswith("648 B–888 B")
    assert lines["py312"].split(" on ")[0].endswith("632 B–872 B")


def test_the_size_table_matches_this_interpreter_and_the_generated_swift(tmp_path):
    """The row of the interpreter running the tests (the project's venv) is what the script measures now,
    and Sources/HeapModel/MeasuredSizes.swift is generated from the JSON table."""
    import sys
    script = Path(__file__).resolve().parents[2] / "scripts" / "measure_sizes.py"
    table = json.loads((script.parent / "cpython-sizes.json").read_text())
    key = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if key not in table:
        pytest.skip(f"no stored row for Python {key}")
    run = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    printed = subprocess.run([sys.executable, str(script), "--print"], capture_output=True, text=True, timeout=120)
    assert json.loads(printed.stdout) == {key: table[key]["sizes"]}
