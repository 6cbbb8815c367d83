"""CPython oracle for HL301's size claims per consumer (issue 14): for each consumer, the bytes heaplint
claims a generator saves are checked against tracemalloc peaks of the list form and the generator form.

- reducing consumers (sum, max, min, any, all, dict of pairs): the claim is the whole list with its items;
  the generator form's peak is a few hundred bytes, so the saving is the list form's peak;
- keeping consumers (tuple, sorted, set, frozenset): the claim is the temporary list only; the measured
  saving must be at least that (set/frozenset also save items not yet built when their table resizes).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

sys.path.insert(0, __import__("os").path.dirname(__file__))
import oracle_memory as om  # noqa: E402

N = 1_000_000
CASES = {
    # consumer: (element, kind) — kind says what the claim must match.
    "sum": ("i * 3", "whole"),
    "max": ("i * 3", "whole"),
    "min": ("i * 3", "whole"),
    "dict": ("(i, i)", "whole"),
    "tuple": ("i * 3", "list-only"),
    "sorted": ("i * 3", "list-only"),
    "set": ("i * 3", "list-floor"),
    "frozenset": ("i * 3", "list-floor"),
}


def claimed_bytes(source: str) -> tuple[int, str]:
    out = subprocess.run([om.BIN, "check", "--isolated", "--no-cache", "--output-format", "json-lines",
                          "--select", "HL301", "--stdin-filename", "x.py", "-"],
                         input=source, capture_output=True, text=True)
    records = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert len(records) == 1, (source, out.stdout, out.stderr)
    estimate = records[0]["explanation"]["estimate"]
    return estimate["upper_bytes"], records[0]["message"]


def peak(source: str) -> int:
    return om.measure_peak(source, None, scale=N).peak_bytes


@pytest.mark.parametrize("consumer", sorted(CASES))
def test_claim_matches_the_measured_saving(consumer):
    element, kind = CASES[consumer]
    eager = f"x = {consumer}([{element} for i in range({N})])\n"
    lazy = f"x = {consumer}({element} for i in range({N}))\n"
    claim, message = claimed_bytes(eager)
    saving = peak(eager) - peak(lazy)
    assert saving > 0
    if kind == "whole":
        assert "a generator keeps one item at a time" in message
        assert 0.8 * saving <= claim <= 1.25 * saving, (consumer, claim, saving)
    elif kind == "list-only":
        assert "not the items" in message
        assert 0.8 * saving <= claim <= 1.25 * saving, (consumer, claim, saving)
    else:
        assert "not the items" in message
        assert claim <= 1.1 * saving and claim >= 0.3 * saving, (consumer, claim, saving)


def test_every_consumer_case_ran():
    # A parametrized test with no cases would pass vacuously.
    assert len(CASES) == 8
