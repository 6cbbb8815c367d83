"""`pytest --heaplint`: the wheel's pytest plugin (Sources/PythonPackaging/heaplint/pytest_plugin.py) runs
verify's run-time harness in process, lists each test's cycles at the end of the session and honours
`@pytest.mark.heaplint(max_cycles=N)`; without `--heaplint` it does nothing but register the option and
the marker.

The first tests load the package from the source tree with `-p heaplint.pytest_plugin` (what the entry
point does) and find the binary on PATH; the last one builds a wheel around the debug binary with the
in-tree backend, installs it into a fresh virtualenv without network, and relies on the `pytest11` entry
point alone. Every run uses one tracemalloc frame (`--heaplint-frames 1`): importing pytest under deeper
tracing costs seconds on a loaded machine.
"""
import os
import pathlib
import site
import subprocess
import sys
import textwrap

from leaking_tree import TREE_AND_NODE

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "Sources" / "PythonPackaging"

PROJECT = """\
import gc
import sys
import tracemalloc

import pytest


""" + TREE_AND_NODE + """

@pytest.mark.heaplint(max_cycles=0)
def test_leaks():
    build()


@pytest.mark.heaplint(max_cycles=1)
def test_leaks_within_allowance():
    build()


@pytest.mark.heaplint(max_cycles=0)
def test_clean():
    Tree()


def test_state():
    # Written for the test below to read: what the plugin did to the interpreter.
    with open("state.txt", "w") as f:
        traced = tracemalloc.get_object_traceback(bytearray(1000)) is not None
        f.write("%s %s %s %s" % (tracemalloc.is_tracing(), traced, gc.get_debug(), "_heaplint_verify" in sys.modules))
"""


def pytest_run(tmp_path, *args, python=sys.executable, path_env=None, plugin=True):
    (tmp_path / "test_proj.py").write_text(textwrap.dedent(PROJECT))
    env = dict(os.environ)
    env.pop("PYTEST_PLUGINS", None)
    env.pop("PYTEST_ADDOPTS", None)
    env["PATH"] = path_env if path_env is not None else os.path.dirname(BIN) + os.pathsep + env.get("PATH", "")
    if plugin:
        env["PYTHONPATH"] = str(PACKAGING)
        args = ("-p", "heaplint.pytest_plugin") + args
    return subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers",
                           *args, "test_proj.py"],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)


def test_without_the_option_the_plugin_does_nothing(tmp_path):
    # No heaplint binary on PATH: without --heaplint the plugin never looks for it.
    proc = pytest_run(tmp_path, path_env="/usr/bin:/bin")
    assert proc.returncode == 0, proc.stdout + proc.stderr  # --strict-markers accepted the marker
    assert "4 passed" in proc.stdout
    assert "heaplint" not in proc.stdout
    assert (tmp_path / "state.txt").read_text() == "False False 0 False"


def test_heaplint_lists_each_tests_cycles_and_the_marker_fails_the_test_over_its_allowance(tmp_path):
    proc = pytest_run(tmp_path, "--heaplint", "--heaplint-frames", "1")
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "1 failed, 3 passed" in out
    assert "FAILED test_proj.py::test_leaks - " in out
    assert "heaplint: the test left 1 reference cycle(s), more than max_cycles=0:" in out
    assert "FAILED test_proj.py::test_leaks_within_allowance" not in out
    summary = out[out.index("heaplint: reference cycles left by tests"):]
    assert "test_proj.py::test_leaks: 1 cycle(s)" in summary
    assert "test_proj.py::test_leaks_within_allowance: 1 cycle(s)" in summary
    assert "Tree.children -> list[0] -> Node.tree -> Tree (allocated at " in summary
    assert "test_clean" not in summary and "test_state" not in summary
    assert "2 reference cycle(s) in 2 test(s)" in summary
    # gc.get_debug() and tracemalloc.is_tracing() show the program's own settings: the harness's
    # DEBUG_SAVEALL and tracing are kept underneath (test_verify_program_gc_debug.py,
    # test_verify_program_tracemalloc.py), and an object made in the test has its allocation traced.
    assert (tmp_path / "state.txt").read_text() == "False True 0 True"


def test_heaplint_on_a_clean_suite_reports_nothing(tmp_path):
    proc = pytest_run(tmp_path, "--heaplint", "--heaplint-frames", "1", "-k", "clean or state")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no reference cycles (" in proc.stdout


def test_heaplint_without_the_binary_is_a_usage_error(tmp_path):
    proc = pytest_run(tmp_path, "--heaplint", path_env="/usr/bin:/bin")
    assert proc.returncode == 4, proc.stdout + proc.stderr  # pytest's usage error status
    assert "pytest --heaplint: the heaplint binary is not installed" in proc.stderr


def test_installed_wheel_registers_the_plugin_through_its_entry_point(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(PACKAGING), "HEAPLINT_PREBUILT_BINARY": BIN}
    built = subprocess.run([sys.executable, "-c", "import heaplint_build, sys; print(heaplint_build.build_wheel(sys.argv[1]))",
                            str(tmp_path / "dist")], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = tmp_path / "dist" / built.stdout.strip()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-index", str(wheel)], check=True, timeout=600)
    # pytest itself comes from this test run's environment, through a .pth file (no network).
    (purelib,) = (venv / "lib").glob("python*/site-packages")
    (purelib / "test-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    work = tmp_path / "work"
    work.mkdir()
    proc = pytest_run(work, "--heaplint", "--heaplint-frames", "1", python=venv / "bin" / "python",
                      path_env="/usr/bin:/bin", plugin=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "test_proj.py::test_leaks: 1 cycle(s)" in proc.stdout
    assert "1 failed, 3 passed" in proc.stdout
