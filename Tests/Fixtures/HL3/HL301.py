"""HL301 fixture: large or unbounded lists handed to one-pass consumers, and hard negatives."""
import csv
import heapq
import statistics
import sys
from collections import Counter as Tally

SAMPLES = 2_000_000
SMALL = 50


def totals(path):
    with open(path) as fh:
        total = sum([len(line) for line in fh])  # expect: HL301
    return total


def stats(rows):
    # `rows` is a parameter: its size is unknown, reported only in preview (HL301_preview.py).
    mean = statistics.mean([r.value for r in rows])
    top = heapq.nlargest(5, [r.value for r in rows])
    return mean, top


squares = sum([i * i for i in range(SAMPLES)])  # expect: HL301
cubes = max([i ** 3 for i in range(SAMPLES // 2)], default=0)  # expect: HL301
flags = any([row[0] == "x" for row in csv.reader(open("f.csv"))])  # expect: HL301
counts = Tally([w for w in open("words.txt")])  # expect: HL301
unique = set({x % 7 for x in range(10**5)})  # expect: HL301

# Hard negatives: small literal sizes, generators already, join, sets with different meaning.
tiny = sum([i for i in range(SMALL)])
few = max([len(s) for s in ("a", "bb", "ccc")])
lazy = sum(x for x in range(SAMPLES))
joined = ",".join([str(i) for i in range(SAMPLES)])
distinct_sum = sum({x % 7 for x in range(SAMPLES)})
kept = [i for i in range(SAMPLES)]
total_kept = sum(kept)
argv_sum = sum([len(a) for a in sys.argv])


def count_args(*args):
    return sum([1 for a in args if a])


def shadowed(rows):
    def sum(values):
        return 0
    return sum([r for r in rows])
