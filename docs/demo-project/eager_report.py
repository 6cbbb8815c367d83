"""Eager materialization (HL3xx): large lists built only to be consumed once."""
import csv

SAMPLES = 10**7


def mean_square():
    # HL301: ~410 MB of ints on CPython 3.11, only to be summed.
    return sum([i * i for i in range(SAMPLES)]) / SAMPLES


def error_lines(path):
    count = 0
    with open(path) as log:
        # HL302: the whole file as a list of lines before the first iteration.
        for line in log.readlines():
            if "ERROR" in line:
                count += 1
    return count


def valid_rows(path):
    with open(path, newline="") as fh:
        # HL303: a list of every valid row, only to count them.
        return len([row for row in csv.reader(fh) if row])
