"""Real-world leak pairs (Tests/realworld/): reductions of merged upstream fixes of reference cycles.

(a) The CPython oracle: every ``*_before.py`` scenario leaves cyclic garbage for the collector, every
    ``*_after.py`` scenario leaves none (Tests/realworld/oracle.py; Python 3.11 here).
(b) Every pair file parses and carries the header the measurement needs.
(c) heaplint is run on every file and recall per family is printed (Tests/realworld/measure.py); no
    threshold is asserted while the heap model is being rewritten -- only that the binary analyses each
    file without failing.
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


@pytest.mark.skipif(not os.path.exists(BIN), reason="heaplint binary not built")
def test_heaplint_measurement_is_reported(capsys):
    rows = measure.measure(BIN, PAIRS)
    preview_rows = measure.measure(BIN, PAIRS, preview=True)
    assert len(rows) == len(preview_rows) == len(PAIRS)
    with capsys.disabled():
        print()
        print(measure.render(BIN, rows, preview_rows))
