"""The lifetime heaplint gives a cycle, checked against CPython: a program is imported once, then its unit of
work (`work()`, a request) runs N times with the collector disabled; whatever the run left unreachable is
counted with gc.DEBUG_SAVEALL. A per-call (or per-instance, or error-path) cycle leaves garbage that grows with
N; a once-per-process cycle leaves the same amount for N=1 and N=5 (held by the module, or made once at import).
The same sources are checked by heaplint, which must grade them so and hide only the once-per-process ones."""
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
for _ in range(int(sys.argv[1])):
    namespace["work"]()
# The module stays alive (as an imported module does): only what the run dropped is garbage.
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
mine = [o for o in gc.garbage if isinstance(o, (dict, list)) or type(o).__module__ == sys.argv[2]]
print(len(mine))
'''

# name → (expected lifetime, source). Every source defines `work()`, the program's repeated unit.
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
}


def garbage_after(source: str, calls: int, module: str = "lifetime_example") -> int:
    proc = subprocess.run([sys.executable, "-c", _DRIVER, str(calls), module], input=textwrap.dedent(source),
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
    if expected == "once-per-process":
        assert once == five, "%s: garbage %d after 1 run, %d after 5: not once per process" % (name, once, five)
    else:
        assert once > 0 and five == 5 * once, "%s: garbage %d after 1 run, %d after 5: should grow per run" % (
            name, once, five)


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
    assert len(default) == (0 if expected == "once-per-process" else len(cycles))
    sarif = json.loads(subprocess.run([BIN, "check", "--isolated", "--no-cache", "--output-format", "sarif",
                                       "--report-once-per-process", str(path)], capture_output=True, text=True).stdout)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"].startswith(("HL1", "HL2"))]
    assert {r["properties"]["lifetime"] for r in results} == {expected}


def test_summary_counts_what_it_left_out(tmp_path):
    for name, (_, source) in EXAMPLES.items():
        (tmp_path / (name.replace("-", "_") + ".py")).write_text(textwrap.dedent(source))
    hidden = sum(1 for expected, _ in EXAMPLES.values() if expected == "once-per-process")
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", str(tmp_path)], capture_output=True, text=True)
    assert "%d once-per-process cycles not shown; use --report-once-per-process (or --preview)." % hidden in proc.stdout
    stats = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--statistics", str(tmp_path)],
                           capture_output=True, text=True)
    assert "%d once-per-process cycles not shown" % hidden in stats.stdout
    shown = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--report-once-per-process", str(tmp_path)],
                           capture_output=True, text=True)
    assert "once-per-process cycle" not in shown.stdout.splitlines()[-1]
    assert shown.stdout.count("lifetime: once per process") == hidden
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.heaplint]\nreport-once-per-process = true\n")
    from_config = subprocess.run([BIN, "check", "--no-cache", str(tmp_path)], capture_output=True, text=True)
    assert from_config.stdout.count("lifetime: once per process") == hidden
