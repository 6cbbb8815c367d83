extension ExceptionStoredOnObject {
    static let examples: [RuleExample] = [
        // One finding per cycle: every clause stores into the same slot of the same frame's `self`, so
        // each call makes one cycle whichever clause ran; the later stores are related locations.
        .triggering("""
            class Parser:
                def __init__(self, feed):
                    self.feed = feed
                    self.error = None

                def parse(self):
                    try:
                        return int(self.feed())
                    except ValueError as exc:
                        ↓self.error = exc
                    except TypeError as exc:
                        self.error = exc
                    except OverflowError as exc:
                        self.error = exc


            for text in ["1", "x", "2"]:
                Parser(lambda: text).parse()

            """),
        // Two slots are two cycles (two objects hold an exception), each reported once.
        .triggering("""
            class Request:
                pass


            class Handshake:
                def __init__(self):
                    self.failure = None

                def accept(self, request, check):
                    try:
                        check(request)
                    except ValueError as exc:
                        ↓request.error = exc
                        ↓self.failure = exc
                    except KeyError as exc:
                        request.error = exc
                        self.failure = exc


            Handshake().accept(Request(), lambda r: {}["k"])

            """),
        .triggering("""
            class Job:
                def __init__(self, work):
                    self.work = work
                    self.error = None

                def run(self):
                    try:
                        self.work()
                    except Exception as exc:
                        ↓self.error = exc


            Job(lambda: 1 / 0).run()

            """),
        .triggering("""
            class Result:
                pass


            def attempt(action):
                result = Result()
                try:
                    result.value = action()
                except ValueError as e:
                    ↓result.error = e
                return result


            attempt(lambda: int("x"))

            """),
        .triggering("""
            import concurrent.futures


            def compute(future, action):
                try:
                    future.set_result(action())
                except Exception as exc:
                    ↓future.set_exception(exc)


            compute(concurrent.futures.Future(), lambda: {}["missing"])

            """),
        .triggering("""
            class Batch:
                def __init__(self):
                    self.failures = []

                def process(self, items):
                    for item in items:
                        try:
                            int(item)
                        except ValueError as exc:
                            ↓self.failures.append(exc)


            Batch().process(["1", "x"])

            """),
        .triggering("""
            import sys


            class Probe:
                def check(self, value):
                    try:
                        int(value)
                    except ValueError:
                        ↓self.last = sys.exc_info()


            Probe().check("x")

            """),
        .triggering("""
            class Connection:
                def __init__(self):
                    self.state = {}

                def open(self, address):
                    try:
                        int(address)
                    except ValueError as exc:
                        failure = exc
                        ↓self.state["failure"] = failure


            Connection().open("host")

            """),
        .triggering("""
            class Raises:
                def __init__(self, expected):
                    self.expected = expected
                    self.exception = None

                def __enter__(self):
                    return self

                def __exit__(self, kind, value, tb):
                    if kind is not None and issubclass(kind, self.expected):
                        ↓self.exception = value
                        return True
                    return False


            def check():
                with Raises(KeyError) as caught:
                    {}["missing"]
                return caught.exception.args


            check()

            """),
        .triggering("""
            import time


            class Strategy:
                def __init__(self):
                    self.history = []

                def open(self, address):
                    try:
                        int(address)
                    except ValueError as exc:
                        ↓self.history.append((time.time(), type(exc), exc))


            Strategy().open("ldap")

            """),
        .nonTriggering("""
            class Raises:
                def __init__(self, expected):
                    self.expected = expected
                    self.kind = None

                def __enter__(self):
                    return self

                def __exit__(self, kind, value, tb):
                    self.kind = kind
                    return kind is not None and issubclass(kind, self.expected)


            def check():
                with Raises(KeyError) as caught:
                    {}["missing"]
                return caught.kind


            check()

            """),
        .nonTriggering("""
            class Raises:
                def __init__(self, expected):
                    self.expected = expected
                    self.exception = None

                def __enter__(self):
                    return self

                def __exit__(self, kind, value, tb):
                    if kind is not None and issubclass(kind, self.expected):
                        self.exception = value
                        return True
                    return False

                def handle(self, action):
                    try:
                        with self:
                            action()
                        return self.exception
                    finally:
                        self = None


            Raises(KeyError).handle(lambda: {}["missing"])

            """),
        .nonTriggering("""
            class Queue:
                def __init__(self):
                    self._exception = None

                def set_exception(self, exc):
                    self._exception = exc

                def feed_eof(self):
                    self._exception = None


            class Protocol:
                def __init__(self):
                    self.payload = Queue()

                def data_received(self, data):
                    try:
                        data.decode("ascii")
                    except UnicodeDecodeError as exc:
                        self.payload.set_exception(exc)

                def connection_lost(self):
                    self.payload.feed_eof()


            protocol = Protocol()
            protocol.data_received(b"\\xff")
            protocol.connection_lost()
            del protocol

            """),
        .nonTriggering("""
            class Environment:
                def __init__(self):
                    self.stack = []


            def evaluate(env, task):
                try:
                    outcome = task()
                except Exception as error:
                    outcome = error
                if isinstance(outcome, Exception):
                    message = str(outcome)
                    del outcome
                    return message
                else:
                    env.stack.append(outcome)


            evaluate(Environment(), lambda: 1 / 0)
            evaluate(Environment(), lambda: 42)

            """),
        .nonTriggering("""
            class Report:
                def __init__(self):
                    self.values = []


            def record(report, task):
                try:
                    value = task()
                except (ValueError, ZeroDivisionError) as error:
                    value = error
                if not isinstance(value, (ValueError, Exception)):
                    report.values.append(value)
                    return True
                text = repr(value)
                del value
                return text


            record(Report(), lambda: 1 / 0)
            record(Report(), lambda: 42)

            """),
        .nonTriggering("""
            import contextlib


            class Connection:
                def __init__(self):
                    self.rollback_exc = None


            CONNECTIONS = {"default": Connection()}


            @contextlib.contextmanager
            def mark_for_rollback(using):
                try:
                    yield
                except Exception as exc:
                    connection = CONNECTIONS[using]
                    connection.rollback_exc = exc
                    raise


            def save(using):
                try:
                    with mark_for_rollback(using):
                        {}["missing"]
                except KeyError:
                    pass


            save("default")

            """),
        .nonTriggering("""
            class Job:
                def __init__(self, work):
                    self.work = work
                    self.error = None

                def run(self):
                    try:
                        self.work()
                    except Exception as exc:
                        self.error = exc.with_traceback(None)


            Job(lambda: 1 / 0).run()

            """),
        .nonTriggering("""
            class Job:
                def __init__(self, work):
                    self.work = work
                    self.message = None

                def run(self):
                    try:
                        self.work()
                    except Exception as exc:
                        self.message = str(exc)


            Job(lambda: 1 / 0).run()

            """),
        .nonTriggering("""
            class Future:
                def __init__(self):
                    self._exception = None

                def set_exception(self, exception):
                    self._exception = exception


            def fail(future):
                future.set_exception(ValueError("no result"))


            fail(Future())

            """),
        .nonTriggering("""
            class Job:
                def run(self, work):
                    try:
                        work()
                    except Exception as exc:
                        exc.__traceback__ = None
                        self.error = exc


            Job().run(lambda: 1 / 0)

            """),
        .nonTriggering("""
            import traceback


            class Job:
                def run(self, work):
                    try:
                        work()
                    except Exception as exc:
                        self.report = traceback.format_exception(exc)
                        self.kind = type(exc)


            Job().run(lambda: 1 / 0)

            """),
        .nonTriggering("""
            class Job:
                def run(self, work):
                    try:
                        try:
                            work()
                        except Exception as exc:
                            self.error = exc
                            print("failed:", self.error)
                    finally:
                        self.error = None


            Job().run(lambda: 1 / 0)

            """),
    ]
}
