"""CPython confirms HL103's future cases (Tests/Fixtures/HL1/HL103_futures.py): the fixture's prologue
plus one ``# case:`` section at a time runs under the oracle (collector off, module names dropped, one
collection). A case with an ``# expect: HL103`` marker must leave cyclic garbage and heaplint must report it;
a case without must leave none and heaplint must report nothing in it."""
import json
import os
import pathlib
import subprocess

import pytest

from oracle import run_example

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")
FIXTURE = pathlib.Path(__file__).resolve().parent.parent / "Fixtures" / "HL1" / "HL103_futures.py"
MARKER = "# case:"


def _split():
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line.startswith(MARKER)]
    prologue = "".join(lines[:starts[0]])
    cases = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        body = "".join(lines[start:end])
        title = lines[start][len(MARKER):].strip()
        cases.append(pytest.param(prologue, body, "# expect: HL103" in body, id="%d-%s" % (number + 1, title[:40])))
    return cases


CASES = _split()


def test_fixture_has_enough_cases_of_each_kind():
    cycles = sum(1 for case in CASES if case.values[2])
    assert cycles >= 6 and len(CASES) - cycles >= 6, (cycles, len(CASES) - cycles)


def _hl103_lines(source, tmp_path):
    path = tmp_path / "case.py"
    path.write_text(source, encoding="utf-8")
    proc = subprocess.run([BIN, "check", "--no-cache", "--select", "HL103", "--output-format", "json", "--exit-zero",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [finding["location"]["row"] for finding in json.loads(proc.stdout)]


@pytest.mark.parametrize("prologue,body,cyclic", CASES)
def test_future_case_matches_cpython(prologue, body, cyclic, tmp_path):
    source = prologue + body
    run = run_example(source, "cycles")
    assert run.error is None, "case raised: %s\n%s" % (run.error, body)
    if cyclic:
        assert run.objects, "case should leave cyclic garbage but left none:\n" + body
    else:
        assert not run.objects, "case should leave nothing but left %s:\n%s" % (run.objects, body)
    found = _hl103_lines(source, tmp_path)
    expected = [number for number, line in enumerate(source.splitlines(), start=1) if "# expect: HL103" in line]
    assert found == expected, body
