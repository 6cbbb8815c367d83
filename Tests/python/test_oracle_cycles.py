"""Every HL1xx/HL2xx example, run under the local CPython with the collector disabled, must behave as its
rule says: triggering examples leave cyclic garbage (HL202: a resurrected object), non-triggering ones
leave none. See oracle.py for the protocol."""
import os

import pytest

from oracle import load_examples, run_example

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")


def _cases():
    cases = []
    for rule in load_examples(BIN):
        if not rule["code"].startswith(("HL1", "HL2")):
            continue
        for number, example in enumerate(rule["examples"], start=1):
            kind = "triggering" if example["triggering"] else "clean"
            cases.append(pytest.param(rule["code"], example, id="%s-%d-%s" % (rule["code"], number, kind)))
    return cases


CASES = _cases()


def test_every_cycle_rule_has_examples():
    codes = {case.values[0] for case in CASES}
    assert {"HL101", "HL102", "HL103", "HL104", "HL105", "HL106", "HL107", "HL108", "HL201", "HL202", "HL203"} <= codes


@pytest.mark.parametrize("code,example", CASES)
def test_example_matches_cpython(code, example):
    # HL201 and HL107: a generator on the cycle is closed by its finalizer during the collection, which
    # breaks the cycle, so its objects are freed rather than left in gc.garbage: watch them instead.
    mode = {"HL202": "resurrection", "HL107": "survivors", "HL201": "survivors", "HL203": "alive_until_collected",
            "HL108": "classes"}.get(code, "cycles")
    run = run_example(example["source"], mode)
    assert run.error is None, "example raised: %s\n%s" % (run.error, example["source"])
    if example["triggering"]:
        assert run.objects, "%s example should leave objects (%s) but left none:\n%s" % (code, mode, example["source"])
    else:
        assert not run.objects, "%s example should leave nothing but left %s:\n%s" % (code, run.objects, example["source"])


def test_oracle_detects_a_plain_cycle_and_ignores_acyclic_code():
    cyclic = run_example("class A:\n    pass\n\na = A()\na.me = a\n")
    acyclic = run_example("class A:\n    pass\n\na = A()\na.other = A()\n")
    assert "A" in cyclic.objects and acyclic.objects == []


def test_survivors_mode_sees_generator_cycles_and_ignores_acyclic_code():
    cyclic = run_example("class A:\n    def gen(self):\n        yield 1\n\na = A()\na.it = a.gen()\n", "survivors")
    acyclic = run_example("def gen(items):\n    yield from items\n\nclass A:\n    pass\n\na = A()\na.it = gen([1])\n",
                          "survivors")
    assert cyclic.error is None and acyclic.error is None
    assert sorted(cyclic.objects) == ["A", "generator"]
    assert acyclic.objects == []


def test_cycle_broken_only_in_finalizer_is_garbage_until_collected():
    """HL203's premise, shown directly: with the collector disabled, a cycle whose only breaking code is
    in `__del__` is not freed by deleting the last name (the finalizer never runs), and the collector then
    finds it; the same class broken in close() leaves nothing."""
    only_del_after_collection = run_example(ONLY_DEL)
    only_del = run_example(ONLY_DEL, "alive_until_collected")
    closed = run_example(CLOSED, "alive_until_collected")
    assert "C" in only_del.objects and "H" in only_del.objects
    # The collection runs __del__, whose `self.h = None` lets reference counting free both: nothing is
    # left in gc.garbage, which is why HL203 is checked before the collection.
    assert only_del_after_collection.objects == []
    assert closed.objects == []


ONLY_DEL = (
        "class H:\n    def __init__(self, c):\n        self.c = c\n\n"
        "class C:\n    def __init__(self):\n        self.h = H(self)\n\n"
        "    def __del__(self):\n        self.h = None\n\n"
        "C()\n")
CLOSED = (
        "class H:\n    def __init__(self, c):\n        self.c = c\n\n"
        "class C:\n    def __init__(self):\n        self.h = H(self)\n\n"
        "    def close(self):\n        self.h = None\n\n"
        "    def __del__(self):\n        self.close()\n\n"
        "C().close()\n")
