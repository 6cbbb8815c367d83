"""CI-grade output of `heaplint check`: SARIF for code scanning, GitLab Code Quality, reviewdog rdjson and
the GitHub annotation cap.

SARIF is validated against the SARIF 2.1.0 JSON schema with `jsonschema` (installed by `make venv`). The
schema is Tests/python/fixtures/sarif-2.1.0-rtm.4.json, copied unchanged from the sdist of the PyPI
package sarif-om 1.0.4 (MIT; see fixtures/README-sarif-schema.txt). That is the 2.1.0 "rtm.4" draft of
the published schema, the newest one available from a PyPI package here; the final 2.1.0 schema
(rtm.5) differs from it only in details heaplint does not emit.
"""
import json
import os
import pathlib
import subprocess

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
SCHEMA = pathlib.Path(__file__).parent / "fixtures" / "sarif-2.1.0-rtm.4.json"
CYCLE = "class A:\n    def __init__(self):\n        self.me = self\n\na = A()\n"
LIST_SUM = "total = sum([i * i for i in range(10**7)])\n"


def check(cwd, *args):
    proc = subprocess.run([BIN, "check", "--no-cache", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return proc


def sarif(cwd, *args):
    return json.loads(check(cwd, "--output-format", "sarif", *args).stdout)


def results(log):
    return log["runs"][0]["results"]


def fingerprint(result):
    return result["partialFingerprints"]["heaplintFingerprint/v1"]


def explanation_paths(cwd, *args):
    """JSON output: each finding's explanation path (list of steps) by (code, row)."""
    data = json.loads(check(cwd, "--output-format", "json", *args).stdout)
    return {(d["code"], d["location"]["row"]): (d["explanation"] or {}).get("path", []) for d in data}


# ---- SARIF --------------------------------------------------------------------------------

def test_sarif_validates_against_the_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "cyc.py").write_text(CYCLE)
    (tmp_path / "lc.py").write_text(LIST_SUM)
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    (tmp_path / "noqa.py").write_text("x = 1  # noqa: HL101\n")
    log = sarif(tmp_path, "--extend-select", "HL002")
    assert {r["ruleId"] for r in results(log)} >= {"HL001", "HL002", "HL101", "HL301"}
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(log)


def test_sarif_uris_are_relative_to_srcroot(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "cyc.py").write_text(CYCLE)
    run = sarif(tmp_path)["runs"][0]
    root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root == tmp_path.resolve().as_uri() + "/"
    assert run["invocations"][0]["workingDirectory"]["uri"] == root
    assert run["invocations"][0]["executionSuccessful"] is True
    location = results(sarif(tmp_path))[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "pkg/cyc.py", "uriBaseId": "%SRCROOT%"}


def test_sarif_paths_outside_the_working_directory_are_absolute(tmp_path):
    (tmp_path / "cyc.py").write_text(CYCLE)
    (tmp_path / "sub").mkdir()
    result = results(sarif(tmp_path / "sub", "../cyc.py"))[0]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (tmp_path / "cyc.py").resolve().as_uri()}


