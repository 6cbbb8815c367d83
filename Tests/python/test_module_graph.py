"""Every `import` of every Swift target under Sources/ is allowed by docs/modules.md's import graph, and
Package.swift declares what each target imports (issue 16). The graph is written once, in the doc."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "Sources"
DOC = ROOT / "docs" / "modules.md"
PLATFORM = {"FoundationEssentials", "Foundation", "Dispatch", "Glibc", "Darwin"}
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)")


def graph() -> dict[str, list[str]]:
    """The rows of the "Import graph" table, in order: target -> the targets it may import."""
    text = DOC.read_text()
    section = text.split("## Import graph", 1)
    assert len(section) == 2, f"{DOC} has no '## Import graph' section"
    rows: dict[str, list[str]] = {}
    for line in section[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| `") else []
        if len(cells) == 2:
            rows[cells[0].strip("`")] = re.findall(r"`(\w+)`", cells[1])
    assert rows, f"{DOC}'s import graph table is empty"
    return rows


def swift_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import, skipping multi-line string literals (rule examples hold Python)."""
    found, in_string = [], False
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not in_string and (m := IMPORT.match(line)):
            found.append((number, m.group(1)))
        if line.count('"""') % 2:
            in_string = not in_string
    return found


def swift_targets() -> list[Path]:
    return sorted(d for d in SOURCES.iterdir() if d.is_dir() and any(d.rglob("*.swift")))


def test_every_folder_under_sources_is_explained_in_the_doc():
    """A Swift or C target has a row; anything else (the Python build backend) a section of its own."""
    text = DOC.read_text()
    rows = graph()
    for folder in sorted(d.name for d in SOURCES.iterdir() if d.is_dir()):
        assert folder in rows or f"## `Sources/{folder}` is not a target" in text, \
            f"Sources/{folder} is neither in docs/modules.md's import graph nor explained there as not a target"


def test_the_graph_only_points_upwards():
    rows = graph()
    order = list(rows)
    for target, allowed in rows.items():
        external = {"ArgumentParser"}
        for dep in allowed:
            assert dep in external or (dep in rows and order.index(dep) < order.index(target)), \
                f"docs/modules.md: {target} may import {dep}, which is not a target in a row above it"


def test_every_swift_target_has_a_row():
    rows = graph()
    missing = [d.name for d in swift_targets() if d.name not in rows]
    assert not missing, f"Sources/{missing[0]} is a Swift target with no row in docs/modules.md's import graph"


def test_every_import_is_allowed_by_the_graph():
    rows = graph()
    bad = []
    for target in swift_targets():
        allowed = set(rows.get(target.name, [])) | PLATFORM
        for file in sorted(target.rglob("*.swift")):
            for line, module in swift_imports(file):
                if module not in allowed:
                    bad.append(f"{file.relative_to(ROOT)}:{line}: {target.name} imports {module}; "
                               f"docs/modules.md allows {', '.join(sorted(rows.get(target.name, []))) or 'nothing'}")
    assert not bad, "imports outside the graph:\n" + "\n".join(bad)


def test_the_import_scanner_sees_scoped_and_exported_imports_but_not_python_in_strings(tmp_path):
    sample = tmp_path / "Sample.swift"
    sample.write_text('@_exported import struct HeapRules.Finding\nimport Foundation\n'
                      'let example = """\n    import gc\n    """\n#if canImport(Glibc)\nimport Glibc\n#endif\n')
    assert swift_imports(sample) == [(1, "HeapRules"), (2, "Foundation"), (7, "Glibc")]


@pytest.mark.skipif(shutil.which("swift") is None, reason="swift is not installed")
def test_package_swift_declares_the_graph():
    """Each target's declared dependencies are allowed by the graph, and cover what its files import (SwiftPM
    lets a target import an undeclared module that happens to be built first; the graph should not)."""
    proc = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rows = graph()
    problems = []
    for target in json.loads(proc.stdout)["targets"]:
        if target["type"] == "test" or target["name"] not in rows:
            continue
        declared = set()
        for dep in target["dependencies"]:
            kind, value = next(iter(dep.items()))
            declared.add(value[0])
        allowed = set(rows[target["name"]])
        if extra := declared - allowed:
            problems.append(f"Package.swift: {target['name']} depends on {sorted(extra)}, not in docs/modules.md")
        directory = SOURCES / target["name"]
        imported = {m for f in directory.rglob("*.swift") for _, m in swift_imports(f)} - PLATFORM
        if undeclared := imported - declared:
            problems.append(f"Package.swift: {target['name']} imports {sorted(undeclared)} without declaring them")
    assert not problems, "\n".join(problems)
