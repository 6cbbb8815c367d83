"""HL302 fixture: loops over lists built only for the loop."""
N = 10**6


def scan(path):
    with open(path) as fh:
        for line in fh.readlines():  # expect: HL302
            print(line)


def indices(n):
    for i in list(range(n)):  # size unknown (a parameter): HL302_preview.py
        print(i)


for k in list(range(N)):  # expect: HL302
    pass

for v in [x * 2 for x in range(N)]:  # expect: HL302
    print(v)

# Hard negatives.
for k in list(range(10)):
    pass

for name in ["a", "b"]:
    print(name)


def prune(tree):
    for child in [c for c in tree.children if c.dead]:
        tree.children.remove(child)


def snapshot(d):
    for key in list(d):
        del d[key]


def head(fh):
    for line in fh.readlines(1024):
        print(line)


async def stream(src):
    async for item in src:
        print(item)
