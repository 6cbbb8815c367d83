"""HL303 fixture: len() of a built list."""
import csv


def errors(path):
    with open(path) as fh:
        return len([l for l in fh if "ERROR" in l])  # expect: HL303


def active(users):
    return len([u for u in users if u.active])  # size unknown (a parameter): HL303_preview.py


big = len([i for i in range(10**6) if i % 3 == 0])  # expect: HL303
rows = len([r for r in csv.reader(open("x.csv"))])  # expect: HL303

# Hard negatives.
small = len([i for i in range(100) if i % 3 == 0])
vowels = len([c for c in "education" if c in "aeiou"])
distinct = len({w for w in open("w.txt")})


def keep(rows):
    ok = [r for r in rows if r.ok]
    return len(ok), ok


def flags(*bits):
    return len([b for b in bits if b])
