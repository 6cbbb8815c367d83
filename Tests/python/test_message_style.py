"""One message style over every rule's examples, as a user sees them (issue 27): ruff's sentence case
(first letter upper-case, or a `code span` first), no trailing period, sizes in decimal units written
"B"/"kB"/"MB"/"GB" with a space, and no "`list` hold each other" (a single name takes "holds")."""
import json
import os
import re
import subprocess

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
SIZE = re.compile(r"\d(?:[\d,]*)(?:\.\d+)?\s*(?P<unit>[KkMmGg]i?[Bb]|B|bytes?)\b")
ALLOWED_UNITS = {"B", "kB", "MB", "GB"}


def rule_docs():
    proc = subprocess.run([BIN, "rule", "--all", "--output-format", "json"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def findings(tmp_path, code, source):
    path = tmp_path / f"{code}.py"
    path.write_text(source)
    proc = subprocess.run([BIN, "check", "--no-cache", "--preview", "--select", code, "--output-format", "json",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def size_problems(text):
    return [f"size {m.group(0)!r} is not written as '<n> B|kB|MB|GB'" for m in SIZE.finditer(text)
            if m.group("unit") not in ALLOWED_UNITS or not re.search(r"\d (B|kB|MB|GB)\b", m.group(0))]


def style_problems(message):
    problems = []
    first = message[:1]
    if not (first.isupper() or first == "`"):
        problems.append("does not start with an upper-case letter or a code span")
    if message.endswith("."):
        problems.append("ends with a period")
    problems += size_problems(message)
    if re.search(r"(^|[^,] )`[^`]+` hold\b", message) and not re.search(r"`[^`]+` (and|objects)", message):
        problems.append("a single name with a plural verb")
    if re.search(r"`[^`]+`, `[^`]+` hold\b", message):
        problems.append("a list without 'and'")
    return problems


def test_style_checker_catches_the_slips():
    assert style_problems("builds a list") and style_problems("Cycle found.")
    assert style_problems("Builds a list (~820 KB on CPython 3.11)") and style_problems("Keeps 41MB")
    assert style_problems("`list` hold each other") and style_problems("`dict`, `list` hold each other")
    assert not style_problems("`list` objects hold each other, ~1.2 kB–41 MB and 8 B per item")
    assert not style_problems("`Owner` and `Child` hold each other")


DOCS = rule_docs()


@pytest.mark.parametrize("doc", DOCS, ids=[d["code"] for d in DOCS])
def test_every_example_message_follows_the_style(tmp_path, doc):
    seen = 0
    for example in doc["examples"]:
        if not example["triggering"]:
            continue
        for finding in findings(tmp_path, doc["code"], example["source"]):
            seen += 1
            message = finding["message"]
            assert not style_problems(message), (doc["code"], message, style_problems(message))
            estimate = (finding.get("explanation") or {}).get("estimate")
            if estimate:
                assert not size_problems(estimate["summary"]), (doc["code"], estimate["summary"])
    if any(e["triggering"] for e in doc["examples"]):
        assert seen, f"{doc['code']}: no triggering example reported anything"
