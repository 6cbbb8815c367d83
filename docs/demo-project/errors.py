# HL1 reference cycles: an exception kept in a local of its own frame (HL103).
import sys


def first_bad_line(lines):
    error = None
    for line in lines:
        try:
            int(line)
        except ValueError as exc:
            error = exc
    return error


def describe(task):
    try:
        task()
    except Exception:
        info = sys.exc_info()
        return f"{info[0].__name__}: {info[1]}"
    return "ok"
