"""heaplint reads TOML with its own parser (Sources/HeapTOML, issue 27: TOMLKit linked Foundation's ICU data).

Python's `tomllib` is the oracle: the expected values of every valid fixture under Tests/Fixtures/toml/valid
(`NAME.json`, which HeapTOMLTests compares the Swift parser's output with) must be what tomllib reads, and
every invalid fixture must be rejected by tomllib too. Then the real binary reads a pyproject.toml that uses
most of TOML 1.0 outside `[tool.heaplint]`, and a broken one gets an error naming file, line and column.
Regenerate the expected values with `python3 Tests/python/test_toml.py`."""
from __future__ import annotations

import datetime
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib") if __name__ != "__main__" else __import__("tomllib")

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests" / "Fixtures" / "toml"
BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
# TOML 1.0 requires an error for an integer beyond 64 bits; tomllib has arbitrary-precision integers.
TOMLLIB_ACCEPTS = {"integer-overflow"}


def tagged(value):
    """toml-test's typed JSON: scalars as {"type", "value"} (value as text), date-times in ISO form."""
    if isinstance(value, dict):
        return {key: tagged(item) for key, item in value.items()}
    if isinstance(value, list):
        return [tagged(item) for item in value]
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
        return {"type": "float", "value": text}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return {"type": "datetime", "value": value.isoformat()}
    raise TypeError(type(value))


def oracle(path: Path):
    with path.open("rb") as handle:
        return tagged(tomllib.load(handle))


VALID = sorted(FIXTURES.glob("valid/*.toml"))
INVALID = sorted(FIXTURES.glob("invalid/*.toml"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_expected_values_are_what_tomllib_reads(path):
    expected = json.loads(path.with_suffix(".json").read_text())
    assert expected == oracle(path), f"{path.with_suffix('.json')} is stale: run python3 {Path(__file__).relative_to(ROOT)}"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixtures_are_invalid_for_tomllib_too(path):
    assert path.with_suffix(".where").read_text().strip().count(":") == 1  # LINE:COLUMN the Swift test expects
    if path.stem in TOMLLIB_ACCEPTS:
        pytest.skip("tomllib accepts integers beyond 64 bits")
    with pytest.raises(tomllib.TOMLDecodeError):
        oracle(path)


def heaplint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # The environment beats the settings file (`make test` sets HEAPLINT_PARSE_TIMEOUT=0): drop the
    # HEAPLINT_* variables so the values read are the file's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEAPLINT_") or k == "HEAPLINT_BIN"}
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_a_pyproject_using_most_of_toml_is_read_and_its_heaplint_table_used(tmp_path):
    (tmp_path / "pyproject.toml").write_text((FIXTURES / "valid" / "pyproject-features.toml").read_text())
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = heaplint(tmp_path, "check", "--show-settings")
    assert proc.returncode == 0, proc.stderr
    assert f"# Settings file: {tmp_path / 'pyproject.toml'}" in proc.stdout
    # The fixture's [tool.heaplint]: select HL1/HL2 minus HL103, a large threshold of 5_000, preview,
    # parse-timeout 2.5 and an inline per-file-ignores table.
    lines = proc.stdout.splitlines()
    for expected in ('select = ["HL1", "HL2"]', 'ignore = ["HL103"]', "large-threshold = 5000", "preview = true",
                     "parse-timeout = 2.5", "[per-file-ignores]", '"tests/*.py" = ["HL101"]'):
        assert expected in lines, (expected, proc.stdout)


def test_invalid_toml_is_an_error_with_file_line_and_column(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.heaplint]\nselect = ["HL1",\n  "HL2" "HL3"]\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = heaplint(tmp_path, "check")
    assert proc.returncode == 2
    assert f"{tmp_path / 'pyproject.toml'}:6:9: not valid TOML: expected `,` or `]` in the array, found `\"`" in proc.stderr, proc.stderr


def test_a_table_defined_twice_is_an_error(tmp_path):
    (tmp_path / "heaplint.toml").write_text('select = ["HL1"]\n[per-file-ignores]\n"a.py" = ["HL101"]\n[per-file-ignores]\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    proc = heaplint(tmp_path, "check")
    assert proc.returncode == 2
    assert f"{tmp_path / 'heaplint.toml'}:4:2: not valid TOML: table `per-file-ignores` is defined twice" in proc.stderr, proc.stderr


if __name__ == "__main__":
    for path in VALID:
        path.with_suffix(".json").write_text(json.dumps(oracle(path), indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {path.with_suffix('.json').relative_to(ROOT)}", file=sys.stderr)
