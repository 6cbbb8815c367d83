"""`heaplint verify` keeps memory bounded on long runs: the harness analyses each pytest test's cyclic
garbage right after the test (and, for any command, soon after a collection leaves more than
HEAPLINT_VERIFY_FLUSH objects pending), keeps only a summary of each cycle and frees the objects.

Before, every cycle of the run stayed alive (gc.DEBUG_SAVEALL) until exit and was analysed in one pass
there: on attrs' suite that pass did not finish. Each test here leaves many copies of one cycle; the
record's `retained_max` (the most garbage objects the harness held at once) must stay a small fraction
of `garbage` (all it analysed), and the report must list the cycle once, with its count.
"""
import os
import subprocess
import sys
import textwrap

from leaking_tree import TREE_AND_NODE

from verify_runs import json_report, run_verify
BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")

TESTS, PER_TEST = 40, 25

SUITE = "import pytest\n\n\n" + TREE_AND_NODE + """

@pytest.mark.parametrize("n", range(%d))
def test_leaks(n):
    for _ in range(%d):
        build()
""" % (TESTS, PER_TEST)

SCRIPT = TREE_AND_NODE + """

for _ in range(20000):
    build()
"""


def verify(tmp_path, command, env=None):
    proc = run_verify(tmp_path, "--frames", "1", "--output-format", "json", command=command, env=env)
    assert proc.stdout.strip(), proc.stderr
    return proc, json_report(proc)


def test_each_tests_garbage_is_analysed_and_dropped_after_the_test(tmp_path):
    (tmp_path / "test_many.py").write_text(textwrap.dedent(SUITE))
    # Below the default threshold of 10000 pending objects, so pytest's own start-up garbage (imports,
    # collection) is flushed before the first test too.
    proc, report = verify(tmp_path, [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_many.py"],
                          env={"HEAPLINT_VERIFY_FLUSH": "2000"})
    assert report["command"]["exit_code"] == 0, proc.stderr
    (process,) = report["processes"]
    # Every copy was seen ...
    (finding,) = report["confirmed"]
    (cycle,) = finding["cycles"]
    assert cycle["count"] == TESTS * PER_TEST
    assert cycle["tests"] == {"test_many.py::test_leaks[%d]" % n: PER_TEST for n in range(TESTS)}
    assert report["runtime_only"] == []
    # ... and the harness never held more than the flush threshold plus one collection's worth, a small
    # part of the whole (a Tree, a Node and a list per copy: at least 3 objects each).
    assert process["garbage"] >= 3 * TESTS * PER_TEST
    assert process["retained_max"] * 5 <= process["garbage"], process
    assert process["flushes"] >= TESTS


def test_any_command_is_flushed_after_collections_past_the_threshold(tmp_path):
    script = tmp_path / "loop.py"
    script.write_text(SCRIPT)
    proc, report = verify(tmp_path, [sys.executable, str(script)], env={"HEAPLINT_VERIFY_FLUSH": "1000"})
    assert report["command"]["exit_code"] == 0, proc.stderr
    (process,) = report["processes"]
    (finding,) = report["confirmed"]
    (cycle,) = finding["cycles"]
    assert cycle["count"] == 20000 and "tests" not in cycle
    assert process["garbage"] >= 3 * 20000
    assert process["flushes"] > 10
    assert process["retained_max"] * 10 <= process["garbage"], process
    assert "seen at run time: Tree.children → list[0] → Node.tree → Tree (20000 times)" in subprocess.run(
        [os.path.abspath(BIN), "verify", "--frames", "1", "--", sys.executable, str(script)],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
        env={**os.environ, "HEAPLINT_VERIFY_FLUSH": "1000"}).stdout


def test_a_cap_hit_is_said_in_the_output(tmp_path):
    script = tmp_path / "loop.py"
    script.write_text(SCRIPT)
    proc, report = verify(tmp_path, [sys.executable, str(script)],
                          env={"HEAPLINT_VERIFY_FLUSH": "100000", "HEAPLINT_VERIFY_MAX_NODES": "3000"})
    (process,) = report["processes"]
    assert any("over the cap of 3000 (HEAPLINT_VERIFY_MAX_NODES)" in note for note in process["notes"]), process
    assert "HEAPLINT_VERIFY_MAX_NODES" in proc.stderr
    # Only the analysed part is counted, and the cycles in it are still reported.
    (finding,) = report["confirmed"]
    assert 0 < finding["cycles"][0]["count"] < 20000
