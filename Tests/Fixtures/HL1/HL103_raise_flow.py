# HL103 fixture, third part: raises whose exception a local keeps, followed through the function's control flow.
import typing as t


class BadSignature(Exception):
    def __init__(self, message, payload=None):
        super().__init__(message)
        self.payload = payload


def loads(unsigners, value):
    # itsdangerous 2.2.0 Serializer.loads: the last failure of the loop is raised after it.
    last_exception = None
    for unsign in unsigners:
        try:
            return unsign(value)
        except BadSignature as err:
            last_exception = err  # expect: HL103
    raise t.cast(BadSignature, last_exception)


def unsign_timed(unsign, value):
    # itsdangerous 2.2.0 TimestampSigner.unsign: the caught error is kept and raised later.
    try:
        result = unsign(value)
        sig_error = None
    except BadSignature as e:
        sig_error = e  # expect: HL103
        result = e.payload or b""
    if sig_error is not None:
        raise sig_error
    return result


def made_then_raised(value):
    err = ValueError(value)
    if not value:
        raise err  # expect: HL103
    return value


def raised_and_caught_here(value):
    # Caught by this frame: the traceback still has this frame's entry, and `err` keeps the exception.
    err = ValueError(value)
    try:
        raise err  # expect: HL103
    except ValueError:
        pass
    return value


def released_in_finally(value):
    err = ValueError(value)
    try:
        raise err
    finally:
        err = None


def released_by_catch_all(value):
    err = ValueError(value)
    try:
        raise err
    except BaseException:
        del err
        raise


def rebinding_on_another_branch(actions, debugging):
    # The rebinding in the `else` branch is not on the path of the re-raise.
    if debugging:
        try:
            for action in actions:
                try:
                    action()
                except IndexError as cause:
                    exc = BadSignature("action failed")
                    raise exc from cause  # expect: HL103
        except Exception:
            raise
    else:
        exc = None


def item_of_a_cleared_list(addresses, connect):
    # socket.create_connection: the list the raised item came from is emptied on every way out.
    exceptions = []
    for address in addresses:
        try:
            sock = connect(address)
            exceptions.clear()
            return sock
        except OSError as exc:
            exceptions.append(exc)
    if exceptions:
        try:
            raise exceptions[0]
        finally:
            exceptions.clear()


def alias_raised_in_its_handler(work):
    try:
        work()
    except OSError as error:
        raise error


def raise_fresh_instance(exc):
    # `again` holds the exception's class on every path: raising it makes a new instance no local holds.
    again = type(exc)
    raise again


def raise_rebound_to_instance(message):
    # `error` held a class, then the instance made from it: the instance is raised while `error` keeps it.
    error = ValueError
    error = error(message)
    raise error  # expect: HL103


def raise_class_or_instance(value):
    # Where `value` is shown to be a class, raising it makes a new instance; past the check it may be the
    # caller's instance, which the frame keeps.
    if isinstance(value, type) and issubclass(value, BaseException):
        raise value
    raise value  # expect: HL103
