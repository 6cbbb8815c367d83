"""`pytest --heaplint`: record the reference cycles each test leaves, without `heaplint verify`.

Registered through the wheel's `pytest11` entry point. Without `--heaplint` it only adds the option and
the `heaplint` marker (so `--strict-markers` accepts it): no tracing, no collector hooks, nothing per test.

With `--heaplint` it runs the same run-time harness as `heaplint verify`, in process: the heaplint binary
prints the harness's Python sources (`heaplint verify --print-harness`, one copy of the code, inside the
binary), this module loads them as the modules `_heaplint_verify` (tracemalloc, gc.DEBUG_SAVEALL and a
gc.callbacks hook that keeps what each collection finds) and `heaplint_verify_pytest` (a collection after
each test, attributing the garbage to the test; `@pytest.mark.heaplint(max_cycles=N)`), and at the end
of the session lists each test's cycles, with their reference paths and allocation lines, after the
harness's noise filter. Each test's garbage is analysed and freed right after the test; only summaries
(path, allocation lines, counts per test) are kept. Under `heaplint verify` the harness is already running and is used as it is.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import types

MARKER = ("heaplint(max_cycles=0): fail the test when it leaves more than max_cycles reference cycles "
          "(checked under `heaplint verify` and `pytest --heaplint`)")


def pytest_addoption(parser):
    group = parser.getgroup("heaplint", "heaplint: reference cycles left by tests")
    group.addoption("--heaplint", action="store_true", default=False,
                    help="record the reference cycles each test leaves and list them at the end "
                         "(slower: tracemalloc traces every allocation)")
    group.addoption("--heaplint-frames", type=int, default=4, metavar="N",
                    help="tracemalloc frames kept per allocation under --heaplint (default 4; 1 is fastest)")


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER)
    if not config.getoption("heaplint"):
        return
    import pytest

    frames = config.getoption("heaplint_frames")
    if frames < 1:
        raise pytest.UsageError("--heaplint-frames must be a positive integer")
    harness = sys.modules.get("_heaplint_verify")
    started = False
    if harness is None or harness.KEPT is None:  # not under `heaplint verify`
        sources = _harness_sources(pytest)
        harness = _load("_heaplint_verify", sources["sitecustomize"])
        harness.start(frames)
        started = True
        plugin_name = sources["pytest_plugin_module"]
        if not config.pluginmanager.has_plugin(plugin_name):
            config.pluginmanager.register(_load(plugin_name, sources["pytest_plugin"]), plugin_name)
    config.pluginmanager.register(_Reporter(harness, started), "heaplint-reporter")


def _harness_sources(pytest):
    binary = _binary()
    if binary is None:
        raise pytest.UsageError("pytest --heaplint: the heaplint binary is not installed "
                                "(pip install heaplint puts it beside this Python's scripts)")
    proc = subprocess.run([binary, "verify", "--print-harness"], capture_output=True, text=True)
    try:
        if proc.returncode != 0:
            raise ValueError(proc.stderr.strip() or "exit status %d" % proc.returncode)
        return json.loads(proc.stdout)
    except ValueError as error:
        raise pytest.UsageError("pytest --heaplint: %s verify --print-harness failed: %s" % (binary, error))


def _binary():
    try:
        from heaplint import find_heaplint_bin

        return find_heaplint_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("heaplint")


def _load(name, source):
    # The harness names its own files by __file__ and leaves everything under that directory out of the
    # user's files: naming this package's directory keeps the plugin's own objects out of the report.
    module = types.ModuleType(name)
    module.__file__ = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_%s.py" % name.strip("_"))
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


class _Reporter:
    """Lists the cycles at the end of the session; undoes the harness when it started it."""

    def __init__(self, harness, started):
        self.harness = harness
        self.started = started

    def pytest_terminal_summary(self, terminalreporter):
        harness = self.harness
        if harness.KEPT is None:
            return
        harness.flush()  # what is still pending (session fixtures' teardown so far) is folded in too
        cycles, noise = harness.summaries(), harness.STATS["noise_cycles"]
        write = terminalreporter.write_line
        terminalreporter.section("heaplint: reference cycles left by tests")
        for note in harness.NOTES:
            write("note: " + note)
        if not cycles:
            write("no reference cycles (%d noise cycle(s) of the interpreter and libraries left out)" % noise)
            return
        # A cycle the same code left in several tests is one summary, listed under each of them.
        by_test = {}
        for cycle in cycles:
            for test, count in (cycle.get("tests") or {None: cycle["count"]}).items():
                by_test.setdefault(test, []).append((cycle, count))
            if cycle.get("tests") and sum(cycle["tests"].values()) < cycle["count"]:
                by_test.setdefault(None, []).append((cycle, cycle["count"] - sum(cycle["tests"].values())))
        for test in sorted(by_test, key=lambda t: (t is None, t or "")):
            entries = by_test[test]
            write("%s: %d cycle(s)" % (test or "outside any test (imports, session fixtures)",
                                       sum(count for _, count in entries)))
            for cycle, count in entries:
                write("  " + harness.describe(cycle) + (" (%d times)" % count if count > 1 else ""))
        write("%d reference cycle(s) in %d test(s); %d noise cycle(s) left out"
              % (sum(c["count"] for c in cycles), len([t for t in by_test if t]), noise))

    def pytest_unconfigure(self, config):
        if self.started and self.harness.KEPT is not None:
            self.harness.stop()
