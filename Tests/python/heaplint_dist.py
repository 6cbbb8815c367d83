"""Shared by the packaging tests: build the distribution once per test process.

`make dist` is incremental (seconds when nothing changed; a cold release build takes minutes on two
cores), and the result is cached here for the whole pytest session. Set HEAPLINT_DIST_DIR to a folder
that already holds a wheel (and HEAPLINT_DIST_BIN to the matching binary) to skip the build.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION_DIR = ROOT / "Sources" / "HeapDiagnostics"


def source_version() -> str:
    """The version as Sources/HeapDiagnostics writes it (HeapDiagnosticsInfo.version, the one place)."""
    found = [v for path in VERSION_DIR.glob("*.swift")
             for v in re.findall(r'^\s*public static let version = "([^"]+)"\s*$', path.read_text(), re.MULTILINE)]
    assert len(found) == 1, found
    return found[0]


@dataclass(frozen=True)
class Dist:
    binary: Path
    wheel: Path
    sdist: Path | None


@functools.lru_cache(maxsize=None)
def dist() -> Dist:
    out = os.environ.get("HEAPLINT_DIST_DIR")
    if out:
        folder = Path(out)
        binary = Path(os.environ.get("HEAPLINT_DIST_BIN", ROOT / ".build-dist" / "release" / "heaplint"))
    else:
        proc = subprocess.run(["make", "-s", "dist"], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, f"make dist failed:\n{proc.stdout}\n{proc.stderr}"
        folder = ROOT / "dist"
        binary = ROOT / ".build-dist" / "release" / "heaplint"
    wheels = sorted(folder.glob("heaplint-*.whl"))
    sdists = sorted(folder.glob("heaplint-*.tar.gz"))
    assert len(wheels) == 1, wheels
    return Dist(binary=binary, wheel=wheels[0], sdist=sdists[0] if sdists else None)


def rule_examples(binary: Path, code: str) -> list[str]:
    """Triggering example sources of `code` from `heaplint rule CODE --output-format json`."""
    import json
    proc = subprocess.run([str(binary), "rule", code, "--output-format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, f"`heaplint rule {code}` failed: {proc.stderr}"
    doc = json.loads(proc.stdout)
    return [ex["source"] for ex in doc.get("examples", []) if ex.get("triggering")]
