"""`heaplint verify`: the real binary runs a Python script under its run-time harness (sitecustomize on
PYTHONPATH) and matches the cycles CPython really left to the static HL1/HL2 findings.

Each test runs one short script in a fresh interpreter (sys.executable); the harness disables the cyclic
collector, so what a script leaves is exactly what the atexit DEBUG_SAVEALL collection finds.
"""
import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

from leaking_tree import TREE_AND_NODE
from verify_runs import json_report, run_verify

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")
REALWORLD = pathlib.Path(__file__).resolve().parent.parent / "realworld"


def verify(tmp_path, *args, command, env=None):
    proc = run_verify(tmp_path, "--output-format", "json", *args, command=command, env=env)
    return proc, json_report(proc)


def script(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


TREE = TREE_AND_NODE + """

build()
"""


def test_known_cycle_is_confirmed(tmp_path):
    path = script(tmp_path, "tree.py", TREE)
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert proc.returncode == 1, proc.stderr
    assert [item["code"] for item in report["confirmed"]] == ["HL101"]
    assert report["runtime_only"] == [] and report["not_exercised"] == []
    (cycle,) = report["confirmed"][0]["cycles"]
    assert cycle["summary"] == "Tree.children → list[0] → Node.tree → Tree"
    sites = {(o["type"], o.get("line")) for o in cycle["objects"]}
    assert ("Tree", 13) in sites and ("Node", 14) in sites  # the lines that allocated them, in build()
    assert report["command"]["exit_code"] == 0
    assert [p["tracemalloc"] for p in report["processes"]] == [True]


def test_text_output_names_the_confirmed_finding_and_its_run_time_path(tmp_path):
    path = script(tmp_path, "tree.py", TREE)
    proc = subprocess.run([os.path.abspath(BIN), "verify", "--", sys.executable, str(path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert proc.returncode == 1
    assert "tree.py:9:9: HL101 [confirmed]" in proc.stdout
    assert "seen at run time: Tree.children → list[0] → Node.tree → Tree" in proc.stdout
    assert proc.stdout.endswith("Verified: 1 confirmed, 0 runtime-only, 0 not exercised (command exited with 0).\n")


def test_cycle_static_analysis_misses_is_runtime_only(tmp_path):
    # setattr with names from a list: the static model does not know which attribute is written.
    path = script(tmp_path, "dynamic.py", """\
        class Box:
            pass


        def link(a, b, names):
            for name in names:
                setattr(a, name, b)


        def main():
            x = Box()
            y = Box()
            link(x, y, ["peer"])
            link(y, x, ["peer"])


        main()
        """)
    static = subprocess.run([BIN, "check", "--no-cache", "--preview", "--select", "HL1,HL2", str(path)],
                            capture_output=True, text=True)
    assert static.returncode == 0, static.stdout  # the premise: check finds nothing
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert proc.returncode == 1, proc.stderr
    assert report["confirmed"] == []
    (cycle,) = report["runtime_only"]
    assert cycle["code"] == "HL004"
    assert cycle["summary"] == "Box.peer → Box.peer → Box"
    assert cycle["filename"] == os.path.realpath(path) and cycle["location"]["row"] == 11


def test_clean_script_reports_nothing_and_exits_zero(tmp_path):
    # Library code that builds cycles of its own (typing, re, logging, dataclasses, datetime's import) is
    # noise; the script's own objects are freed by reference counting.
    path = script(tmp_path, "clean.py", """\
        import dataclasses, datetime, logging, re, typing


        @dataclasses.dataclass
        class Point:
            x: int
            y: typing.Optional[int] = None


        def main():
            logging.getLogger("clean").info("start")
            points = [Point(i, None) for i in range(10)]
            assert re.compile(r"\\d+").match("12")
            return sum(p.x for p in points)


        main()
        """)
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["confirmed"] == report["runtime_only"] == report["not_exercised"] == []


def test_cycle_freed_by_the_programs_own_collection_is_still_seen(tmp_path):
    # DEBUG_SAVEALL plus the gc.callbacks hook keep what an explicit gc.collect() finds; the program still
    # sees an empty gc.garbage, as it would without the harness.
    path = script(tmp_path, "collects.py", TREE + """\
import gc
assert gc.collect() > 0
assert gc.garbage == [], gc.garbage
""")
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert [item["code"] for item in report["confirmed"]] == ["HL101"]


def test_pytest_run_reports_the_cycle_a_test_leaves(tmp_path):
    # pytest collects several times at session end (unraisable-exception hook): the cycle is still seen.
    script(tmp_path, "test_leaky.py", "import pytest\n\n" + TREE.replace("build()\n", "def test_build():\n    build()\n"))
    # One tracemalloc frame: importing pytest under the default 8 frames costs seconds on a loaded machine.
    proc, report = verify(tmp_path, "--frames", "1",
                          command=[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_leaky.py"])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert [item["code"] for item in report["confirmed"]] == ["HL101"]
    assert report["runtime_only"] == []


def test_each_python_process_reports(tmp_path):
    # A child process inherits the environment, so it loads the harness too and appends its own line.
    child = script(tmp_path, "tree.py", TREE)
    parent = script(tmp_path, "parent.py", "import subprocess, sys\n"
                    "subprocess.run([sys.executable, %r], check=True)\n" % str(child))
    proc, report = verify(tmp_path, command=[sys.executable, str(parent)])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert len(report["processes"]) == 2
    assert sorted(p["cycles"] for p in report["processes"]) == [0, 1]
    assert [item["code"] for item in report["confirmed"]] == ["HL101"]


def test_harness_failure_is_a_warning_not_the_programs_failure(tmp_path):
    # The program breaks what the harness needs at exit: the process still exits 0, and verify says so.
    path = script(tmp_path, "breaks.py", TREE + "import gc\ngc.get_referents = None\n")
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert report["command"]["exit_code"] == 0
    assert "TypeError" in report["processes"][0]["error"]
    assert "the harness failed in process" in proc.stderr
    assert proc.returncode == 0 and report["confirmed"] == report["runtime_only"] == []


def test_finding_the_run_never_reaches_is_not_exercised(tmp_path):
    path = script(tmp_path, "unused.py", TREE.replace("build()\n", "pass\n"))
    assert "\nbuild()" not in path.read_text()
    proc, report = verify(tmp_path, str(path), command=[sys.executable, str(path)])
    assert proc.returncode == 0, proc.stderr
    assert [item["code"] for item in report["not_exercised"]] == ["HL101"]
    assert report["confirmed"] == report["runtime_only"] == []


def test_failing_command_is_reported_and_exits_two(tmp_path):
    path = script(tmp_path, "fails.py", TREE + "raise SystemExit(3)\n")
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert proc.returncode == 2
    assert report["command"]["exit_code"] == 3
    assert "the command exited with status 3" in proc.stderr
    assert [item["code"] for item in report["confirmed"]] == ["HL101"]  # the cycles are still reported


def test_missing_command_is_a_usage_error(tmp_path):
    proc = subprocess.run([os.path.abspath(BIN), "verify"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "after `--`" in proc.stderr


def test_existing_sitecustomize_still_runs(tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os\nopen(os.environ['MARKER'], 'w').write('ran')\n")
    marker = tmp_path / "marker"
    path = script(tmp_path, "tree.py", TREE)
    proc, report = verify(tmp_path, command=[sys.executable, str(path)],
                          env={"PYTHONPATH": str(hook), "MARKER": str(marker)})
    assert marker.read_text() == "ran"
    assert proc.returncode == 1 and [item["code"] for item in report["confirmed"]] == ["HL101"]


def test_program_output_goes_to_stderr(tmp_path):
    path = script(tmp_path, "talks.py", "print('hello from the program')\n")
    proc, report = verify(tmp_path, command=[sys.executable, str(path)])
    assert proc.returncode == 0
    assert "hello from the program" in proc.stderr and report is not None


# Real-world pairs (Tests/realworld/): a driver loads the file as Tests/realworld/oracle.py does and calls
# scenario() once. Every before leaves a cycle verify reports (confirmed, or runtime-only where the static
# model misses it: addict), every after none.
PAIRS = [
    "HL1/addict_parent_link",
    "HL1/aiohttp_protocol_writer",
    "HL1/chameleon_exc_info_local",
    "HL1/halotools_decorated_closure",
    "HL1/mne_partial_callback",
    "HL1/tornado_done_callback",
    "HL2/bibliopixel_project_del",
]

DRIVER = """\
import importlib.util, sys
spec = importlib.util.spec_from_file_location("realworld_pair", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["realworld_pair"] = module
spec.loader.exec_module(module)
module.scenario()
"""


@pytest.mark.parametrize("pair", PAIRS)
def test_realworld_before_has_a_cycle_and_after_has_none(tmp_path, pair):
    driver = script(tmp_path, "drive.py", DRIVER)
    before, after = (REALWORLD / (pair + suffix) for suffix in ("_before.py", "_after.py"))
    proc, report = verify(tmp_path, str(before), command=[sys.executable, str(driver), str(before)])
    assert proc.returncode == 1, proc.stdout + proc.stderr
    seen = report["confirmed"] + report["runtime_only"]
    assert seen, report
    assert all(o.get("filename", os.path.realpath(before)) == os.path.realpath(before) for o in seen)
    proc, report = verify(tmp_path, str(after), command=[sys.executable, str(driver), str(after)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["confirmed"] == report["runtime_only"] == []
