"""HL302 with --preview: loops over built lists of unknown size are reported too (opt-in)."""


def indices(n):
    for i in list(range(n)):  # expect: HL302
        print(i)


def walk(entities):
    for e in [x for x in entities if x.ok]:  # expect: HL302
        print(e)
