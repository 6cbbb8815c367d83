# HL103 fixture: exceptions, tracebacks and frames kept in their own frame.
import inspect
import logging
import sys


def first_error(lines):
    error = None
    for line in lines:
        try:
            int(line)
        except ValueError as exc:
            error = exc  # expect: HL103
    return error


def collect_errors(values):
    errors = []
    for value in values:
        try:
            float(value)
        except ValueError as exc:
            errors.append(exc)  # expect: HL103
    return errors


def describe_failure(task):
    try:
        task()
    except Exception:
        info = sys.exc_info()  # expect: HL103
        return str(info[1])


def frame_name():
    frame = inspect.currentframe()  # expect: HL103
    return frame.f_code.co_name


def tb_lines():
    try:
        {}["x"]
    except KeyError as e:
        tb = e.__traceback__  # expect: HL103
        return tb.tb_lineno


# Hard negatives -----------------------------------------------------------

def released(lines):
    error = None
    try:
        for line in lines:
            try:
                int(line)
            except ValueError as exc:
                error = exc
        return error is not None
    finally:
        error = None


def message_only(text):
    message = None
    try:
        int(text)
    except ValueError as exc:
        message = str(exc)
    return message


def used_in_block(text):
    try:
        return int(text)
    except ValueError as exc:
        logging.getLogger(__name__).warning("bad: %s", exc)
        return None


def frame_deleted():
    frame = inspect.currentframe()
    try:
        return frame.f_code.co_name
    finally:
        del frame


def type_only(task):
    try:
        task()
    except Exception:
        kind = sys.exc_info()[0]
        return kind


def caller():
    return sys._getframe(1).f_code.co_name


def walk_back():
    f = sys._getframe()
    while f := f.f_back:
        pass
    return f


last_error = None


def module_level_store(text):
    global last_error
    try:
        int(text)
    except ValueError as exc:
        last_error = exc
