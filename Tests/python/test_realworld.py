"""Real-world leak pairs (Tests/realworld/): reductions of merged upstream fixes of reference cycles.

(a) The CPython oracle: every ``*_before.py`` scenario leaves cyclic garbage for the collector, every
    ``*_after.py`` scenario leaves none (Tests/realworld/oracle.py; Python 3.11 here).
(b) Every pair file parses and carries the header the measurement needs.
(c) heaplint is run on every file (Tests/realworld/measure.py, as specified and with ``--preview``), the
    table is printed, and today's numbers are asserted as floors: the heap model is being rewritten
    (issue 25) and must not lose a cycle it finds now. HL1 exact recall >= 38/40 with the default rules
    and >= 39/40 with ``--preview``, HL2 2/2, at most 1 finding on the ``_after.py`` files. A failure
    names the pairs that regressed. Raise a floor (and shrink the known-miss lists) when the model finds more.
"""
import ast
import importlib.util
import os
import pathlib
import sys

import pytest

REALWORLD = pathlib.Path(__file__).resolve().parent.parent / "realworld"


def _load(name):
    # Loaded under private names: Tests/python/oracle.py is already imported as `oracle` by other tests.
    spec = importlib.util.spec_from_file_location("realworld_" + name, REALWORLD / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is created
    spec.loader.exec_module(module)
    return module


measure = _load("measure")
oracle = _load("oracle")

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")
PAIRS = measure.find_pairs(REALWORLD)
FILES = [pytest.param(path, id=str(path.relative_to(REALWORLD))) for pair in PAIRS for path in (pair.before, pair.after)]
REQUIRED_HEADERS = ("upstream", "reference", "url", "leaked", "fix", "expect")


def test_enough_pairs_and_every_before_has_an_after():
    assert len(PAIRS) >= 40, "issue 13 asks for at least 40 pairs, found %d" % len(PAIRS)
    for pair in PAIRS:
        assert pair.after.is_file(), "%s has no _after.py" % pair.before
    befores = {p.name[: -len("_before.py")] for p in REALWORLD.glob("HL*/*_before.py")}
    afters = {p.name[: -len("_after.py")] for p in REALWORLD.glob("HL*/*_after.py")}
    assert befores == afters


@pytest.mark.parametrize("path", FILES)
def test_file_parses_and_has_headers(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    assert any(isinstance(node, ast.FunctionDef) and node.name == "scenario" for node in tree.body), "no scenario()"
    headers = measure.read_headers(path)
    missing = [key for key in REQUIRED_HEADERS if key not in headers]
    assert not missing, "missing header lines: %s" % missing
    assert headers["url"].startswith("https://github.com/"), headers["url"]
    if path.name.endswith("_after.py"):
        assert headers["expect"] == "none"
    else:
        assert measure.CODE.search(headers["expect"]) or "HL1xx-new" in headers["expect"], headers["expect"]
        assert headers["expect"].startswith(path.parent.name), "expected code outside the file's family directory"


@pytest.mark.parametrize("pair", [pytest.param(p, id="%s/%s" % (p.family, p.name)) for p in PAIRS])
def test_cpython_oracle_before_leaks_after_clean(pair):
    before = oracle.run_file(str(pair.before))
    assert before.error is None, before.error
    assert before.leaks, "%s should leave cyclic garbage but left none" % pair.before.name
    after = oracle.run_file(str(pair.after))
    assert after.error is None, after.error
    assert not after.leaks, "%s should leave nothing but left %s" % (pair.after.name, after.types)


# Today's floors (RESULTS.md, measured on main): exact hits over the pairs with an existing rule, per family.
FLOORS = {False: {"HL1": 38, "HL2": 2}, True: {"HL1": 39, "HL2": 2}}
MAX_AFTER_FINDINGS = 1
# The before files missed today. A miss outside these lists is a regression and is named in the failure.
KNOWN_MISSES = {
    # pytest_pseudo_fixturedef is HL108's, a preview rule, off without --preview.
    False: {"HL1/addict_parent_link", "HL1/pytest_pseudo_fixturedef"},
    True: {"HL1/addict_parent_link"},
}
needs_binary = pytest.mark.skipif(not os.path.exists(BIN), reason="heaplint binary not built")


@pytest.fixture(scope="module")
def measured():
    return {False: measure.measure(BIN, PAIRS), True: measure.measure(BIN, PAIRS, preview=True)}


@needs_binary
def test_heaplint_measurement_is_reported(measured, capsys):
    assert len(measured[False]) == len(measured[True]) == len(PAIRS)
    with capsys.disabled():
        print()
        print(measure.render(BIN, measured[False], measured[True]))


@needs_binary
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_recall_floor(measured, preview):
    rows = measured[preview]
    label = "with --preview" if preview else "with default rules"
    missed = {"%s/%s" % (row["family"], row["name"]) for row in rows if not row["new_rule"] and not row["exact"]}
    regressed = sorted(missed - KNOWN_MISSES[preview])
    for family in measure.summary(rows):
        floor = FLOORS[preview][family["family"]]
        assert family["exact"] >= floor, "%s exact recall %s fell to %d/%d (floor %d); regressed pairs: %s" % (
            family["family"], label, family["exact"], family["with_rule"], floor, ", ".join(regressed) or "-")
    assert not regressed, "before files %s no longer get their expected code: %s" % (label, ", ".join(regressed))


@needs_binary
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_after_files_stay_nearly_clean(measured, preview):
    flagged = ["%s/%s_after.py: %s" % (row["family"], row["name"], ", ".join(row["after"]))
               for row in measured[preview] if row["after"]]
    total = sum(len(row["after"]) for row in measured[preview])
    assert total <= MAX_AFTER_FINDINGS, "%d findings on fixed (_after.py) files %s, at most %d allowed: %s" % (
        total, "with --preview" if preview else "with default rules", MAX_AFTER_FINDINGS, "; ".join(flagged))