def test_sarif_rules_metadata(tmp_path):
    (tmp_path / "cyc.py").write_text(CYCLE)
    log = sarif(tmp_path)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    rule_list = json.loads(subprocess.run([BIN, "rule", "--all", "--output-format", "json"],
                                          capture_output=True, text=True, check=True).stdout)
    by_code = {r["code"]: r for r in rule_list} if isinstance(rule_list, list) else {}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"].startswith("# " + rule["id"])
        assert rule["helpUri"].startswith("https://")
        assert rule["properties"]["precision"] in ("high", "medium")
        assert rule["properties"]["problem.severity"] in ("error", "warning", "recommendation")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        status = rule["properties"]["status"]
        assert rule["properties"]["precision"] == ("high" if status == "stable" else "medium")
        if rule["id"] in by_code and "status" in by_code[rule["id"]]:
            assert by_code[rule["id"]]["status"] == status
    # every result points at its rule
    for result in results(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_fingerprints_survive_a_blank_line_above(tmp_path):
    (tmp_path / "cyc.py").write_text(CYCLE)
    before = results(sarif(tmp_path))
    (tmp_path / "cyc.py").write_text("\n\n" + CYCLE)
    after = results(sarif(tmp_path))
    assert [r["ruleId"] for r in before] == [r["ruleId"] for r in after] == ["HL101"]
    moved = after[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert moved == before[0]["locations"][0]["physicalLocation"]["region"]["startLine"] + 2
    assert fingerprint(before[0]) == fingerprint(after[0])


def test_fingerprints_differ_between_findings(tmp_path):
    # Two findings of the same rule on identical lines (occurrence index) and two different rules.
    (tmp_path / "cyc.py").write_text(CYCLE + "\n" + CYCLE.replace("class A", "class B").replace("A()", "B()"))
    (tmp_path / "lc.py").write_text(LIST_SUM)
    found = results(sarif(tmp_path))
    assert len(found) >= 3
    prints = [fingerprint(r) for r in found]
    assert len(set(prints)) == len(prints)
    # and the same file elsewhere gets other fingerprints (the path is part of the hash)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "lc.py").write_text(LIST_SUM)
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: fingerprint(r)
              for r in results(sarif(tmp_path)) if r["ruleId"] == "HL301"}
    assert by_uri["lc.py"] != by_uri["sub/lc.py"]


def test_related_locations_cover_every_path_step_with_a_site(tmp_path):
    (tmp_path / "cyc.py").write_text(CYCLE)
    (tmp_path / "lc.py").write_text(LIST_SUM)
    found = results(sarif(tmp_path))
    paths = explanation_paths(tmp_path)
    checked = 0
    for result in found:
        region = result["locations"][0]["physicalLocation"]["region"]
        steps = paths[(result["ruleId"], region["startLine"])]
        with_site = [s for s in steps if s["location"] is not None]
        related = result.get("relatedLocations", [])
        assert len(related) == len(with_site), result["ruleId"]
        for rel, step in zip(related, with_site):
            assert rel["message"]["text"]
            assert step["via"] in rel["message"]["text"] or step["from"] in rel["message"]["text"]
            rel_region = rel["physicalLocation"]["region"]
            assert (rel_region["startLine"], rel_region["startColumn"]) == \
                (step["location"]["row"], step["location"]["column"])
        checked += len(related)
    assert checked >= 2


def test_sarif_fixes(tmp_path):
    (tmp_path / "lc.py").write_text(LIST_SUM)
    (tmp_path / "noqa.py").write_text("x = 1  # noqa: HL101\n")
    found = {r["ruleId"]: r for r in results(sarif(tmp_path, "--extend-select", "HL002"))}
    for code, path in (("HL301", "lc.py"), ("HL002", "noqa.py")):
        fixes = found[code]["fixes"]
        assert fixes and fixes[0]["description"]["text"]
        change = fixes[0]["artifactChanges"][0]
        assert change["artifactLocation"]["uri"] == path
        assert change["replacements"]
        # Applying the replacements (code-point columns) must give what `--fix --diff` would.
        text = (tmp_path / path).read_text()
        lines = text.splitlines(keepends=True)

        def offset(line, column):
            return sum(len(l) for l in lines[:line - 1]) + column - 1

        for rep in sorted(change["replacements"], key=lambda r: (r["deletedRegion"]["startLine"],
                                                                  r["deletedRegion"]["startColumn"]),
                          reverse=True):
            reg = rep["deletedRegion"]
            start, end = offset(reg["startLine"], reg["startColumn"]), offset(reg["endLine"], reg["endColumn"])
            text = text[:start] + rep["insertedContent"]["text"] + text[end:]
        fixed_dir = tmp_path / ("fixed_" + code)
        fixed_dir.mkdir()
        (fixed_dir / path).write_text((tmp_path / path).read_text())
        subprocess.run([BIN, "check", "--no-cache", "--fix", "--unsafe-fixes", "--select", code, path],
                       cwd=fixed_dir, capture_output=True, timeout=120)
        assert (fixed_dir / path).read_text() == text
    (tmp_path / "cyc.py").write_text(CYCLE)  # no fix for a cycle: no `fixes`
    assert "fixes" not in results(sarif(tmp_path, "--select", "HL101"))[0]


# ---- GitLab and reviewdog -------------------------------------------------------------------

def test_gitlab_code_quality(tmp_path):
    (tmp_path / "cyc.py").write_text(CYCLE)
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    issues = json.loads(check(tmp_path, "--output-format", "gitlab").stdout)
    assert {i["check_name"] for i in issues} == {"HL001", "HL101"}
    for issue in issues:
        assert issue["description"] and issue["fingerprint"]
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] in ("cyc.py", "bad.py")
        assert 1 <= issue["location"]["lines"]["begin"] <= issue["location"]["lines"]["end"]
    by_code = {i["check_name"]: i for i in issues}
    assert by_code["HL101"]["location"]["lines"]["begin"] == 3
    assert by_code["HL001"]["severity"] == "major"  # errors rank above warnings
    assert by_code["HL101"]["severity"] == "minor"
    # the same fingerprint as SARIF, so it is stable the same way
    sarif_prints = {r["ruleId"]: fingerprint(r) for r in results(sarif(tmp_path))}
    assert by_code["HL101"]["fingerprint"] == sarif_prints["HL101"]
    (tmp_path / "cyc.py").write_text("\n" + CYCLE)
    moved = {i["check_name"]: i for i in json.loads(check(tmp_path, "--output-format", "gitlab").stdout)}
    assert moved["HL101"]["fingerprint"] == by_code["HL101"]["fingerprint"]
    assert moved["HL101"]["location"]["lines"]["begin"] == 4


