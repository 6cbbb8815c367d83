"""The cycle census (Tests/census/, issue 25), offline: `make census` needs PyPI and minutes per package,
so `make test` checks only that

(a) the committed census.jsonl and runs.json are well formed and agree with packages.txt (≥ 8 pinned
    packages, none of them measured elsewhere), and every recorded site is package code, not tests;
(b) census.py's grouping keeps cycles by the package lines that allocated their objects and drops the
    ones made only by test code, on a synthetic `heaplint verify` report;
(c) measure.py's matching counts a cycle as found exactly when a finding's location or reference-path
    site names one of its lines, on a synthetic finding and on a real `heaplint check` of a tiny package.
"""
import importlib.util
import json
import os
import pathlib
import sys
import textwrap

import pytest

CENSUS = pathlib.Path(__file__).resolve().parent.parent / "census"
REALWORLD_REQUIREMENTS = CENSUS.parent / "realworld" / "requirements.txt"
BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")


def _load(name):
    # Private module names: Tests/realworld/measure.py is loaded as another `measure` by test_realworld.py.
    sys.path.insert(0, str(CENSUS))  # measure.main imports census
    spec = importlib.util.spec_from_file_location("census_" + name, CENSUS / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


census = _load("census")
measure = _load("measure")
PACKAGES = census.parse_packages((CENSUS / "packages.txt").read_text())
LINES = measure.load_census(CENSUS / "census.jsonl")
RUNS = json.loads((CENSUS / "runs.json").read_text())


def _names(text):
    return {line.split("#")[0].split("==")[0].strip().lower() for line in text.splitlines()
            if line.split("#")[0].strip()}


def test_at_least_eight_pinned_packages_none_measured_elsewhere():
    names = [p["name"].lower() for p in PACKAGES]
    assert len(set(names)) == len(names) >= 8
    assert all(p["version"] and p["version"][0].isdigit() for p in PACKAGES)
    elsewhere = _names(REALWORLD_REQUIREMENTS.read_text()) | {"tornado", "attrs"}
    assert not set(names) & elsewhere


def test_packages_file_errors_name_the_line():
    with pytest.raises(census.CensusError, match=r"packages.txt:2: expected name==version"):
        census.parse_packages("# comment\nh11 source=h11 tests=h11/tests\n")
    with pytest.raises(census.CensusError, match=r"packages.txt:1: unknown field 'color=red'"):
        census.parse_packages("h11==0.16.0 source=h11 tests=h11/tests color=red\n")
    with pytest.raises(census.CensusError, match=r"needs source= and tests="):
        census.parse_packages("h11==0.16.0 source=h11\n")


def test_committed_census_is_well_formed_and_matches_packages_and_runs():
    pinned = {p["name"]: p for p in PACKAGES}
    ran = {r["package"]: r for r in RUNS}
    assert set(ran) <= set(pinned) and len(ran) >= 8
    assert (CENSUS / "census.jsonl").stat().st_size < 512 * 1024  # small enough for the repository
    assert LINES, "the census recorded no cycle at all"
    seen = set()
    for line in LINES:
        assert set(line) == {"package", "version", "sites", "slots", "summary", "types", "tests",
                             "example_test", "through_test_code"}, line
        package = pinned[line["package"]]
        assert line["version"] == package["version"] == ran[line["package"]]["version"]
        assert line["sites"] and line["tests"] >= 1 and isinstance(line["through_test_code"], bool)
        assert all(isinstance(s, str) for s in line["slots"]) and line["example_test"]
        for site in line["sites"]:
            path, number = site["path"], site["line"]
            assert isinstance(number, int) and number > 0
            assert not path.startswith(("/", "..")) and not census.is_test_path(path), site
            assert any(path == s or path.startswith(s.rstrip("/") + "/") for s in package["source"]), site
        key = (line["package"], tuple((s["path"], s["line"]) for s in line["sites"]))
        assert key not in seen, "distinct cycles must be distinct: %r" % (key,)
        seen.add(key)
    for name, run in ran.items():
        recorded = sum(1 for line in LINES if line["package"] == name)
        assert recorded == run["distinct_cycles_recorded"] <= census.MAX_CYCLES_PER_PACKAGE


def _obj(index, kind, *sites, defined_in=None):
    entry = {"index": index, "type": kind, "sites": [{"file": f, "line": n} for f, n in sites]}
    if defined_in:
        entry["defined_in"] = defined_in
    return entry


def test_grouping_keeps_package_cycles_by_their_allocation_lines(tmp_path):
    root = tmp_path / "pkg-1.0"
    for rel in ("src/pkg/tree.py", "src/pkg/tests/test_tree.py", "tests/test_x.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    tree, test_in_pkg, test = (str(root / r) for r in ("src/pkg/tree.py", "src/pkg/tests/test_tree.py",
                                                       "tests/test_x.py"))
    path = [{"from": 0, "via": ".children", "to": 1}, {"from": 1, "via": "[0]", "to": 2},
            {"from": 2, "via": ".parent", "to": 0}]
    # The same package lines from two tests (innermost package frame wins over the test frame behind it),
    # a cycle made by test code only (including test code shipped inside the package) and one through
    # the test's frame.
    made = lambda test_id: {"objects": [_obj(0, "pkg.Node", (tree, 5), (test, 3)), _obj(1, "list", (tree, 6)),
                                        _obj(2, "pkg.Node", (tree, 5), (test, 4))], "path": path,
                            "summary": "Node.children → list[0] → Node.parent → Node", "test": test_id}
    only_tests = {"objects": [_obj(0, "Thing", (test, 9)), _obj(1, "dict", (test_in_pkg, 2))], "path": [],
                  "test": "tests/test_x.py::test_own"}
    through_frame = {"objects": [_obj(0, "frame", (test, 20), defined_in=test),
                                 _obj(1, "pkg.Error", (tree, 30), (test, 20))],
                     "path": [], "test": "tests/test_x.py::test_raises"}
    report = {"confirmed": [{"code": "HL101", "cycles": [made("tests/test_x.py::test_b")]}],
              "runtime_only": [made("tests/test_x.py::test_a"), made("tests/test_x.py::test_a"), only_tests,
                               through_frame]}
    cycles = census.runtime_cycles(report)
    assert len(cycles) == 4  # the repeated test_a cycle (same test, same objects) counted once
    lines, foreign = census.group_cycles("pkg", "1.0", cycles, str(root), ["src/pkg"])
    assert foreign == 1
    by_sites = {tuple((s["path"], s["line"]) for s in line["sites"]): line for line in lines}
    assert set(by_sites) == {(("src/pkg/tree.py", 5), ("src/pkg/tree.py", 6)), (("src/pkg/tree.py", 30),)}
    node = by_sites[(("src/pkg/tree.py", 5), ("src/pkg/tree.py", 6))]
    assert node["tests"] == 2 and node["example_test"] == "tests/test_x.py::test_a"
    assert node["slots"] == [".children", "[0]", ".parent"] and not node["through_test_code"]
    assert by_sites[(("src/pkg/tree.py", 30),)]["through_test_code"]


