"""CPython oracle driven by the rules' own examples: every example of a rule listed in `MEASURES`, triggering
and not, is run as its rule file declares (`oracle: .run(call, prelude:)`) and must behave as its kind says.

No table here knows an example: the prelude (stand-ins for undefined names) and the call that makes the
behaviour happen live next to the example in `Sources/HeapRules/...`, and are read from
`heaplint rule --all --output-format json`. An example CPython cannot confirm as written declares
`oracle: .unconfirmable(reason)`; each one is reported as a skip with that reason (counted in pytest's summary,
listed with `-rs`), never passed over silently. An example with neither fails.
"""
from __future__ import annotations

import atexit
import collections
import gc
import itertools
import os
import signal
import sys
import tracemalloc
import types
import weakref
from typing import Callable

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import oracle_memory as om  # noqa: E402

# Two sizes of work: behaviour that happens once per unit of work doubles from SMALL to LARGE, a fixed cost
# (collect three times and stop, collect once after the loop) does not.
SMALL, LARGE = 100, 200

_RUNS = itertools.count()


def hl501(example: dict) -> None:
    """HL501: a triggering example leaves the collector disabled once its code has run (on the path its
    driver takes, the exception path included); a non-triggering one leaves it enabled."""
    state = om.collector_state(lambda: om.run_example(example, SMALL))
    assert state.enabled is (not example["triggering"]), (example["source"], state)


def hl502(example: dict) -> None:
    """HL502: a triggering example collects once per unit of work (or sets the gen-0 threshold to 0, which
    makes CPython collect on every allocation); a non-triggering one collects a fixed number of times."""
    small = om.collector_state(lambda: om.run_example(example, SMALL))
    large = om.collector_state(lambda: om.run_example(example, LARGE))
    per_unit = large.collect_calls - small.collect_calls
    detail = (example["source"], small, large)
    if example["triggering"]:
        assert large.threshold0 == 0 or per_unit >= LARGE - SMALL, detail
    else:
        assert large.threshold0 != 0 and per_unit == 0, detail


def hl406(example: dict) -> None:
    """HL406: what a triggering example builds at import is still reachable from the module afterwards
    (hundreds of kilobytes at the scaled size); a non-triggering one keeps next to nothing, whatever its
    driver calls (a function's list is freed by reference counting when the call returns)."""
    gc.collect()
    tracemalloc.start()
    try:
        module = om.run_example(example, 100_000, name="hl406_example")
        gc.collect()
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del module
    if example["triggering"]:
        assert retained > 500_000, (example["source"], retained)
    else:
        assert retained < 100_000, (example["source"], retained, peak)


def pinned_instances(example: dict, n: int) -> int:
    """Instances of the example's classes still alive after its driver made `n` of them and every name the
    driver bound is gone: what keeps them is the process (an atexit list, a signal handler), not the
    program. Instances the module body keeps in its own globals are the program's, so not counted."""
    name = f"pinned_example_{next(_RUNS)}"  # a fresh module name: earlier examples' objects never count
    registered = []
    real_register = atexit.register

    def capture(fn, *args, **kwargs):
        # Noted weakly, to unregister afterwards (the test process must not run or keep the examples' exit
        # hooks): a strong list here would itself pin every instance and hide what atexit does.
        registered.append(weakref.ref(fn))
        return real_register(fn, *args, **kwargs)

    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    atexit.register = capture
    try:
        driver = dict(om.oracle_of(example))
        call, driver["call"] = driver.get("call"), None
        module = om.run_example({**example, "oracle": driver}, n, name=name)
        before = set(module.__dict__)
        if call:
            exec(compile(call, f"<{name} driver>", "exec"), module.__dict__)
        for key in set(module.__dict__) - before:
            del module.__dict__[key]  # the driver's own names (a loop variable) do not count as the program's
        gc.collect()
        # The module's globals and its classes' attributes (enum members, a class-level instance) are the
        # program's own, once per process.
        held_by_module = {id(v) for v in module.__dict__.values()}
        for cls in [v for v in module.__dict__.values() if isinstance(v, type) and v.__module__ == name]:
            held_by_module |= {id(v) for v in vars(cls).values()}
        return sum(1 for o in gc.get_objects()
                   if type(o).__module__ == name and id(o) not in held_by_module and not isinstance(o, type))
    finally:
        atexit.register = real_register
        for ref in registered:
            if ref() is not None:
                atexit.unregister(ref())
        for s, handler in handlers.items():
            signal.signal(s, handler)


def pinned_by_process(example: dict) -> None:
    """HL402/HL403/HL405: a triggering example's instances outlive every reference the program holds (a
    class-level cache keyed on `self`, a registry the class or module keeps, or the process's callback list
    through a bound method, lambda or partial); a non-triggering one's do not."""
    pinned = pinned_instances(example, 3)
    if example["triggering"]:
        assert pinned >= 1, example["source"]
    else:
        assert pinned == 0, (example["source"], pinned)


def module_collections_size(example: dict, n: int) -> int:
    """Entries held by the module's global containers after the driver made `n` calls."""
    module = om.run_example(example, n, name=f"hl401_example_{next(_RUNS)}")
    return sum(len(v) for v in module.__dict__.values()
               if isinstance(v, (list, dict, set, frozenset, collections.deque)))