def test_rdjson(tmp_path):
    (tmp_path / "cyc.py").write_text(CYCLE)
    (tmp_path / "lc.py").write_text("é = 1\n" + LIST_SUM)  # a multibyte line above: columns are per line
    (tmp_path / "u.py").write_text("é = sum([i * i for i in range(10**7)])\n")
    data = json.loads(check(tmp_path, "--output-format", "rdjson").stdout)
    assert data["source"]["name"] == "heaplint" and data["source"]["url"]
    diags = data["diagnostics"]
    by = {(d["code"]["value"], d["location"]["path"]): d for d in diags}
    assert set(by) == {("HL101", "cyc.py"), ("HL301", "lc.py"), ("HL301", "u.py")}
    for d in diags:
        assert d["message"] and d["severity"] in ("ERROR", "WARNING", "INFO")
        assert d["code"]["url"].startswith("https://")
        r = d["location"]["range"]
        assert r["start"]["line"] >= 1 and r["start"]["column"] >= 1
    cyc = by[("HL101", "cyc.py")]["location"]["range"]
    assert cyc["start"] == {"line": 3, "column": 9}
    assert "suggestions" not in by[("HL101", "cyc.py")]
    # reviewdog columns are UTF-8 byte counts: `é` is two bytes
    assert by[("HL301", "lc.py")]["location"]["range"]["start"] == {"line": 2, "column": 13}
    assert by[("HL301", "u.py")]["location"]["range"]["start"] == {"line": 1, "column": 10}
    suggestions = by[("HL301", "u.py")]["suggestions"]
    assert suggestions and all("text" in s and s["range"]["start"]["line"] == 1 for s in suggestions)
    # applying the suggestions (byte columns) removes the brackets
    raw = (tmp_path / "u.py").read_bytes()
    for s in sorted(suggestions, key=lambda s: s["range"]["start"]["column"], reverse=True):
        a, b = s["range"]["start"]["column"] - 1, s["range"]["end"]["column"] - 1
        raw = raw[:a] + s["text"].encode() + raw[b:]
    assert raw.decode() == "é = sum(i * i for i in range(10**7))\n"


# ---- GitHub annotation cap ------------------------------------------------------------------

def github(tmp_path):
    return check(tmp_path, "--output-format", "github").stdout.splitlines()


def test_github_cap_summary(tmp_path):
    source = "".join(CYCLE.replace("A", f"A{i}") for i in range(12))
    (tmp_path / "many.py").write_text(source)
    lines = github(tmp_path)
    warnings = [l for l in lines if l.startswith("::warning ")]
    assert len(warnings) == 12  # all still printed
    assert lines[-1].startswith("::notice")
    assert "2 heaplint findings beyond GitHub's cap of 10" in lines[-1]
    assert "sarif" in lines[-1].lower()


def test_github_no_summary_at_or_below_cap(tmp_path):
    source = "".join(CYCLE.replace("A", f"A{i}") for i in range(10))
    (tmp_path / "ten.py").write_text(source)
    lines = github(tmp_path)
    assert len([l for l in lines if l.startswith("::warning ")]) == 10
    assert not any(l.startswith("::notice") for l in lines)


def test_new_formats_in_help():
    out = subprocess.run([BIN, "check", "--help"], capture_output=True, text=True).stdout
    assert "gitlab" in out and "rdjson" in out