def _cycle(*sites):
    return {"package": "pkg", "version": "1.0", "sites": [{"path": p, "line": n} for p, n in sites],
            "slots": [".a"], "summary": "A.a → A", "types": ["A"], "tests": 1, "example_test": "t::x",
            "through_test_code": False}


def test_a_finding_matches_by_location_or_reference_path_site(tmp_path):
    root = str(tmp_path)
    finding = {"code": "HL101", "filename": os.path.join(root, "pkg", "tree.py"), "location": {"row": 10},
               "explanation": {"path": [{"location": {"row": 5}}, {"location": None}],
                               "also_closed_at": [{"location": {"row": 40}}]},
               "graph": {"nodes": [{"id": "n0", "label": "A", "allocated": 3}, {"id": "n1", "label": "B"}]}}
    sites = [(finding["code"], measure.finding_sites(finding, root))]
    assert sites[0][1] == {("pkg/tree.py", 10), ("pkg/tree.py", 5), ("pkg/tree.py", 40), ("pkg/tree.py", 3)}
    assert measure.found_by(_cycle(("pkg/tree.py", 3)), sites) == ["HL101"]  # where an object on the path was made
    assert measure.found_by(_cycle(("pkg/tree.py", 10)), sites) == ["HL101"]
    assert measure.found_by(_cycle(("pkg/other.py", 3), ("pkg/tree.py", 5)), sites) == ["HL101"]
    assert measure.found_by(_cycle(("pkg/tree.py", 40)), sites) == ["HL101"]
    assert measure.found_by(_cycle(("pkg/tree.py", 11)), sites) == []  # a neighbouring line is not the site
    assert measure.found_by(_cycle(("pkg/other.py", 10)), sites) == []  # the same line of another file is not
    found = _cycle(("pkg/tree.py", 10))
    missed = dict(_cycle(("pkg/tree.py", 11)), through_test_code=True)
    text = measure.render([found, missed], [{"package": "pkg", "version": "1.0", "pytest_summary": "2 passed"}],
                          {"pkg": [(found, ["HL101"]), (missed, [])]}, {"pkg": [finding]})
    assert "| pkg 1.0 | 2 passed | 2 | 1 | 50 % | 1 | 1 | 100 % | 1 |" in text
    assert "- `pkg/tree.py:11` (through test code): A.a → A — 1 test(s), e.g. `t::x`" in text


TREE = """\
class Node:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)
"""


