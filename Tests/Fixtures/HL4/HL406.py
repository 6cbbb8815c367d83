"""HL406 fixture: large data built at import time."""
import json

N = 2_000_000
TABLE = [i % 7 for i in range(N)]  # expect: HL406
CONFIG = json.load(open("config.json"))  # expect: HL406
LINES = open("big.txt").read().splitlines()  # expect: HL406

SMALL = [i * 2 for i in range(256)]
LAZY = (i for i in range(N))
NAMES = [n.lower() for n in CONFIG]


def build():
    return [i for i in range(N)]


if __name__ == "__main__":
    DATA = open("input.txt").read()
