"""`heaplint verify` must leave a program's own use of tracemalloc as it was. tornado's
assert_memory_budget (tracemalloc.start(), run the body, get_traced_memory()[1], tracemalloc.stop())
failed under verify: start() did nothing while the harness traced, so the peak was all the memory traced
since the run began, and its stop() ended tracing for the rest of the run, so later cycles had no
allocation site. Now the program sees tracing as if it alone started it, from the memory traced at its
start(), and its stop() ends only its own view.
"""
import json
import os
import sys

from verify_runs import run_verify, write_sources

SCRIPT = """\
import tracemalloc

MB = 1024 * 1024


class Box:
    pass


def cycle():
    a, b = Box(), Box()
    a.peer, b.peer = b, a


def main():
    assert not tracemalloc.is_tracing(), "the program has not started tracing"
    held = bytearray(20 * MB)  # traced by the harness before the program starts its own measurement
    tracemalloc.start()
    assert tracemalloc.is_tracing()
    body = bytearray(MB)
    current, peak = tracemalloc.get_traced_memory()
    assert MB <= peak < 3 * MB, (current, peak)  # its own megabyte, not the 20 held before start()
    tracemalloc.clear_traces()
    assert tracemalloc.get_traced_memory()[0] < MB
    tracemalloc.stop()
    assert not tracemalloc.is_tracing() and tracemalloc.get_traced_memory() == (0, 0)
    del held, body
    cycle()  # made after the program stopped tracing: the harness still has its allocation site


main()
"""


def test_program_measures_its_own_memory_and_its_stop_leaves_the_harness_tracing(tmp_path):
    (path,) = write_sources(tmp_path, {"budget.py": SCRIPT})
    proc = run_verify(tmp_path, "--output-format", "json", command=[sys.executable, str(path)])
    assert proc.returncode == 1, proc.stderr  # the program succeeded; its cycle is reported
    report = json.loads(proc.stdout)
    assert report["command"]["exit_code"] == 0, proc.stderr
    assert [p["tracemalloc"] for p in report["processes"]] == [True]
    (cycle,) = report["runtime_only"] + [c for item in report["confirmed"] for c in item["cycles"]]
    boxes = [o for o in cycle["objects"] if o["type"] == "Box"]
    assert len(boxes) == 2
    assert all((os.path.basename(o["file"]), o["line"]) == ("budget.py", 11) for o in boxes)
