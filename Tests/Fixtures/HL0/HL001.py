# Syntax errors are reported where the parser recovers; the rest of the file is still parsed.
def ok():
    return 1


def broken(:  # expect: HL001
    pass


x = [1, 2  # expect: HL001
