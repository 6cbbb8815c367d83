"""`heaplint verify` must leave a program's own use of gc debugging as it was. tornado's test suite checks
itself for cycles (circlerefs_test.assert_no_cycle_garbage: gc.set_debug(DEBUG_SAVEALL), gc.collect(), look
at gc.garbage, gc.set_debug(0)); under verify the harness emptied gc.garbage, so the program saw no cycle
(test_known_leak failed; every other such check passed vacuously), and its gc.set_debug(0) switched the
harness off for the rest of the run. Now the program sees its own flags and its own gc.garbage, and the
harness keeps DEBUG_SAVEALL underneath.
"""
import json
import sys

from verify_runs import run_verify, write_sources

SCRIPT = """\
import gc


class Box:
    pass


def cycle():
    a, b = Box(), Box()
    a.peer, b.peer = b, a


def main():
    assert gc.get_debug() == 0, gc.get_debug()  # the program's own flags
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # the program checks for cycles itself
    cycle()
    gc.collect()
    assert any(isinstance(o, Box) for o in gc.garbage), "the program's gc.garbage was taken"
    gc.garbage[:] = []
    gc.set_debug(0)
    assert gc.get_debug() == 0
    cycle()  # made after the program cleared its flag: the harness still sees it


main()
print("program ok")
"""


def test_program_keeps_its_gc_debug_flags_and_garbage(tmp_path):
    (path,) = write_sources(tmp_path, {"selfcheck.py": SCRIPT})
    proc = run_verify(tmp_path, "--frames", "1", "--output-format", "json", "--exit-zero",
                      command=[sys.executable, str(path)])
    assert "program ok" in proc.stderr + proc.stdout, proc.stderr
    report = json.loads(proc.stdout)
    assert report["command"]["exit_code"] == 0, proc.stderr
    (process,) = report["processes"]
    # The second cycle (after gc.set_debug(0)) was seen: a Box.peer cycle allocated at line 9.
    found = report["confirmed"] + report["runtime_only"]
    assert any("Box.peer" in json.dumps(item) for item in found), json.dumps(report)[:2000]
