"""The lifetime heaplint gives a cycle, checked against CPython: a program is imported once, then its unit of
work (`work()`, a request) runs N times with the collector disabled; whatever the run left unreachable is
counted with gc.DEBUG_SAVEALL. A per-call (or per-instance, or error-path) cycle leaves garbage that grows with
N; a once-per-process cycle leaves the same amount for N=1 and N=5 (held by the module, or made once at import).
A test-support cycle (a pytest plugin's hook, a test runner) is never made by the program's own `work()`: its
garbage stays the same however often the program runs, and grows only when a test runner calls the hook, once
per test (`TEST_HOOK` names what the runner calls).
The same sources are checked by heaplint, which must grade them so and hide only the once-per-process and
test-support ones."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")

_DRIVER = r'''
import gc, sys
gc.disable()
source = sys.stdin.read()
namespace = {"__name__": sys.argv[2]}
exec(compile(source, "lifetime_example.py", "exec"), namespace)
entry = sys.argv[3] if len(sys.argv) > 3 else "work"
for _ in range(int(sys.argv[1])):
    namespace[entry]()
# The module stays alive (as an imported module does): only what the run dropped is garbage.
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
mine = [o for o in gc.garbage if isinstance(o, (dict, list)) or type(o).__module__ == sys.argv[2]]
print(len(mine))
'''

# name → (expected lifetime, source). Every source defines `work()`, the program's repeated unit; a test-support
# one also `TEST_HOOK`, the name of what a test runner calls once per test.
EXAMPLES = {
    "per-call": ("per-call", """
        def handle(request):
            state = {"request": request}
            state["self"] = state
            return len(state)


        def work():
            handle("GET /")
        """),
    "per-instance": ("per-instance", """
        class Connection:
            def __init__(self):
                self.on_data = self.receive

            def receive(self):
                pass


        def work():
            Connection()
        """),
    "error-path": ("error-path", """
        def fetch():
            try:
                raise ConnectionError("refused")
            except ConnectionError:
                context = {}
                context["self"] = context


        def work():
            fetch()
        """),
    "once-module-level": ("once-per-process", """
        REGISTRY = {"name": "app"}
        REGISTRY["self"] = REGISTRY


        def work():
            return REGISTRY["name"]
        """),
    "once-private-setup": ("once-per-process", """
        def _configure():
            config = {"debug": False}
            config["self"] = config
            return config["debug"]


        DEBUG = _configure()


        def work():
            return DEBUG
        """),
    "once-private-app": ("once-per-process", """
        class _App:
            def __init__(self):
                self.dispatch = self.handle

            def handle(self):
                return 1


        _app = _App()


        def work():
            return _app.dispatch()
        """),
    "test-support-pytest-hook": ("test-support", """
        TEST_HOOK = "pytest_pyfunc_call"


        def pytest_addoption(parser=None):
            return None


        def pytest_pyfunc_call(pyfuncitem=None):
            outcome = {"item": pyfuncitem}
            outcome["self"] = outcome
            return True


        def work():
            return len("the program never calls the plugin")
        """),
    "test-support-runner-class": ("test-support", """
        TEST_HOOK = "run_one_test"


        class TestRunner:
            def __init__(self):
                self.results = []

            def run(self, test):
                try:
                    test()
                except AssertionError as exc:
                    self.results.append(exc)


        def failing_test():
            raise AssertionError("boom")


        def run_one_test():
            TestRunner().run(failing_test)


        def work():
            return sum(range(10))
        """),
    "test-support-run-test-method": ("test-support", """
        TEST_HOOK = "drive"


        class App:
            def run_test(self):
                pilot = {"app": self}
                pilot["self"] = pilot
                return pilot["app"]


        _app = App()


        def drive():
            _app.run_test()


        def work():
            return _app
        """),
}


def garbage_after(source: str, calls: int, module: str = "lifetime_example", entry: str = "work") -> int:
    proc = subprocess.run([sys.executable, "-c", _DRIVER, str(calls), module, entry], input=textwrap.dedent(source),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.strip().splitlines()[-1])


def heaplint_json(path, *flags):
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--output-format", "json", *flags, str(path)],
                          capture_output=True, text=True)
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_cpython_garbage_grows_only_for_repeated_lifetimes(name):
    expected, source = EXAMPLES[name]
    once, five = garbage_after(source, 1), garbage_after(source, 5)
    if expected in ("once-per-process", "test-support"):
        assert once == five, "%s: garbage %d after 1 run, %d after 5: not once per process" % (name, once, five)
    else:
        assert once > 0 and five == 5 * once, "%s: garbage %d after 1 run, %d after 5: should grow per run" % (
            name, once, five)
    if expected == "test-support":
        # The same code under a test runner: one cycle per test, in the test process.
        hook = [line.split('"')[1] for line in textwrap.dedent(source).splitlines() if line.startswith("TEST_HOOK")][0]
        one, many = garbage_after(source, 1, entry=hook), garbage_after(source, 5, entry=hook)
        assert one > 0 and many == 5 * one, "%s: %d after 1 test, %d after 5: should grow per test" % (name, one, many)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_heaplint_grades_the_example_as_cpython_behaves(name, tmp_path):
    expected, source = EXAMPLES[name]
    path = tmp_path / "example_module.py"
    path.write_text(textwrap.dedent(source))
    everything = heaplint_json(path, "--report-once-per-process")
    cycles = [d for d in everything if d["code"].startswith(("HL1", "HL2"))]
    assert cycles, "%s: no cycle finding" % name
    assert {d["lifetime"] for d in cycles} == {expected}, [(d["code"], d["lifetime"], d["lifetime_reason"]) for d in cycles]
    assert all(d["lifetime_reason"] for d in cycles)
    default = [d for d in heaplint_json(path) if d["code"].startswith(("HL1", "HL2"))]
    assert len(default) == (0 if expected in ("once-per-process", "test-support") else len(cycles))
    sarif = json.loads(subprocess.run([BIN, "check", "--isolated", "--no-cache", "--output-format", "sarif",
                                       "--report-once-per-process", str(path)], capture_output=True, text=True).stdout)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"].startswith(("HL1", "HL2"))]
    assert {r["properties"]["lifetime"] for r in results} == {expected}


def test_summary_counts_what_it_left_out(tmp_path):
    for name, (_, source) in EXAMPLES.items():
        # Not `test_*.py`: the project's own test modules are graded per call, not test support.
        (tmp_path / ("example_" + name.replace("-", "_") + ".py")).write_text(textwrap.dedent(source))
    everything = heaplint_json(tmp_path, "--report-once-per-process")
    hidden = sum(1 for d in everything if d["lifetime"] == "once-per-process")
    support = sum(1 for d in everything if d["lifetime"] == "test-support")
    assert hidden >= 3 and support >= 3
    note = ("%d once-per-process cycles and %d test-support cycles (pytest plugins, test runners) not shown; "
            "use --report-once-per-process (or --preview)." % (hidden, support))
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", str(tmp_path)], capture_output=True, text=True)
    assert note in proc.stdout
    stats = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--statistics", str(tmp_path)],
                           capture_output=True, text=True)
    assert note in stats.stdout
    shown = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--report-once-per-process", str(tmp_path)],
                           capture_output=True, text=True)
    assert "not shown" not in shown.stdout.splitlines()[-1]
    assert shown.stdout.count("lifetime: once per process") == hidden
    assert shown.stdout.count("lifetime: test support") == support
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.heaplint]\nreport-once-per-process = true\n")
    from_config = subprocess.run([BIN, "check", "--no-cache", str(tmp_path)], capture_output=True, text=True)
    assert from_config.stdout.count("lifetime: once per process") == hidden


_FOLDED = """
class Protocol:
    def parse(self, data):
        try:
            return int(data)
        except ValueError as exc:
            self.parser_exc = exc
        except TypeError as exc:
            self.parser_exc = exc
        except OverflowError as exc:
            self.parser_exc = exc
"""


def test_summary_and_statistics_count_folded_findings(tmp_path):
    """Findings closing the same cycle are one finding with the others as related locations; the summary
    and --statistics say how many were folded, so none is hidden silently."""
    (tmp_path / "protocol.py").write_text(_FOLDED)
    found = heaplint_json(tmp_path)
    hl106 = [d for d in found if d["code"] == "HL106"]
    assert len(hl106) == 1 and len(hl106[0]["explanation"]["also_closed_at"]) == 2, hl106
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", str(tmp_path)], capture_output=True, text=True)
    assert "2 more findings folded into the ones above" in proc.stdout, proc.stdout
    stats = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--statistics", str(tmp_path)],
                           capture_output=True, text=True)
    line = [l for l in stats.stdout.splitlines() if "\tHL106\t" in l][0]
    assert line.split("\t")[0].strip() == "1" and line.endswith("(+2 folded into these)"), stats.stdout
    assert "2 more findings folded into the ones above" in stats.stdout
    as_json = json.loads(subprocess.run([BIN, "check", "--isolated", "--no-cache", "--statistics", "--output-format",
                                         "json", str(tmp_path)], capture_output=True, text=True).stdout)
    assert [s for s in as_json if s["code"] == "HL106"][0]["folded"] == 2
