"""The README's rule table lists exactly the registered rules, so docs cannot drift from the registry."""
import json
import os
import pathlib
import re
import subprocess

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")
README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_readme_rule_table_matches_registry():
    rules = json.loads(subprocess.run([BIN, "rule", "--all", "--output-format", "json"],
                                      capture_output=True, text=True, check=True).stdout)
    rows = dict(re.findall(r"^\| (HL\d{3}) \| ([a-z0-9-]+) \|", README.read_text(), flags=re.M))
    assert rows == {rule["code"]: rule["name"] for rule in rules}