def test_measure_runs_check_and_finds_a_cycle_of_a_tiny_package(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "tree.py").write_text(textwrap.dedent(TREE))
    findings = measure.check(os.path.abspath(BIN), str(tmp_path), ["pkg"])
    sites = [(f["code"], measure.finding_sites(f, str(tmp_path))) for f in findings]
    assert any(code.startswith("HL1") for code, _ in sites), findings
    # Where CPython allocates the two Nodes' link: the append (line 6) stores the edge that closes it.
    assert measure.found_by(_cycle(("pkg/tree.py", 6)), sites)
    assert not measure.found_by(_cycle(("pkg/tree.py", 1)), sites)


RING = """\
class Link:
    pass

def make_root():
    root = Link()
    root.prev = root.next = root
    return root
"""


def test_a_cycle_reported_where_it_is_closed_is_found_by_where_its_object_was_allocated(tmp_path):
    # cachetools' TTLCache shape: tracemalloc names `root = Link()` (line 5) as the cycle's only site, while
    # the finding goes on the store that closes it (line 6); the reference graph names the allocation line.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "ring.py").write_text(RING)
    findings = measure.check(os.path.abspath(BIN), str(tmp_path), ["pkg"])
    assert [f["location"]["row"] for f in findings if f["code"].startswith("HL1")] == [6], findings
    nodes = [n for f in findings for n in (f.get("graph") or {}).get("nodes", [])]
    assert [n.get("allocated") for n in nodes] == [5], nodes
    sites = [(f["code"], measure.finding_sites(f, str(tmp_path))) for f in findings]
    assert measure.found_by(_cycle(("pkg/ring.py", 5)), sites)
    assert not measure.found_by(_cycle(("pkg/ring.py", 7)), sites)


def test_every_finding_is_joined_with_its_verdict_and_precision_counts_only_classified(tmp_path):
    root = str(tmp_path)
    verdicts = tmp_path / "verdicts.tsv"
    verdicts.write_text("# comment\npackage\tpath\tline\tcode\tverdict\twhy\n"
                        "pkg\tpkg/tree.py\t10\tHL101\ttrue\tcycle seen at run time\n"
                        "pkg\tpkg/tree.py\t20\tHL103\tfalse\tcleared in finally\n")
    table = measure.load_verdicts(str(verdicts))
    assert table[("pkg", "pkg/tree.py", 10, "HL101")] == ("true", "cycle seen at run time")
    findings = [{"code": code, "filename": os.path.join(root, "pkg", "tree.py"), "location": {"row": row}}
                for code, row in (("HL101", 10), ("HL103", 20), ("HL105", 30))]
    keys = [measure.finding_key("pkg", f, root) for f in findings]
    assert keys[0] == ("pkg", "pkg/tree.py", 10, "HL101")
    classified = {"pkg": [(k,) + table.get(k, (None, "not classified")) for k in keys]}
    text = measure.render([], [{"package": "pkg", "version": "1.0", "pytest_summary": "1 passed"}],
                          {"pkg": []}, {"pkg": findings}, classified)
    # The unclassified HL105 is not counted as true or false, but said.
    assert "**1 of 2 true (50 %)**; 1 finding(s) not classified." in text
    assert "| pkg | `pkg/tree.py:20` HL103 | false | cleared in finally |" in text
    assert "| pkg | `pkg/tree.py:30` HL105 | ? | not classified |" in text


def test_a_malformed_verdict_row_names_its_line(tmp_path):
    verdicts = tmp_path / "verdicts.tsv"
    verdicts.write_text("pkg\tpkg/tree.py\t10\tHL101\tmaybe\twhy\n")
    with pytest.raises(SystemExit, match=r"verdicts.tsv:1: expected package, path, line, code, true\|false"):
        measure.load_verdicts(str(verdicts))


def test_committed_verdicts_are_well_formed():
    verdicts = measure.load_verdicts(str(CENSUS / "verdicts.tsv"))
    # A package pinned but commented out (its suite too slow here) may still have its findings classified.
    commented = "\n".join(line.lstrip("# ") for line in (CENSUS / "packages.txt").read_text().splitlines()
                          if line.startswith("# ") and "==" in line.split()[1] and "source=" in line)
    names = {p["name"] for p in PACKAGES + census.parse_packages(commented)}
    assert verdicts and all(key[0] in names and why for key, (_, why) in verdicts.items())


def test_hand_written_notes_survive_regeneration():
    previous = "# old\n\n" + measure.NOTES_START + "\nblinker: found since HL102\n" + measure.NOTES_END + "\n\n## Missed"
    assert measure.kept_notes(previous) == measure.NOTES_START + "\nblinker: found since HL102\n" + \
        measure.NOTES_END + "\n"
    assert measure.kept_notes("# no notes\n") == ""
    assert measure.kept_notes(measure.NOTES_END + " then " + measure.NOTES_START) == ""  # out of order
