"""Rule pages that exist (issue 27): `docs/rules/HLxxx.md` is what the registry generates now, and every
rule link heaplint prints (JSON `url`, SARIF `helpUri`/`informationUri`, rdjson, LSP) points at one of
those pages, under a base URL `rule-url-base` can change."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "docs" / "rules"
BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ROOT / ".build" / "debug" / "heaplint"))
DEFAULT_BASE = "https://github.com/heaplint/heaplint/blob/main/docs/rules/"
REGENERATE = "heaplint rule --all --out-dir docs/rules (or: make rule-pages)"
CYCLE = "class Node:\n    def __init__(self):\n        self.me = self\n"


def run(*args, cwd=ROOT):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def registry():
    proc = run("rule", "--all", "--output-format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_committed_pages_are_what_the_registry_generates(tmp_path):
    proc = run("rule", "--all", "--out-dir", str(tmp_path / "rules"))
    assert proc.returncode == 0, proc.stderr
    generated = {p.name: p.read_text() for p in (tmp_path / "rules").iterdir()}
    committed = {p.name: p.read_text() for p in RULES_DIR.iterdir()} if RULES_DIR.is_dir() else {}
    stale = sorted(name for name in generated.keys() | committed.keys() if generated.get(name) != committed.get(name))
    assert not stale, f"docs/rules differs from the registry in {stale}; regenerate with `{REGENERATE}`"
    assert {f"{r['code']}.md" for r in registry()} | {"README.md"} == set(generated)


def test_a_page_has_the_doc_sections_and_the_examples_the_tests_run():
    rule = next(r for r in registry() if r["code"] == "HL301")
    page = (RULES_DIR / "HL301.md").read_text()
    assert page.startswith(rule["documentation"])  # the same text `heaplint rule HL301` prints
    for section in ("## What it finds", "## Why it matters", "## Use instead", "## Examples from the tests"):
        assert section in page
    for example in rule["examples"]:
        assert example["source"].rstrip("\n") in page
        if example.get("fixed"):
            assert example["fixed"].rstrip("\n") in page
    index = (RULES_DIR / "README.md").read_text()
    assert "[HL301](HL301.md)" in index and rule["summary"] in index


def test_rule_command_urls_name_committed_pages():
    for rule in registry():
        assert rule["url"] == DEFAULT_BASE + rule["code"] + ".md"
        assert (RULES_DIR / f"{rule['code']}.md").is_file()


def check_json(tmp_path, fmt, config=""):
    (tmp_path / "m.py").write_text(CYCLE)
    if config:
        (tmp_path / "heaplint.toml").write_text(config)
    proc = run("check", "--no-cache", "--output-format", fmt, "m.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_outputs_link_the_generated_pages_by_default(tmp_path):
    item = check_json(tmp_path, "json")[0]
    assert item["code"] == "HL101" and item["url"] == DEFAULT_BASE + "HL101.md"
    sarif = check_json(tmp_path, "sarif")
    driver = sarif["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == DEFAULT_BASE + "README.md"
    assert {r["id"]: r["helpUri"] for r in driver["rules"]}["HL101"] == DEFAULT_BASE + "HL101.md"
    rdjson = check_json(tmp_path, "rdjson")
    assert rdjson["diagnostics"][0]["code"]["url"] == DEFAULT_BASE + "HL101.md"
    assert rdjson["source"]["url"] == DEFAULT_BASE + "README.md"


def test_rule_url_base_moves_every_link(tmp_path):
    config = 'rule-url-base = "https://docs.example.org/heaplint/rules"\n'  # no trailing slash: one is added
    item = check_json(tmp_path, "json", config)[0]
    assert item["url"] == "https://docs.example.org/heaplint/rules/HL101.md"
    driver = check_json(tmp_path, "sarif", config)["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://docs.example.org/heaplint/rules/README.md"
    assert all(r["helpUri"].startswith("https://docs.example.org/heaplint/rules/HL") for r in driver["rules"])


def test_rule_url_base_must_be_a_string(tmp_path):
    (tmp_path / "m.py").write_text("x = 1\n")
    (tmp_path / "heaplint.toml").write_text("rule-url-base = 3\n")
    proc = run("check", "--no-cache", "m.py", cwd=tmp_path)
    assert proc.returncode == 2 and "rule-url-base" in proc.stderr


def test_out_dir_refuses_json(tmp_path):
    proc = run("rule", "--all", "--out-dir", str(tmp_path), "--output-format", "json")
    assert proc.returncode == 2 and "--out-dir" in proc.stderr
