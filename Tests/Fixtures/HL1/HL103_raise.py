# HL103 fixture, second part: exceptions raised while a local of the raising frame still holds them.
import sys


def reraise(tp, value, tb=None):
    # The shape of six.reraise before it released its arguments.
    if value.__traceback__ is not tb:
        raise value.with_traceback(tb)  # expect: HL103
    raise value  # expect: HL103


def reraise_released(tp, value, tb=None):
    try:
        if value.__traceback__ is not tb:
            raise value.with_traceback(tb)
        raise value
    finally:
        value = None
        tb = None


def create_connection(addresses, connect):
    # asyncio's create_connection kept every attempt's exception in a list it then raised from.
    exceptions = []
    for address in addresses:
        try:
            return connect(address)
        except OSError as exc:
            exceptions.append(exc)  # expect: HL103
    if len(exceptions) == 1:
        raise exceptions[0]
    raise OSError("all attempts failed: " + ", ".join(str(exc) for exc in exceptions))


def create_connection_fixed(addresses, connect):
    exceptions = []
    try:
        for address in addresses:
            try:
                return connect(address)
            except OSError as exc:
                exceptions.append(exc)
        if len(exceptions) == 1:
            raise exceptions[0]
        raise OSError("all attempts failed")
    finally:
        exceptions = None


class Future:
    def __init__(self):
        self._exception = None
        self._result = None

    def set_exception(self, exception):
        self._exception = exception

    def result(self):
        if self._exception is not None:
            raise self._exception  # expect: HL103
        return self._result

    def exception_class(self):
        raise self.error_class("no result")


class Lookup:
    # Class attributes holding classes: `raise self.underflow_exception` makes a new instance.
    underflow_exception = LookupError
    overflow_exception = OverflowError

    def check(self, value):
        if value < 0:
            raise self.underflow_exception
        if value > 10:
            raise self.overflow_exception


class Preset:
    failure = RuntimeError("preset")

    def run(self):
        raise self.failure  # expect: HL103


def retry(action, attempts):
    error = None
    for _ in range(attempts):
        result = action()
        if result is not None:
            return result
        error = TimeoutError("no answer")
    raise error  # expect: HL103


def fail(message, error_type=ValueError):
    raise error_type(message)


def fail_class(kind):
    klass = LookupError if kind == "lookup" else ValueError
    raise klass


def handler_reraise():
    try:
        return int("x")
    except ValueError as exc:
        raise exc


def info_kind():
    kind = sys.exc_info()[0]
    if kind is not None:
        raise kind
