"""Known misses of the heap model (issue 25), kept as data: ``Tests/Fixtures/<family>/<CODE>_missed*.py``.

Each file is one shape heaplint does not report yet, with a ``# missed: <CODE> (why)`` marker on the line
where the finding should land; FixtureTests (Swift) fails as soon as the rule reports it there, so the
marker must then become ``# expect:``. This test keeps the other half honest: run under CPython by the
oracle (``oracle.run_example(source, "cycles")``: collector off, module names dropped, one collection),
every shape really leaves cyclic garbage, so each marker records a real miss, not a shape that is fine.
"""
import pathlib
import re

import pytest

from oracle import run_example

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Fixtures"
MISSED = sorted(FIXTURES.glob("HL*/HL*_missed*.py"))
MARKER = re.compile(r"#\s*missed:\s*(HL\d{3})\s*\(([^)]+)\)")


def test_known_misses_are_recorded():
    # Issue 25's list: super() with **kwargs, a bound method through another object's method, through a
    # base __init__, in a closure cell, on one branch; a class statement per call; a teardown by name only.
    assert len(MISSED) >= 7, [path.name for path in MISSED]


@pytest.mark.parametrize("path", MISSED, ids=[path.name for path in MISSED])
def test_missed_shape_leaves_cyclic_garbage(path):
    source = path.read_text(encoding="utf-8")
    markers = MARKER.findall(source)
    assert len(markers) == 1, "%s: one `# missed: HLxxx (why)` marker expected, found %s" % (path.name, markers)
    code, _why = markers[0]
    assert path.name.startswith(code), "%s: the marker names %s, the file another rule" % (path.name, code)
    run = run_example(source, "cycles")
    assert run.error is None, "%s raised: %s" % (path.name, run.error)
    assert run.objects, "%s leaves no cyclic garbage under CPython: it is no miss" % path.name
