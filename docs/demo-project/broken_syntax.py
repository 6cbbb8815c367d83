# HL0 (meta): a syntax error is reported, and the rest of the project is still checked.
def unfinished(:
    pass
