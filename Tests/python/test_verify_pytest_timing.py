"""`heaplint verify` must not make a user's test fail. Under pytest the harness analyses each test's garbage
after the test; a periodic flush (two full collections and the analysis of HEAPLINT_VERIFY_FLUSH objects)
in the middle of a test counted against the test's own timing, and attrs' hypothesis tests failed their
400 ms deadline under verify (DeadlineExceeded, reported as FlakyFailure). While a test runs the harness
now flushes only past HEAPLINT_VERIFY_MAX_NODES; outside tests it still flushes every HEAPLINT_VERIFY_FLUSH.
"""
import json

from verify_runs import PYTEST, run_verify, write_sources

PROJECT = """\
import gc
import sys


def make_cycles(n):
    for _ in range(n):
        box = []
        box.append(box)


def test_no_flush_inside_the_test():
    harness = sys.modules["_heaplint_verify"]
    before = harness.STATS["flushes"]
    make_cycles(3000)  # over HEAPLINT_VERIFY_FLUSH=1000 below
    gc.collect()       # the harness's gc callback sees 3000 pending objects
    total = 0
    for i in range(1000):  # bytecode boundaries, where a scheduled flush would run
        total += i
    assert harness.STATS["flushes"] == before


def test_after_it():
    pass
"""


def test_no_periodic_flush_during_a_pytest_test(tmp_path):
    write_sources(tmp_path, {"test_timing.py": PROJECT})
    proc = run_verify(tmp_path, "--frames", "1", "--output-format", "json", "--exit-zero",
                      command=[*PYTEST, "test_timing.py"], env={"HEAPLINT_VERIFY_FLUSH": "1000"})
    assert "2 passed" in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert report["command"]["exit_code"] == 0
    # The 3000 self-referencing lists were still analysed, after the test, naming it.
    text = json.dumps(report)
    assert "test_timing.py::test_no_flush_inside_the_test" in text
