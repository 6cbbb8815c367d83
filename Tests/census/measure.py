"""Recall of `heaplint check` on the cycle census (issue 25).

Runs `heaplint check --output-format json` (default rules, no preview) on each census package's own
source, as census.py extracted it under .census/src/, and counts a census cycle as found when a finding's
location, a step of its reference path, or one of its "also closed at" sites names one of the cycle's
sites, or its reference graph says an object on the path was allocated at one of them (a node's
`allocated` line): the same file (relative to the sdist root) and one of the cycle's site lines. Writes
Tests/census/RESULTS.md. Offline once census.py has run (it reads the extracted sdists).
"""
import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def load_census(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def relative_filename(finding, root):
    """The finding's file relative to the sdist root (`src/blinker/base.py`)."""
    filename = finding.get("filename", "")
    relative = os.path.relpath(os.path.realpath(filename), os.path.realpath(root)) if os.path.isabs(filename) \
        else filename
    return relative.replace(os.sep, "/")


def load_verdicts(path):
    """verdicts.tsv -> {(package, path, line, code): (verdict, why)}. Each row is one finding read in its
    source (and, where doubtful, reduced and run under CPython): `true` when the reference cycle (or growth)
    it names happens at run time, `false` when it does not."""
    verdicts = {}
    if not os.path.exists(path):
        return verdicts
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            if not raw.strip() or raw.startswith("#") or raw.startswith("package\t"):
                continue
            fields = raw.rstrip("\n").split("\t")
            if len(fields) != 6 or fields[4] not in ("true", "false") or not fields[2].isdigit():
                raise SystemExit("%s:%d: expected package, path, line, code, true|false, why (tab-separated)"
                                 % (path, number))
            package, relative, line, code, verdict, why = fields
            verdicts[(package, relative, int(line), code)] = (verdict, why)
    return verdicts


def finding_key(package, finding, root):
    return (package, relative_filename(finding, root), finding.get("location", {}).get("row"), finding.get("code"))


def finding_sites(finding, root):
    """The (path relative to `root`, line) pairs a `heaplint check` JSON finding names: its location, its
    reference path's steps, its "also closed at" sites and the lines its reference graph says allocated
    the objects on the path (`allocated` of a node: where the model saw `Link()` or `[]` make it, the line
    tracemalloc names), all in the finding's file."""
    relative = relative_filename(finding, root)
    rows = {finding.get("location", {}).get("row")}
    explanation = finding.get("explanation") or {}
    for step in explanation.get("path") or []:
        if isinstance(step.get("location"), dict):
            rows.add(step["location"].get("row"))
    for other in explanation.get("also_closed_at") or []:
        if isinstance(other.get("location"), dict):
            rows.add(other["location"].get("row"))
    for node in (finding.get("graph") or {}).get("nodes") or []:
        rows.add(node.get("allocated"))
    return {(relative, row) for row in rows if isinstance(row, int)}


def found_by(cycle, findings_sites):
    """The codes of the findings (given as [(code, sites)]) that name one of the cycle's sites."""
    wanted = {(s["path"], s["line"]) for s in cycle["sites"]}
    return sorted({code for code, sites in findings_sites if sites & wanted})


def sdist_root(work, name, version):
    wanted = (name + "-" + version).lower().replace("_", "-")
    src = os.path.join(work, "src")
    for entry in sorted(os.listdir(src)) if os.path.isdir(src) else []:
        if entry.lower().replace("_", "-") == wanted:
            return os.path.join(src, entry)
    return None


def check(heaplint, root, sources):
    proc = subprocess.run([heaplint, "check", "--isolated", "--output-format", "json", "--no-cache"] + sources,
                          capture_output=True, text=True, cwd=root, timeout=1800)
    if proc.returncode not in (0, 1):
        raise SystemExit("heaplint check failed in %s (exit %d):\n%s" % (root, proc.returncode, proc.stderr[-2000:]))
    return json.loads(proc.stdout)


def site_text(cycle):
    return ", ".join("%s:%d" % (s["path"], s["line"]) for s in cycle["sites"])


NOTES_START, NOTES_END = "<!-- notes: kept by measure.py -->", "<!-- /notes -->"


def kept_notes(previous):
    """The hand-written block of the previous RESULTS.md (what changed since the last measurement and why),
    carried over when the file is regenerated; empty when there is none."""
    start, end = previous.find(NOTES_START), previous.find(NOTES_END)
    if start < 0 or end < start:
        return ""
    return previous[start:end + len(NOTES_END)] + "\n"


def render(census, runs, results, findings_by_package, classified=None):
    """RESULTS.md from the census lines, the census runs, {package: [(cycle, codes)]},
    {package: [finding]} and {package: [(key, verdict or None, why)]} (each finding joined with verdicts.tsv)."""
    classified = classified or {}
    out = ["# Cycle census: recall of `heaplint check` (issue 25)", "",
           "Generated by `make census` (Tests/census/census.py, then measure.py); do not edit by hand.",
           "A distinct cycle is the set of package source lines that allocated its objects (the innermost",
           "package frame of each object's tracemalloc traceback), from the packages' own test suites run under",
           "`heaplint verify`. It is **found** when a `heaplint check` finding (default rules, no preview) names",
           "one of those lines: its location, a reference-path step, an also-closed-at site or the allocation",
           "line of an object on its reference path (`allocated` of a graph node).",
           "\"Package-only\" leaves out the cycles that run through test code or pytest objects (for example",
           "`excinfo` of `pytest.raises` holding a traceback back to the test's own frame).", "",
           "| package | tests run | distinct cycles | found | recall | package-only cycles | found | recall | findings |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    totals = collections.Counter()
    run_by = {r["package"]: r for r in runs}

    def pct(a, b):
        return "%.0f %%" % (100.0 * a / b) if b else "–"

    for package in sorted(results, key=lambda p: [r["package"] for r in runs].index(p)
                          if p in run_by else 99):
        items = results[package]
        found = sum(1 for _, codes in items if codes)
        own = [(c, codes) for c, codes in items if not c.get("through_test_code")]
        own_found = sum(1 for _, codes in own if codes)
        run = run_by.get(package, {})
        nfind = len(findings_by_package.get(package, []))
        out.append("| %s %s | %s | %d | %d | %s | %d | %d | %s | %d |" % (
            package, run.get("version", ""), run.get("pytest_summary", "?"), len(items), found,
            pct(found, len(items)), len(own), own_found, pct(own_found, len(own)), nfind))
        totals.update(all=len(items), found=found, own=len(own), own_found=own_found, findings=nfind)
    out.append("| **total** | | %d | %d | **%s** | %d | %d | **%s** | %d |" % (
        totals["all"], totals["found"], pct(totals["found"], totals["all"]), totals["own"],
        totals["own_found"], pct(totals["own_found"], totals["own"]), totals["findings"]))
    out += ["", "Target (issue 25): ≥ 60 % of the distinct cycles made by package code found.", ""]

    out += ["## Missed cycles", ""]
    for package, items in results.items():
        missed = [c for c, codes in items if not codes]
        if not missed:
            continue
        out += ["### %s" % package, ""]
        for cycle in missed:
            mark = " (through test code)" if cycle.get("through_test_code") else ""
            out.append("- `%s`%s: %s — %d test(s), e.g. `%s`" % (
                site_text(cycle), mark, cycle.get("summary") or " ".join(cycle["slots"]), cycle["tests"],
                cycle["example_test"]))
        out.append("")

    out += ["## Found cycles", ""]
    for package, items in results.items():
        for cycle, codes in items:
            if codes:
                out.append("- %s `%s` by %s: %s" % (package, site_text(cycle), ", ".join(codes),
                                                    cycle.get("summary") or " ".join(cycle["slots"])))
    out += ["", "## Findings on these packages (default rules)", "",
            "| package | findings by code |", "|---|---|"]
    for package, findings in findings_by_package.items():
        codes = collections.Counter(f["code"] for f in findings)
        out.append("| %s | %s |" % (package, ", ".join("%s × %d" % kv for kv in sorted(codes.items())) or "none"))
    rows = [row for package in findings_by_package for row in classified.get(package, [])]
    true = sum(1 for _, verdict, _ in rows if verdict == "true")
    judged = sum(1 for _, verdict, _ in rows if verdict)
    out += ["", "## Classification of the findings", "",
            "Each finding read in its source, the doubtful ones reduced and run under CPython (`verdicts.tsv`,",
            "keyed by package, path, line and code; a finding without a row is listed as `?`).", "",
            "Precision (target ≥ 95 %% true): **%d of %d true (%s)**%s." % (
                true, judged, pct(true, judged),
                "; %d finding(s) not classified" % (len(rows) - judged) if judged < len(rows) else ""), "",
            "| package | finding | verdict | why |", "|---|---|---|---|"]
    for package in findings_by_package:
        for (_, path, line, code), verdict, why in classified.get(package, []):
            out.append("| %s | `%s:%s` %s | %s | %s |" % (package, path, line, code, verdict or "?", why))
    out.append("")
    return "\n".join(out) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heaplint", required=True)
    parser.add_argument("--work", default=os.path.join(ROOT, ".census"))
    parser.add_argument("--census", default=os.path.join(HERE, "census.jsonl"))
    parser.add_argument("--runs", default=os.path.join(HERE, "runs.json"))
    parser.add_argument("--packages", default=os.path.join(HERE, "packages.txt"))
    parser.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--verdicts", default=os.path.join(HERE, "verdicts.tsv"))
    args = parser.parse_args(argv)
    sys.path.insert(0, HERE)
    from census import parse_packages

    heaplint = os.path.abspath(args.heaplint)
    census = load_census(args.census)
    with open(args.runs) as f:
        runs = json.load(f)
    with open(args.packages) as f:
        packages = {p["name"]: p for p in parse_packages(f.read())}
    verdicts = load_verdicts(args.verdicts)
    results, findings_by_package, classified = {}, {}, {}
    for run in runs:
        name, version = run["package"], run["version"]
        root = sdist_root(os.path.abspath(args.work), name, version)
        if root is None:
            raise SystemExit("measure: %s==%s is not extracted under %s/src (run census.py first)"
                             % (name, version, args.work))
        findings = check(heaplint, root, packages[name]["source"])
        findings_by_package[name] = findings
        sites = [(f["code"], finding_sites(f, root)) for f in findings]
        results[name] = [(c, found_by(c, sites)) for c in census if c["package"] == name]
        keys = [finding_key(name, f, root) for f in findings]
        classified[name] = [(k,) + verdicts.get(k, (None, "not classified")) for k in keys]
    text = render(census, runs, results, findings_by_package, classified)
    if os.path.exists(args.out):
        with open(args.out) as f:
            notes = kept_notes(f.read())
        if notes:  # after the summary table and its target line, before the per-cycle lists
            marker = "## Missed cycles"
            text = text.replace(marker, notes + "\n" + marker, 1)
    with open(args.out, "w") as f:
        f.write(text)
    total = sum(len(v) for v in results.values())
    found = sum(1 for v in results.values() for _, codes in v if codes)
    print("measure: %d of %d distinct cycles found -> %s" % (found, total, args.out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
