#!/usr/bin/env python3
"""Issue 28's actionable-findings measurement: default `heaplint check` on six pinned packages the model
was not tuned on, each finding joined with its verdict in actionable_verdicts.tsv.

A verdict row is keyed by package, path (inside site-packages), code and the flagged line's text (so it
survives line shifts); rows sharing a key share one verdict. Verdicts: `actionable` (a real problem a
maintainer would fix), `harmless` (real, but not worth a fix: the "why" says once per process, test
helper, duplicate of another finding's cycle, ...), `false` (no such cycle/problem at run time).

    python3 Tests/precision/actionable_run.py --heaplint .build/debug/heaplint --venv .venv-precision
"""
import argparse
import collections
import csv
import glob
import json
import os
import subprocess
import sys

PACKAGES = ["httpx", "httpcore", "anyio", "paramiko", "textual", "websockets"]
HERE = os.path.dirname(os.path.abspath(__file__))
VERDICTS = os.path.join(HERE, "actionable_verdicts.tsv")


def site_packages(venv):
    found = glob.glob(os.path.join(venv, "lib", "python3*", "site-packages"))
    if not found:
        sys.exit(f"actionable_run: no site-packages under {venv} (run `make precision-packages`)")
    return found[0]


def findings(binary, site, package):
    out = subprocess.run([binary, "check", "--isolated", "--no-cache", "--output-format", "json",
                          os.path.join(site, package)], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"actionable_run: heaplint failed on {package}: {out.stderr.strip()}")
    result = []
    for f in json.loads(out.stdout):
        path = os.path.relpath(f["filename"], site)
        row = f["location"]["row"]
        with open(os.path.join(site, path), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
        text = lines[row - 1].strip() if row <= len(lines) else ""
        result.append((package, path, row, f["code"], text))
    return result


def load_verdicts():
    table = {}
    if os.path.exists(VERDICTS):
        with open(VERDICTS, newline="", encoding="utf-8") as handle:
            for r in csv.DictReader((l for l in handle if not l.startswith("#")), delimiter="\t"):
                table[(r["package"], r["path"], r["code"], r["text"])] = (r["verdict"], r["why"])
    return table


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--heaplint", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--list", action="store_true", help="print every finding with its verdict")
    args = parser.parse_args()
    site = site_packages(args.venv)
    verdicts = load_verdicts()
    counts = collections.OrderedDict((p, collections.Counter()) for p in PACKAGES)
    missing = []
    for package in PACKAGES:
        for key in findings(args.heaplint, site, package):
            package_, path, row, code, text = key
            verdict, why = verdicts.get((package_, path, code, text), ("?", ""))
            counts[package][verdict] += 1
            if verdict == "?":
                missing.append(key)
            if args.list:
                print(f"{verdict}\t{path}:{row}\t{code}\t{text}\t{why}")
    print("| package | default findings | actionable | harmless | false | unclassified | actionable % |")
    print("|---|---|---|---|---|---|---|")
    total = collections.Counter()
    for package, c in counts.items():
        total.update(c)
        n = sum(c.values())
        print(f"| {package} | {n} | {c['actionable']} | {c['harmless']} | {c['false']} | {c['?']} | "
              f"{100 * c['actionable'] / n if n else 0:.1f} % |")
    n = sum(total.values())
    print(f"| **all** | {n} | {total['actionable']} | {total['harmless']} | {total['false']} | {total['?']} | "
          f"{100 * total['actionable'] / n if n else 0:.1f} % |")
    for key in missing:
        print("unclassified:", "\t".join(map(str, key)), file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
