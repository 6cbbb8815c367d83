"""`heaplint verify --output-format sarif` and `--fail-on`: the real binary runs a short script under its
run-time harness; the SARIF log is validated against the SARIF 2.1.0 schema as `check`'s is
(test_sarif_ci.py), and each exit status follows from what the report holds.
"""
import json
import os
import pathlib
import subprocess
import sys

import pytest

from leaking_tree import TREE_AND_NODE

from verify_runs import run_verify, write_sources
BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")
SCHEMA = pathlib.Path(__file__).resolve().parent / "fixtures" / "sarif-2.1.0-rtm.4.json"

TREE = TREE_AND_NODE + """

build()
"""

# setattr with names from a list: the static model does not know which attribute is written, so the
# cycle it makes is runtime-only (HL004).
DYNAMIC = """\


class Box:
    pass


def link(a, b, names):
    for name in names:
        setattr(a, name, b)


def main():
    x = Box()
    y = Box()
    link(x, y, ["peer"])
    link(y, x, ["peer"])


main()
"""


def run(tmp_path, *args, files):
    write_sources(tmp_path, files)
    return run_verify(tmp_path, *args, command=[sys.executable, "run.py"])


def test_sarif_marks_confirmed_runtime_only_and_not_exercised_and_validates(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    proc = run(tmp_path, "--output-format", "sarif", "run.py", "unused.py",
               files={"run.py": TREE + DYNAMIC, "unused.py": TREE.replace("build()\n", "pass\n")})
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)

    (run_,) = log["runs"]
    rules = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    by_kind = {}
    for result in run_["results"]:
        by_kind.setdefault(result["properties"]["verification"], []).append(result)
        assert rules[result["ruleIndex"]] == result["ruleId"]
        assert result["partialFingerprints"]
    assert sorted(by_kind) == ["confirmed", "not-exercised", "runtime-only"]

    (confirmed,) = by_kind["confirmed"]
    assert confirmed["ruleId"] == "HL101"
    assert confirmed["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "run.py", "uriBaseId": "%SRCROOT%"}
    assert confirmed["locations"][0]["physicalLocation"]["region"]["startLine"] == 9
    (cycle,) = confirmed["properties"]["runtimeCycles"]
    assert cycle["summary"] == "Tree.children → list[0] → Node.tree → Tree"

    (missed,) = by_kind["runtime-only"]
    assert missed["ruleId"] == "HL004" and missed["level"] == "warning"
    assert missed["properties"]["summary"] == "Box.peer → Box.peer → Box"
    assert "Box.peer → Box.peer → Box" in missed["message"]["text"]
    location = missed["locations"][0]["physicalLocation"]
    # The first allocation site: `x = Box()` in main(), line 13 of DYNAMIC after the 17 lines of TREE.
    assert location == {"artifactLocation": {"uri": "run.py", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 30}}
    assert {r["physicalLocation"]["region"]["startLine"] for r in missed["relatedLocations"]} >= {30, 31}

    (unused,) = by_kind["not-exercised"]
    assert unused["ruleId"] == "HL101"
    assert unused["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "unused.py"

    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert invocation["properties"]["commandExitCode"] == 0
    assert invocation["properties"]["verified"] == {"confirmed": 1, "runtimeOnly": 1, "notExercised": 1}


# tree.py leaves a cycle `check` finds (confirmed); unused.py has a finding the run never reaches.
@pytest.mark.parametrize("args, status", [
    ((), 1),                                      # default: confirmed,runtime-only
    (("--fail-on", "runtime-only"), 0),           # the confirmed finding alone does not fail
    (("--fail-on", "runtime-only", "--fail-on", "not-exercised"), 1),  # repeated: the union
    (("--fail-on", "none"), 0),
    (("--exit-zero",), 0),
])
def test_fail_on_chooses_what_makes_the_exit_status_one(tmp_path, args, status):
    proc = run(tmp_path, "--output-format", "json", *args, "run.py", "unused.py",
               files={"run.py": TREE, "unused.py": TREE.replace("build()\n", "pass\n")})
    assert proc.returncode == status, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["confirmed"]) == len(report["not_exercised"]) == 1 and report["runtime_only"] == []


def test_exit_zero_does_not_hide_a_failing_command(tmp_path):
    proc = run(tmp_path, "--exit-zero", files={"run.py": "raise SystemExit(3)\n"})
    assert proc.returncode == 2
    assert "the command exited with status 3" in proc.stderr


@pytest.mark.parametrize("value, message", [
    ("bogus", "--fail-on takes confirmed, runtime-only, not-exercised or none, not `bogus`"),
    ("none,confirmed", "--fail-on none cannot be combined with other kinds"),
])
def test_bad_fail_on_is_a_usage_error_before_anything_runs(tmp_path, value, message):
    proc = run(tmp_path, "--fail-on", value, files={"run.py": "open('ran', 'w').close()\n"})
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "ran").exists()


def test_help_documents_fail_on_and_sarif():
    proc = subprocess.run([os.path.abspath(BIN), "verify", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "--fail-on" in proc.stdout and "sarif" in proc.stdout
    assert "--print-harness" not in proc.stdout  # the pytest plugin's, hidden
