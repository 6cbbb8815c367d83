"""Runs heaplint's HL3xx/HL4xx/HL5xx rule examples under CPython and measures what they do.

The examples come from `$HEAPLINT_BIN rule --all --output-format json`, so docs, Swift tests and this
oracle read the same text. Modes:

- `peak_ratio`: HL3xx. Run a triggering example and its `fixed` form with `tracemalloc`, with huge
  constants scaled down (`10**7` -> `SCALE`) so the run is quick but takes the same code path, and
  return both peaks and both results.
- `run_example`: run an example as its rule file declares (`oracle` in the JSON: a prelude of stand-ins, then
  the body, then the driver's call with `n` bound); test_oracle_examples.py measures what it left behind.
- `collector_state`: HL5xx. Run an example with its declared driver (`run_example`) and report
  `gc.isenabled()`, the gen-0 threshold, and how many times `gc.collect` ran; the state is restored afterwards.
"""
from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import tracemalloc
import types
from dataclasses import dataclass, field
from typing import Any, Callable

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")

_RULES: list[dict] | None = None


def rules() -> list[dict]:
    """Every rule document, as `heaplint rule --all --output-format json` prints it."""
    global _RULES
    if _RULES is None:
        out = subprocess.run([BIN, "rule", "--all", "--output-format", "json"], check=True,
                             capture_output=True, text=True).stdout
        _RULES = json.loads(out)
    return _RULES


def examples(code: str, triggering: bool | None = None) -> list[dict]:
    for rule in rules():
        if rule["code"] == code:
            return [e for e in rule["examples"] if triggering is None or e["triggering"] == triggering]
    raise KeyError(code)


# Integer expressions the examples use as "large": 10**7, 1_000_000, 50_000, 20000 ...
_LARGE = re.compile(r"\b\d+\s*\*\*\s*\d+\b|\b\d{1,3}(?:_\d{3})+\b|\b\d{5,}\b")


def scale_source(source: str, scale: int) -> str:
    """Replace every large integer constant by `scale`, keeping the code path the same."""
    def repl(match: re.Match) -> str:
        text = match.group(0).replace("_", "")
        value = eval(text, {})  # only digits and ** reach here
        return str(scale) if value >= 10_000 else match.group(0)
    return _LARGE.sub(repl, source)


def run_module(source: str, extra: dict[str, Any] | None = None, name: str = "example") -> types.ModuleType:
    """Execute `source` as a fresh module registered in sys.modules (as an import would)."""
    module = types.ModuleType(name)
    module.__dict__.update(extra or {})
    sys.modules[name] = module
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def oracle_of(example: dict) -> dict | None:
    """The example's declared oracle driver (`prelude`, `call`) or `unconfirmable` reason, from the rule file."""
    return example.get("oracle")


def run_example(example: dict, n: int, source: str | None = None, name: str = "example") -> types.ModuleType:
    """Run an example as its rule file declares: the prelude (stand-ins for the names the example leaves
    undefined), the module body with large constants scaled to `n`, then the driver's call with `n` bound."""
    driver = oracle_of(example) or {}
    module = types.ModuleType(name)
    module.__dict__["n"] = n
    sys.modules[name] = module
    if driver.get("prelude"):
        exec(compile(driver["prelude"], f"<{name} prelude>", "exec"), module.__dict__)
    body = scale_source(source if source is not None else example["source"], n)
    exec(compile(body, f"<{name}>", "exec"), module.__dict__)
    if driver.get("call"):
        exec(compile(driver["call"], f"<{name} driver>", "exec"), module.__dict__)
    return module


@dataclass
class PeakRun:
    peak_bytes: int
    result: Any


def measure_peak(source: str, call: Callable[[types.ModuleType], Any] | None, extra: dict[str, Any] | None = None,
                 scale: int = 200_000) -> PeakRun:
    """Peak traced memory while running the example (module body, then `call(module)`)."""
    scaled = scale_source(source, scale)
    gc.collect()
    if call is None:
        tracemalloc.start()
        tracemalloc.reset_peak()
        module = run_module(scaled, extra)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result = {k: v for k, v in module.__dict__.items() if not k.startswith("__") and isinstance(v, (int, float, str, bool))}
        return PeakRun(peak, result)
    module = run_module(scaled, extra)
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = call(module)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return PeakRun(peak, result)


def peak_ratio(example: dict, call: Callable[[types.ModuleType], Any] | None, extra: dict[str, Any] | None = None,
               scale: int = 200_000) -> tuple[PeakRun, PeakRun]:
    """(eager run, fixed run) of one triggering example that has a `fixed` form."""
    eager = measure_peak(example["source"], call, extra, scale)
    lazy = measure_peak(example["fixed"], call, extra, scale)
    return eager, lazy


@dataclass
class CollectorState:
    enabled: bool
    threshold0: int
    collect_calls: int
    errors: list[str] = field(default_factory=list)


def collector_state(run: Callable[[], Any]) -> CollectorState:
    """Call `run` (an example with its driver) and report the collector's state after it, then restore the
    state. `gc.collect` is replaced by a counter during the run: how often the example collects is what HL502
    is about, and skipping the real full passes keeps a 1,000-iteration loop fast."""
    was_enabled = gc.isenabled()
    threshold = gc.get_threshold()
    calls = 0
    real_collect = gc.collect

    def counting_collect(*args, **kwargs):
        nonlocal calls
        calls += 1
        return 0  # "nothing unreachable found", so `while gc.collect(): pass` ends as it would on a clean heap

    gc.collect = counting_collect
    errors: list[str] = []
    try:
        try:
            run()
        except Exception as exc:  # an example may raise on purpose (its exception path is the point)
            errors.append(repr(exc))
        state = CollectorState(gc.isenabled(), gc.get_threshold()[0], calls, errors)
    finally:
        gc.collect = real_collect
        gc.set_threshold(*threshold)
        (gc.enable if was_enabled else gc.disable)()
    return state
