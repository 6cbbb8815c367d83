"""The weakref-callback fixtures of Tests/Fixtures/HL1 (from blinker's Signal.connect, the cycle census of
issue 25) confirmed by CPython: a closure returned by a method and held as a weakref's callback keeps the
method's `self` in a cell, so storing the weakref on `self` leaves cyclic garbage; holding `self` weakly in
the closure leaves none. FixtureTests (Swift) checks that heaplint reports the first and not the second."""
import pathlib

from oracle import run_example

HL1 = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "HL1"


def test_callback_closure_over_self_leaves_cyclic_garbage():
    run = run_example((HL1 / "HL102_weakref_callback_factory.py").read_text(encoding="utf-8"), "cycles")
    assert run.error is None, run.error
    assert "Signal" in run.objects and "function" in run.objects, run.objects


def test_callback_closure_over_a_weakref_leaves_none():
    run = run_example((HL1 / "HL102_weakref_callback_factory_weak_self.py").read_text(encoding="utf-8"), "cycles")
    assert run.error is None, run.error
    assert run.objects == [], run.objects


def test_teardown_emptying_another_field_leaves_cyclic_garbage():
    # close() clears the sets of `_index` through a local; `entries` keeps the Entry whose `registry`
    # points back (blinker's Signal empties its bookkeeping buckets the same way).
    run = run_example((HL1 / "HL101_teardown_empties_another_field.py").read_text(encoding="utf-8"), "cycles")
    assert run.error is None, run.error
    assert "Registry" in run.objects and "Entry" in run.objects, run.objects


def test_teardown_emptying_aliased_fields_leaves_none():
    run = run_example((HL1 / "HL101_teardown_empties_aliased_fields.py").read_text(encoding="utf-8"), "cycles")
    assert run.error is None, run.error
    assert run.objects == [], run.objects
