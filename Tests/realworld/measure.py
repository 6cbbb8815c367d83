"""Measure heaplint on the real-world leak pairs and write RESULTS.md.

    HEAPLINT_BIN=.build/debug/heaplint python3 Tests/realworld/measure.py [--output Tests/realworld/RESULTS.md]

For every pair ``<family>/<name>_before.py`` / ``_after.py`` this runs
``$HEAPLINT_BIN check --output-format json --select HL1,HL2 <file>`` and compares the codes it reports
with the ``# expect:`` header of the before file:

* exact hit: the expected code is among the reported ones;
* any hit:   heaplint reported some HL1/HL2 code on the before file (maybe a different one);
* pairs whose expectation is ``HL1xx-new (...)`` have no existing rule: they count for "any hit" only
  and show which patterns need a new rule;
* after files should report nothing; every finding there is counted (the fixed code is clean by the
  CPython oracle, so a finding there is a false positive or a different, unfixed issue).

The script itself asserts nothing: it records the binary measured. ``Tests/python/test_realworld.py`` runs the
same ``measure()`` and holds the numbers to floors (today's recall, the pairs missed today by name).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
CODE = re.compile(r"\bHL\d{3}\b")


@dataclasses.dataclass
class Pair:
    family: str
    name: str
    before: pathlib.Path
    after: pathlib.Path
    headers: dict

    @property
    def expect(self) -> str:
        return self.headers.get("expect", "")

    @property
    def expected_codes(self) -> list[str]:
        """Existing rule codes the before file should get; empty for an HL1xx-new expectation."""
        if "-new" in self.expect:
            return []
        return CODE.findall(self.expect)


def read_headers(path: pathlib.Path) -> dict:
    headers: dict = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        # `# key: value`, or `# key (qualifier): value` -- e.g. `# fix (reduction): ...`
        match = re.match(r"#\s*([a-z]+)(?:\s*\([^)]*\))?:\s*(.*)", line)
        if match:
            key, value = match.groups()
            headers[key] = (headers[key] + " " + value) if key in headers else value
    return headers


def find_pairs(root: pathlib.Path = HERE) -> list[Pair]:
    pairs = []
    for before in sorted(root.glob("HL*/*_before.py")):
        name = before.name[: -len("_before.py")]
        after = before.with_name(name + "_after.py")
        pairs.append(Pair(before.parent.name, name, before, after, read_headers(before)))
    return pairs


def heaplint_codes(binary: str, path: pathlib.Path, preview: bool = False) -> list[str]:
    extra = ["--preview"] if preview else []
    proc = subprocess.run([binary, "check", "--output-format", "json", "--select", "HL1,HL2", *extra, str(path)],
                          capture_output=True, text=True, timeout=120)
    if proc.returncode not in (0, 1):
        raise RuntimeError("heaplint failed on %s (rc=%d): %s" % (path, proc.returncode, proc.stderr[-400:]))
    return sorted(d["code"] for d in json.loads(proc.stdout or "[]"))


def measure(binary: str, pairs: list[Pair], preview: bool = False) -> list[dict]:
    rows = []
    for pair in pairs:
        before = heaplint_codes(binary, pair.before, preview)
        after = heaplint_codes(binary, pair.after, preview)
        expected = pair.expected_codes
        rows.append({
            "family": pair.family, "name": pair.name, "expect": pair.expect,
            "reference": pair.headers.get("reference", ""), "upstream": pair.headers.get("upstream", ""),
            "before": before, "after": after,
            "exact": bool(expected) and any(code in before for code in expected),
            "any": bool(before), "new_rule": not expected,
        })
    return rows


def summary(rows: list[dict]) -> list[dict]:
    out = []
    for family in sorted({row["family"] for row in rows}):
        fam = [row for row in rows if row["family"] == family]
        existing = [row for row in fam if not row["new_rule"]]
        out.append({
            "family": family, "pairs": len(fam), "with_rule": len(existing),
            "exact": sum(row["exact"] for row in existing),
            "any": sum(row["any"] for row in fam),
            "after_files_flagged": sum(bool(row["after"]) for row in fam),
            "after_findings": sum(len(row["after"]) for row in fam),
        })
    return out


def binary_time(binary: str) -> str:
    """When the measured binary was built (the heap model changes daily, so the numbers need a date)."""
    try:
        stamp = os.path.getmtime(binary)
    except OSError:
        return "unknown"
    return datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")


def by_expected(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """Rows grouped by the expected code (HL1xx-new expectations grouped together)."""
    groups: dict = {}
    for row in rows:
        key = "HL1xx-new" if row["new_rule"] else ", ".join(CODE.findall(row["expect"]))
        groups.setdefault(key, []).append(row)
    return sorted(groups.items())


def percent(part: int, whole: int) -> str:
    return "%d/%d (%.0f%%)" % (part, whole, 100.0 * part / whole) if whole else "0/0"


def summary_lines(rows: list[dict]) -> list[str]:
    lines = ["| family | pairs | exact recall (pairs with an existing rule) | any HL1/HL2 finding on before | after files flagged | findings on afters |",
             "|---|---|---|---|---|---|"]
    for s in summary(rows):
        lines.append("| %s | %d | %s | %s | %d | %d |" % (
            s["family"], s["pairs"], percent(s["exact"], s["with_rule"]), percent(s["any"], s["pairs"]),
            s["after_files_flagged"], s["after_findings"]))
    return lines


def render(binary: str, rows: list[dict], preview_rows: list[dict] | None = None) -> str:
    lines = ["# Real-world leak pairs: heaplint measurement", "",
             "Generated by `Tests/realworld/measure.py` with `%s` (modified %s UTC; `--select HL1,HL2`)." % (
                 binary, binary_time(binary)),
             "Regenerate after changing the heap model; `Tests/python/test_realworld.py` asserts these numbers as floors.", "",
             "Three after files keep a true HL103: their upstream fix clears the local on the failure path only, so a",
             "success after an earlier failure returns with that failure in a local (socket_create_connection,",
             "urllib3_create_connection, redis_connect_err; CPython shows the cycle in",
             "`test_realworld.py::test_after_file_cycle_on_the_success_path`, and the after count there leaves them out).", ""]
    lines += summary_lines(rows)
    if preview_rows is not None:
        lines += ["", "With `--preview` (preview rules such as HL107 and HL108 stay off without it):", ""]
        lines += summary_lines(preview_rows)
        rows_for_codes = preview_rows
    else:
        rows_for_codes = rows
    lines += ["", "By expected code (before files%s):" % (", with `--preview`" if preview_rows is not None else ""), "",
              "| expected | pairs | hit | missed pairs |", "|---|---|---|---|"]
    for expect, group in by_expected(rows_for_codes):
        missed = [row["name"] for row in group if not row["exact"]]
        lines.append("| %s | %d | %d | %s |" % (expect, len(group), sum(row["exact"] for row in group), ", ".join(missed) or "-"))
    lines += ["", "Per pair (codes as reported%s):" % (" with `--preview`" if preview_rows is not None else ""), "",
              "| pair | upstream | expect | before: reported | after: reported |", "|---|---|---|---|---|"]
    for row in rows_for_codes:
        mark = "hit" if row["exact"] else ("other" if row["any"] else "miss")
        lines.append("| %s/%s | %s %s | %s | %s (%s) | %s |" % (
            row["family"], row["name"], row["upstream"], row["reference"], row["expect"],
            ", ".join(row["before"]) or "-", mark, ", ".join(row["after"]) or "-"))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of writing markdown")
    args = parser.parse_args(argv)
    pairs = find_pairs()
    rows = measure(args.bin, pairs)
    preview_rows = measure(args.bin, pairs, preview=True)
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary(rows), "preview_summary": summary(preview_rows)}, indent=2))
        return 0
    text = render(args.bin, rows, preview_rows)
    pathlib.Path(args.output).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
