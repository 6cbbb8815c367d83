#!/usr/bin/env python3
"""List every HL1xx/HL2xx finding (preview rules included) on the precision corpora, one TSV row each:
corpus, path, line, code, the flagged source line, and the verdict recorded in hl12_verdicts.tsv (or
`?` when none is recorded yet). `--markdown` prints the table and counts for docs/precision-report.md.

Corpora: this machine's CPython standard library and the pinned packages of `make realworld-venv`
(django, SQLAlchemy, Twisted, tornado, rich, celery), each without its test directories.
"""
import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import sysconfig

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VERDICTS = os.path.join(HERE, "hl12_verdicts.tsv")
PACKAGES = ["django", "sqlalchemy", "twisted", "tornado", "rich", "celery"]
EXCLUDES = "test,tests,idle_test,testing,__pycache__"


def corpora():
    stdlib = sysconfig.get_paths()["stdlib"]
    yield "stdlib", stdlib
    venv = os.path.join(ROOT, ".venv-realworld", "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
    for name in PACKAGES:
        path = os.path.join(venv, name)
        if os.path.isdir(path):
            yield name, path


def findings(binary):
    for corpus, path in corpora():
        # The packages live under site-packages, which the default excludes skip: their runs replace the
        # excludes; the standard library's extend them (its own site-packages stays out).
        option = "--extend-exclude" if corpus == "stdlib" else "--exclude"
        proc = subprocess.run([binary, "check", "--isolated", "--no-cache", "--preview", "--select", "HL1,HL2",
                               option, EXCLUDES, "--output-format", "json", path],
                              capture_output=True, text=True)
        for item in json.loads(proc.stdout or "[]"):
            relative = os.path.relpath(item["filename"], path)
            row = item["location"]["row"]
            try:
                with open(item["filename"], encoding="utf-8", errors="replace") as handle:
                    text = handle.read().splitlines()[row - 1].strip()
            except (OSError, IndexError):
                text = ""
            yield corpus, relative, row, item["code"], text


def load_verdicts():
    verdicts = {}
    if os.path.exists(VERDICTS):
        with open(VERDICTS, newline="") as handle:
            for record in csv.reader(handle, delimiter="\t"):
                if record and not record[0].startswith("#"):
                    corpus, path, code, text, verdict, why = record
                    verdicts[(corpus, path, code, text)] = (verdict, why)
    return verdicts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--heaplint", default=os.path.join(ROOT, ".build/release/heaplint"))
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    verdicts = load_verdicts()
    rows = [(c, p, r, code, t) + verdicts.get((c, p, code, t), ("?", "")) for c, p, r, code, t in findings(args.heaplint)]
    if not args.markdown:
        writer = csv.writer(sys.stdout, delimiter="\t")
        for row in rows:
            writer.writerow(row)
        return
    by_family = collections.Counter()
    true_by = collections.Counter()
    per_rule = collections.defaultdict(collections.Counter)
    for c, p, r, code, t, verdict, why in rows:
        corpus = "stdlib" if c == "stdlib" else "packages"
        by_family[corpus] += 1
        per_rule[code][verdict] += 1
        if verdict == "true":
            true_by[corpus] += 1
    print("| corpus | findings | true | precision |\n|---|---|---|---|")
    for corpus in ("stdlib", "packages"):
        n = by_family[corpus]
        print("| %s | %d | %d | %s |" % (corpus, n, true_by[corpus], "%.1f %%" % (100 * true_by[corpus] / n) if n else "-"))
    print()
    print("| rule | true | false | unclassified |\n|---|---|---|---|")
    for code in sorted(per_rule):
        counts = per_rule[code]
        print("| %s | %d | %d | %d |" % (code, counts["true"], counts["false"], counts["?"]))
    print()
    print("| corpus | location | code | verdict | why |\n|---|---|---|---|---|")
    for c, p, r, code, t, verdict, why in rows:
        print("| %s | `%s:%d` | %s | %s | %s |" % (c, p, r, code, verdict, why.replace("|", "\\|")))


if __name__ == "__main__":
    main()
