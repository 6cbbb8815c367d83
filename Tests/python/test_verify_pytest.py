"""`heaplint verify` under pytest: the harness's pytest plugin (loaded through PYTEST_PLUGINS) names the test
that left each run-time cycle, and `@pytest.mark.heaplint(max_cycles=N)` fails a test that leaves more.

One verify run of a tiny project (tracemalloc at one frame keeps it short): two tests leave the same cycle
(reported once, with its count and both tests), one is clean.
"""
import json

from leaking_tree import TREE_AND_NODE

from verify_runs import PYTEST, run_verify, write_sources

PROJECT = """\
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
"""


def run(tmp_path, output_format):
    write_sources(tmp_path, {"test_proj.py": PROJECT})
    return run_verify(tmp_path, "--frames", "1", "--output-format", output_format,
                      command=[*PYTEST, "--strict-markers", "test_proj.py"])


def test_cycles_name_their_test_and_the_marker_fails_only_the_test_over_its_allowance(tmp_path):
    proc = run(tmp_path, "json")
    report = json.loads(proc.stdout)
    # --strict-markers accepted the marker (an unknown marker is a collection error, exit 4 or 2).
    assert "not found in `markers`" not in proc.stderr
    assert report["command"]["exit_code"] == 1  # pytest's own status: one test failed
    assert "FAILED test_proj.py::test_leaks - " in proc.stderr
    assert "heaplint: the test left 1 reference cycle(s), more than max_cycles=0:" in proc.stderr
    assert "FAILED test_proj.py::test_leaks_within_allowance" not in proc.stderr
    assert "Tree.children -> list[0] -> Node.tree -> Tree" in proc.stderr
    assert "1 failed, 2 passed" in proc.stderr
    (finding,) = report["confirmed"]
    assert finding["code"] == "HL101"
    # Both tests ran the same build(): one cycle summary, left twice, once by each test.
    (cycle,) = finding["cycles"]
    assert cycle["count"] == 2
    assert cycle["tests"] == {"test_proj.py::test_leaks": 1, "test_proj.py::test_leaks_within_allowance": 1}
    assert cycle["test"] == "test_proj.py::test_leaks"
    assert "test_clean" not in proc.stdout


def test_text_output_names_the_test(tmp_path):
    proc = run(tmp_path, "text")
    assert ("seen at run time: Tree.children → list[0] → Node.tree → Tree (2 times, left by tests "
            "test_proj.py::test_leaks, test_proj.py::test_leaks_within_allowance)") in proc.stdout
    assert "test_clean" not in proc.stdout
