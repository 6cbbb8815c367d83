"""A rule is one file (issue 29): everything derived from the rule files is what `heaplint-dev register`
writes now (the registry list, docs/rules/, the README rule table), and `heaplint-dev new-rule` writes a
rule skeleton and a fixture and registers the rule. Regenerate with `make register`."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.path.abspath(os.environ.get("HEAPLINT_BIN", ROOT / ".build" / "debug" / "heaplint")))
DEV = Path(os.environ.get("HEAPLINT_DEV_BIN", BIN.parent / "heaplint-dev"))
REGISTRY = "Sources/HeapRules/Registry.generated.swift"
REGENERATE = "run `make register` and commit the result"


def dev(*args, cwd=ROOT):
    assert DEV.is_file(), f"{DEV} is missing: `swift build` builds it (or set HEAPLINT_DEV_BIN)"
    return subprocess.run([str(DEV), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def copy_rules(tmp_path: Path) -> Path:
    """A repository root holding only the rule sources, which is all the registry scan reads."""
    shutil.copytree(ROOT / "Sources" / "HeapRules", tmp_path / "Sources" / "HeapRules")
    return tmp_path


def test_committed_files_are_what_register_writes_now(tmp_path):
    proc = dev("register", "--root", str(ROOT), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    generated = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert REGISTRY in generated and "README.md" in generated and "docs/rules/README.md" in generated
    stale = [path for path in generated if (tmp_path / path).read_text() != (ROOT / path).read_text()]
    assert not stale, f"out of date: {stale}; {REGENERATE}"
    pages = {f"docs/rules/{p.name}" for p in (ROOT / "docs" / "rules").iterdir()}
    orphans = sorted(pages - set(generated))
    assert not orphans, f"docs/rules has pages of no rule: {orphans}; {REGENERATE}"


def test_the_registry_is_every_rule_in_code_order_one_per_line():
    rules = json.loads(subprocess.run([str(BIN), "rule", "--all", "--output-format", "json"],
                                      capture_output=True, text=True, check=True).stdout)
    codes = [r["code"] for r in rules]
    listed = [line.split("// ")[1] for line in (ROOT / REGISTRY).read_text().splitlines() if line.endswith(tuple(codes))]
    assert listed == codes == sorted(codes)
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- rules:begin", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert [line.split(" | ")[0].strip("| ") for line in table.splitlines() if line.startswith("| HL")] == codes


def test_a_rule_file_missing_from_the_registry_is_found_by_the_scan(tmp_path):
    """The check above fails for a rule nobody registered: the scan lists it, the committed file does not."""
    root = copy_rules(tmp_path / "repo")
    source = (root / "Sources/HeapRules/CollectorControl/CollectInLoop.swift").read_text()
    extra = source.replace("struct CollectInLoop: Rule", "struct CollectInLoopAgain: Rule").replace('"HL502"', '"HL503"')
    (root / "Sources/HeapRules/CollectorControl/CollectInLoopAgain.swift").write_text(extra)
    proc = dev("register", "--root", str(root), "--registry-only")
    assert proc.returncode == 0, proc.stderr
    lines = (root / REGISTRY).read_text().splitlines()
    assert lines[-4:-2] == ["        CollectInLoop.self, // HL502", "        CollectInLoopAgain.self, // HL503"]
    # The tool was built from the real list, so rendering pages from it would describe other rules: refused.
    proc = dev("register", "--root", str(root), "--out", str(tmp_path / "out"))
    assert proc.returncode != 0 and "build and run" in proc.stderr


def test_a_merge_conflict_in_the_generated_files_is_settled_by_running_register_again(tmp_path):
    """Two branches that each add a rule conflict inside the README table; the generator rewrites the table
    whole, so its output does not depend on what the conflict left between the markers."""
    root = copy_rules(tmp_path / "repo")
    readme = (ROOT / "README.md").read_text()
    conflicted = readme.replace("| HL502 |", "<<<<<<< HEAD\n| HL503 | mine |\n=======\n| HL503 | theirs |\n>>>>>>> b\n| HL502 |")
    assert conflicted != readme
    (root / "README.md").write_text(conflicted)
    registry = (root / REGISTRY).read_text()
    (root / REGISTRY).write_text(registry.replace("        CollectInLoop.self, // HL502\n", "<<<<<<< HEAD\n=======\n>>>>>>> b\n"))
    proc = dev("register", "--root", str(root), "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "README.md").read_text() == readme
    assert (tmp_path / "out" / REGISTRY).read_text() == registry


def test_two_rules_with_one_code_are_refused(tmp_path):
    root = copy_rules(tmp_path)
    source = (root / "Sources/HeapRules/CollectorControl/CollectInLoop.swift").read_text()
    (root / "Sources/HeapRules/CollectorControl/Twin.swift").write_text(
        source.replace("struct CollectInLoop: Rule", "struct Twin: Rule"))
    proc = dev("register", "--root", str(root), "--registry-only")
    assert proc.returncode != 0
    assert "HL502 is claimed by CollectInLoop" in proc.stderr and "Twin" in proc.stderr


def test_new_rule_writes_the_skeleton_and_the_fixture_and_registers_it(tmp_path):
    root = copy_rules(tmp_path)
    proc = dev("new-rule", "HL109", "GeneratorHoldsSelf", "--family", "reference-cycles", "--root", str(root))
    assert proc.returncode == 0, proc.stderr
    rule = (root / "Sources/HeapRules/ReferenceCycles/GeneratorHoldsSelf.swift").read_text()
    assert "public struct GeneratorHoldsSelf: Rule {" in rule
    assert 'code: "HL109", name: "generator-holds-self", family: .referenceCycles, status: .preview' in rule
    for section in ("whatItFinds:", "whyItMatters:", "example:", "useInstead:", "whenItsFine:",
                    ".triggering(", ".nonTriggering(", "func check(_ context: AnalysisContext) -> [Finding]"):
        assert section in rule
    fixture = (root / "Tests/Fixtures/HL1/HL109.py").read_text()
    assert fixture.startswith("# HL109 generator-holds-self") and "expect: HL109" not in fixture  # empty: no marker
    lines = (root / REGISTRY).read_text().splitlines()
    at = lines.index("        ClassDefinedPerCall.self, // HL108")
    assert lines[at + 1] == "        GeneratorHoldsSelf.self, // HL109"


@pytest.mark.parametrize("args, message", [
    (["HL101", "Another", "--family", "reference-cycles"], "HL101 InstanceAttributeCycle already exists"),
    (["HL110", "FinalizerInCycle", "--family", "reference-cycles"], "already exists"),
    (["HL209", "Misplaced", "--family", "reference-cycles"], "not a reference-cycles code (HL1nn)"),
    (["HL109", "lower_case", "--family", "reference-cycles"], "not an UpperCamelCase type name"),
    (["HL109", "Fine", "--family", "cycles"], "unknown family `cycles`"),
])
def test_new_rule_refuses_what_would_not_register(tmp_path, args, message):
    root = copy_rules(tmp_path)
    before = (root / REGISTRY).read_text()
    proc = dev("new-rule", *args, "--root", str(root))
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr
    assert (root / REGISTRY).read_text() == before


@pytest.mark.skipif(shutil.which("swift") is None, reason="swift is not installed")
def test_heaplint_dev_is_not_a_product_and_dist_builds_only_heaplint():
    proc = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    package = json.loads(proc.stdout)
    assert [p["name"] for p in package["products"]] == ["heaplint"]
    assert any(t["name"] == "heaplint-dev" and t["type"] == "executable" for t in package["targets"])
    dist_binary = (ROOT / "Makefile").read_text().split("\ndist-binary:", 1)[1].split("\n\n", 1)[0]
    assert "--product heaplint " in dist_binary
