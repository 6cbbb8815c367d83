"""`heaplint check --ignore-noqa` reports findings whatever `# noqa` comments say (as ruff's flag does):
a line-level and a file-level suppression stop hiding their finding, HL002 (unused suppression) is not
reported, and the cache never answers one mode with the other's results."""
import json
import os
import subprocess

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

CYCLE = (
    "class Node:\n"
    "    def __init__(self, parent):\n"
    "        self.parent = parent\n"
    "        parent.child = self  # noqa: HL101\n"
)
STALE = "x = 1  # noqa: HL101\n"
WHOLE_FILE = "# heaplint: noqa\n" + CYCLE.replace("  # noqa: HL101", "")


def check(cwd, *args):
    result = subprocess.run([BIN, "check", "--output-format", "json", "--select", "HL1,HL002", *args],
                            cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return sorted((d["filename"].rsplit("/", 1)[-1], d["code"]) for d in json.loads(result.stdout))


def test_suppressed_findings_come_back_and_unused_suppressions_are_not_reported(tmp_path):
    (tmp_path / "line.py").write_text(CYCLE)
    (tmp_path / "stale.py").write_text(STALE)
    (tmp_path / "whole.py").write_text(WHOLE_FILE)
    assert check(tmp_path, "--no-cache") == [("stale.py", "HL002")]
    shown = check(tmp_path, "--no-cache", "--ignore-noqa")
    assert ("line.py", "HL101") in shown and ("whole.py", "HL101") in shown
    assert not any(code == "HL002" for _, code in shown)


def test_the_cache_keeps_the_two_modes_apart(tmp_path):
    (tmp_path / "line.py").write_text(CYCLE)
    assert check(tmp_path) == []
    assert ("line.py", "HL101") in check(tmp_path, "--ignore-noqa")
    assert check(tmp_path) == []
