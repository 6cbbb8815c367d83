#!/usr/bin/env python3
"""Runs heaplint's HL3xx/HL4xx/HL5xx rules over the pinned real-world packages and the standard library
(issue 14) and prints one line per finding, grouped by corpus: `corpus<TAB>CODE<TAB>path:line:col<TAB>message`.

The packages live in .venv-realworld (`make realworld-venv`). Discovery skips `site-packages` by default,
so the run replaces the exclude list (`--exclude __pycache__`) for the package folders, and keeps the
defaults for the standard library (whose site-packages holds third-party code).
Usage: precision_run.py --heaplint .build/debug/heaplint [--venv .venv-realworld] [--preview] [--stdlib DIR]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import sysconfig

PACKAGES = ["django", "sqlalchemy", "twisted", "tornado", "rich", "celery"]


def run(heaplint, paths, exclude, preview):
    command = [heaplint, "check", "--isolated", "--no-cache", "--output-format", "json-lines", "--exit-zero",
               "--select", "HL3,HL4,HL5"]
    if exclude is not None:
        command += ["--exclude", exclude]
    if preview:
        command.append("--preview")
    result = subprocess.run(command + [str(p) for p in paths], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"heaplint failed ({result.returncode}): {result.stderr[-2000:]}")
    findings = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        findings.append(record)
    return findings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--heaplint", required=True)
    parser.add_argument("--venv", default=".venv-realworld")
    parser.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--preview", action="store_true")
    args = parser.parse_args()
    site = next(pathlib.Path(args.venv).glob("lib/python*/site-packages"), None)
    if site is None:
        sys.exit(f"no site-packages under {args.venv}: run `make realworld-venv` first")
    corpora = [(name, [site / name], "__pycache__") for name in PACKAGES]
    corpora.append(("stdlib", [pathlib.Path(args.stdlib)], None))
    counts = {}
    for name, paths, exclude in corpora:
        for record in run(args.heaplint, paths, exclude, args.preview):
            code = record.get("code")
            location = record.get("location", {})
            path = record.get("filename", "")
            for root in paths:
                prefix = str(root.parent) + "/"
                if path.startswith(prefix):
                    path = path[len(prefix):]
            print(f"{name}\t{code}\t{path}:{location.get('row')}:{location.get('column')}\t{record.get('message')}")
            counts[(name, code[:3])] = counts.get((name, code[:3]), 0) + 1
    for (name, family), count in sorted(counts.items()):
        print(f"# {name} {family}: {count}", file=sys.stderr)


if __name__ == "__main__":
    main()