def hl401(example: dict) -> None:
    """HL401: a triggering example's module-level collection keeps an entry per call (the difference between
    SMALL_CALLS and LARGE_CALLS calls is at least one entry per extra call); a non-triggering one is
    bounded (a size cap, a maxlen, a removal per call, a fixed set of keys)."""
    small = module_collections_size(example, SMALL_CALLS)
    large = module_collections_size(example, LARGE_CALLS)
    if example["triggering"]:
        assert large - small >= LARGE_CALLS - SMALL_CALLS, (example["source"], small, large)
    else:
        assert large - small < (LARGE_CALLS - SMALL_CALLS) // 10, (example["source"], small, large)


def default_containers_size(example: dict, n: int) -> int:
    """Entries held by the mutable default values (list, dict, set) of the example's functions and methods
    after the driver made `n` calls. A default is evaluated once, when `def` runs, and kept on the function
    object (`__defaults__`, `__kwdefaults__`) for as long as the function lives."""
    module = om.run_example(example, n, name=f"hl404_example_{next(_RUNS)}")
    functions = [v for v in module.__dict__.values() if isinstance(v, types.FunctionType)]
    for cls in [v for v in module.__dict__.values() if isinstance(v, type)]:
        functions += [v for v in vars(cls).values() if isinstance(v, types.FunctionType)]
    defaults = [d for f in functions for d in (f.__defaults__ or ()) + tuple((f.__kwdefaults__ or {}).values())]
    return sum(len(d) for d in defaults if isinstance(d, (list, dict, set)))


def hl404(example: dict) -> None:
    """HL404: a triggering example's default keeps what every call put in it; a non-triggering one's
    default is never mutated (read only, replaced by a fresh object, copied, or kept at a fixed size)."""
    small = default_containers_size(example, SMALL)
    large = default_containers_size(example, LARGE)
    if example["triggering"]:
        assert large - small >= LARGE - SMALL, (example["source"], small, large)
    else:
        assert large == small, (example["source"], small, large)


# HL401's size-capped cache clears at 1,000 entries: the call counts go past it.
SMALL_CALLS, LARGE_CALLS = 2_000, 4_000

MEASURES: dict[str, Callable[[dict], None]] = {"HL401": hl401, "HL402": pinned_by_process, "HL403": pinned_by_process, "HL404": hl404, "HL405": pinned_by_process, "HL406": hl406, "HL501": hl501, "HL502": hl502}

# HL3-HL5 rules whose examples are still checked by test_oracle_memory.py's name-keyed drivers (or not at all),
# and why; issue 29 moves them here. A rule of these families must be in MEASURES or here, so a new one
# cannot go unmeasured without anyone noticing.
NOT_YET_DRIVEN = {
    "HL301": "triggering examples with a `fixed` form: peak ratio in test_oracle_memory.py (function-name table)",
    "HL302": "triggering examples with a `fixed` form: peak ratio in test_oracle_memory.py (function-name table)",
    "HL303": "triggering examples with a `fixed` form: peak ratio in test_oracle_memory.py (function-name table)",
    "HL304": "triggering examples: memory held during later work in test_oracle_memory.py (function-name table)",
    "HL407": "notebook output history (IPython's Out/_): needs IPython, which the test venv lacks",
}

CASES = [(code, index, example) for code in MEASURES for index, example in enumerate(om.examples(code))]
IDS = [f"{code}-{index}-{'triggering' if e['triggering'] else 'not'}" for code, index, e in CASES]


@pytest.mark.parametrize("code,index,example", CASES, ids=IDS)
def test_example_behaves_under_cpython_as_its_kind_says(code, index, example):
    oracle = om.oracle_of(example)
    assert oracle is not None, f"{code} example {index} declares no oracle driver and no unconfirmable reason"
    if oracle.get("unconfirmable"):
        pytest.skip(f"{code} example {index} unconfirmable: {oracle['unconfirmable'].strip()}")
    MEASURES[code](example)


def test_every_measured_rule_has_examples_of_both_kinds():
    # A rule whose examples vanished (or lost their triggering/non-triggering split) must not pass vacuously.
    for code in MEASURES:
        kinds = {e["triggering"] for e in om.examples(code)}
        assert kinds == {True, False}, code


def test_unconfirmable_examples_give_a_reason_and_no_driver():
    for code in MEASURES:
        for example in om.examples(code):
            oracle = om.oracle_of(example) or {}
            if oracle.get("unconfirmable") is not None:
                assert oracle["unconfirmable"].strip(), code
                assert not oracle.get("call") and not oracle.get("prelude"), code


def test_every_hl3_to_hl5_rule_is_measured_here_or_listed_as_not_yet():
    families = ("eager-materialization", "process-lifetime", "collector-control")
    codes = {rule["code"] for rule in om.rules() if rule["family"] in families}
    assert codes == set(MEASURES) | set(NOT_YET_DRIVEN), (codes ^ (set(MEASURES) | set(NOT_YET_DRIVEN)))
    assert not set(MEASURES) & set(NOT_YET_DRIVEN)
