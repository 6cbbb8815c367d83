"""CPython oracle for the real-world leak pairs in Tests/realworld/.

Harness convention (every pair file follows it):

* The file is a self-contained module that defines ``def scenario():``. Calling it once runs the code
  that leaked upstream (``*_before.py``) or the fixed code (``*_after.py``) exactly once; it must not
  raise and must not keep anything in module globals.
* Header comments: ``# upstream:`` project, ``# reference:`` issue/PR numbers, ``# url:``, ``# leaked:``,
  ``# fix:``, and ``# expect:`` -- the heaplint code that should fire on the before file
  (``HL1xx-new (...)`` when no existing rule fits) and ``none`` on the after file.

Protocol, in a fresh interpreter per file (so files never see each other's state):

1. Load the file as module ``realworld_pair`` (classes and functions are defined now, their own
   bookkeeping cycles -- class <-> __dict__ <-> methods -- exist before the baseline).
2. Warm-up: call ``scenario()`` once and collect, so one-time lazy caches (imports, interned data,
   ``re`` / ``typing`` caches) are not blamed on the scenario.
3. Baseline: ``gc.disable()``, ``gc.collect()`` until it returns 0.
4. ``gc.set_debug(gc.DEBUG_SAVEALL)``; call ``scenario()`` again; ``gc.collect()``. Everything the
   collector found unreachable lands in ``gc.garbage``: that is exactly the cyclic garbage the one
   scenario run left behind for the collector (reference counting did not free it).

A before file must leave at least one object, an after file none.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

_DRIVER = r'''
import collections, gc, importlib.util, json, sys
path = sys.argv[1]
result = {"error": None, "collected": 0, "types": {}}
try:
    spec = importlib.util.spec_from_file_location("realworld_pair", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["realworld_pair"] = module
    spec.loader.exec_module(module)
    module.scenario()
    gc.collect()
    gc.disable()
    while gc.collect():
        pass
    gc.set_debug(gc.DEBUG_SAVEALL)
    module.scenario()
    result["collected"] = gc.collect()
    gc.set_debug(0)
    counts = collections.Counter(type(obj).__name__ for obj in gc.garbage)
    result["types"] = dict(sorted(counts.items()))
    gc.garbage.clear()
except BaseException as error:  # report, never hide: the test shows it
    result["error"] = "%s: %s" % (type(error).__name__, error)
sys.stdout.write(json.dumps(result))
'''


@dataclasses.dataclass(frozen=True)
class PairRun:
    """What one scenario() call left for the cyclic collector."""

    collected: int
    types: dict
    error: str | None

    @property
    def leaks(self) -> bool:
        return self.collected > 0


def run_file(path: str, python: str = sys.executable, timeout: float = 30.0) -> PairRun:
    proc = subprocess.run([python, "-c", _DRIVER, path], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not proc.stdout:
        return PairRun(0, {}, "driver failed (rc=%d): %s" % (proc.returncode, proc.stderr.strip()[-500:]))
    data = json.loads(proc.stdout)
    return PairRun(data["collected"], data["types"], data["error"])


def main(argv: list[str]) -> int:
    status = 0
    for path in argv:
        run = run_file(path)
        print("%-70s collected=%-4d %s%s" % (path, run.collected, run.types, " ERROR " + run.error if run.error else ""))
        status |= 1 if run.error else 0
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
