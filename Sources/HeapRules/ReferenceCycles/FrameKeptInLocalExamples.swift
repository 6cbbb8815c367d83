extension FrameKeptInLocal {
    static let examples: [RuleExample] = [
        .triggering("""
            def parse_all(lines):
                error = None
                for line in lines:
                    try:
                        int(line)
                    except ValueError as exc:
                        ↓error = exc
                return error


            parse_all(["1", "x"])

            """),
        .triggering("""
            import sys


            def run(task):
                try:
                    task()
                except Exception:
                    ↓info = sys.exc_info()
                    print("failed:", info[1])


            run(lambda: 1 / 0)

            """),
        .triggering("""
            import sys


            def load(path):
                try:
                    return open(path).read()
                except OSError:
                    ↓kind, value, tb = sys.exc_info()
                    return f"{kind.__name__}: {value}"


            load("/nonexistent/heaplint/file")

            """),
        .triggering("""
            import inspect


            def where():
                ↓frame = inspect.currentframe()
                return frame.f_code.co_name


            where()

            """),
        .triggering("""
            import sys


            def caller_name():
                ↓frame = sys._getframe()
                return frame.f_back.f_code.co_name


            def main():
                return caller_name()


            main()

            """),
        .triggering("""
            import traceback


            def risky():
                try:
                    {}["missing"]
                except KeyError as e:
                    ↓tb = e.__traceback__
                    return traceback.format_tb(tb)


            risky()

            """),
        .triggering("""
            def validate(values):
                errors = []
                for value in values:
                    try:
                        float(value)
                    except ValueError as e:
                        ↓errors.append(e)
                return [str(e) for e in errors]


            validate(["1.5", "abc"])

            """),
        .triggering("""
            import sys


            def check(value):
                try:
                    int(value)
                except ValueError:
                    ↓kind_and_value = sys.exc_info()[:2]
                    return kind_and_value[0].__name__
                return None


            check("x")

            """),
        .triggering("""
            def validate(values):
                problems = [ValueError(value) for value in values if not value.isdigit()]
                if problems:
                    ↓raise problems[0]


            try:
                validate(["1", "x"])
            except ValueError:
                pass

            """),
        .triggering("""
            class ConfigError(Exception):
                pass


            def load(settings):
                error = ConfigError("missing key")
                if "key" not in settings:
                    ↓raise error
                return settings["key"]


            try:
                load({})
            except ConfigError:
                pass

            """),
        .triggering("""
            def refused(address):
                return ConnectionRefusedError("cannot reach " + address)


            def connect(addresses):
                error = None
                for address in addresses:
                    if not address.isdigit():
                        error = refused(address)
                if error is not None:
                    ↓raise error


            try:
                connect(["a", "b"])
            except ConnectionError:
                pass

            """),
        // itsdangerous 2.2.0 `Serializer.loads`: the last failure of a loop kept for a raise after the loop.
        .triggering("""
            class BadSignature(Exception):
                pass


            def unsign(key, value):
                raise BadSignature("signature does not match for key " + key)


            def loads(keys, value):
                last_exception = None
                for key in keys:
                    try:
                        return unsign(key, value)
                    except BadSignature as err:
                        ↓last_exception = err
                raise last_exception


            try:
                loads(["old", "new"], b"payload")
            except BadSignature:
                pass

            """),
        // The rebinding in the `else` branch is not on the path of the raise: the handler re-raises with
        // `exc` still bound.
        .triggering("""
            class ParseError(Exception):
                pass


            def run_actions(actions, debugging):
                if debugging:
                    try:
                        for action in actions:
                            try:
                                action()
                            except IndexError as cause:
                                exc = ParseError("action failed")
                                ↓raise exc from cause
                    except Exception:
                        print("an action failed")
                        raise
                else:
                    exc = None
                    for action in actions:
                        action()


            try:
                run_actions([lambda: [][0]], True)
            except ParseError:
                pass

            """),
        // socket.create_connection: the list the raised item came from is emptied on every way out.
        .nonTriggering("""
            def refuse(address):
                raise ConnectionRefusedError(111, "refused " + address)


            def connect(addresses):
                exceptions = []
                for address in addresses:
                    try:
                        refuse(address)
                    except OSError as exc:
                        exceptions.append(exc)
                if exceptions:
                    try:
                        raise exceptions[0]
                    finally:
                        exceptions.clear()


            try:
                connect(["a", "b"])
            except OSError:
                pass

            """),
        .triggering("""
            def reraise(kind, value, tb):
                ↓raise value.with_traceback(tb)


            def run():
                try:
                    reraise(ValueError, ValueError("bad"), None)
                except ValueError:
                    pass


            run()

            """),
        .triggering("""
            class Outcome:
                def __init__(self):
                    self.error = ValueError("failed")

                def result(self):
                    ↓raise self.error


            try:
                Outcome().result()
            except ValueError:
                pass

            """),
        .triggering("""
            import traceback


            def innermost_line():
                try:
                    int("x")
                except ValueError as e:
                    ↓tb = e.__traceback__
                    while tb.tb_next is not None:
                        tb = tb.tb_next
                    return tb.tb_lineno


            innermost_line()

            """),
        .triggering("""
            class Future:
                def __init__(self):
                    self._exception = None

                def set_exception(self, exc):
                    self._exception = exc

                def exception(self):
                    return self._exception


            def connect(address):
                future = Future()
                future.set_exception(ConnectionRefusedError(address))
                if future.exception() is not None:
                    ↓raise future.exception()
                return future


            try:
                connect("localhost:9")
            except ConnectionError:
                pass

            """),
        .triggering("""
            import concurrent.futures


            def failed_future():
                future = concurrent.futures.Future()
                future.set_exception(ValueError("boom"))
                return future


            def wait_for_result():
                future = failed_future()
                return ↓future.result()


            try:
                wait_for_result()
            except ValueError:
                pass

            """),
        .nonTriggering("""
            import concurrent.futures


            def failed_future():
                future = concurrent.futures.Future()
                future.set_exception(ValueError("boom"))
                return future


            def wait_for_result():
                future = failed_future()
                try:
                    return future.result()
                finally:
                    del future


            def wait_without_a_local():
                return failed_future().result()


            for wait in (wait_for_result, wait_without_a_local):
                try:
                    wait()
                except ValueError:
                    pass

            """),
        .nonTriggering("""
            def connect(addresses):
                last = None
                try:
                    for address in addresses:
                        try:
                            return int(address)
                        except ValueError as exc:
                            last = exc
                    raise last
                finally:
                    last = None


            try:
                connect(["a", "b"])
            except ValueError:
                pass

            """),
        .nonTriggering("""
            class ConfigError(Exception):
                pass


            def load(settings):
                if "key" not in settings:
                    raise ConfigError("missing key") from None
                return settings["key"]


            try:
                load({})
            except ConfigError:
                pass

            """),
        .nonTriggering("""
            def parse(text):
                try:
                    return int(text)
                except ValueError as exc:
                    if not text:
                        raise exc
                    raise


            try:
                parse("x")
            except ValueError:
                pass

            """),
        .nonTriggering("""
            def fail(error_class, message):
                raise error_class(message)


            def check(value, exc_type=ValueError):
                if value < 0:
                    raise exc_type


            for call in (lambda: fail(KeyError, "k"), lambda: check(-1)):
                try:
                    call()
                except (KeyError, ValueError):
                    pass

            """),
        .nonTriggering("""
            def make_error(message):
                return ValueError(message)


            def validate(value):
                if value < 0:
                    raise make_error("negative")
                return value


            try:
                validate(-1)
            except ValueError:
                pass

            """),
        .nonTriggering("""
            def frames_in(error):
                count = 0
                tb = error.__traceback__
                while tb is not None:
                    count += 1
                    tb = tb.tb_next
                return count


            def run():
                try:
                    int("x")
                except ValueError as e:
                    tb = e.__traceback__
                    while tb is not None:
                        tb = tb.tb_next
                    return frames_in(e)


            run()

            """),
        .nonTriggering("""
            def parse(text):
                error = None
                try:
                    try:
                        return int(text)
                    except ValueError as exc:
                        error = exc
                    return str(error)
                finally:
                    error = None


            parse("x")

            """),
        .nonTriggering("""
            def parse(text):
                message = None
                try:
                    int(text)
                except ValueError as exc:
                    message = str(exc)
                return message


            parse("x")

            """),
        .nonTriggering("""
            import logging


            def parse(text):
                try:
                    return int(text)
                except ValueError as exc:
                    logging.getLogger(__name__).debug("bad number: %s", exc)
                    return None


            parse("x")

            """),
        .nonTriggering("""
            import inspect


            def current_function_name():
                frame = inspect.currentframe()
                try:
                    return frame.f_code.co_name
                finally:
                    del frame


            current_function_name()

            """),
        .nonTriggering("""
            import sys


            def failure_kind(task):
                try:
                    task()
                except Exception:
                    kind = sys.exc_info()[0]
                    return kind.__name__
                return None


            failure_kind(lambda: 1 / 0)

            """),
        .nonTriggering("""
            import sys


            def caller_name():
                caller = sys._getframe(1)
                return caller.f_code.co_name


            def main():
                return caller_name()


            main()

            """),
        .triggering("""
            def connect(address):
                if address == "bad":
                    raise ConnectionRefusedError(111, "refused")
                return address


            def first_reachable(addresses):
                err = None
                for address in addresses:
                    try:
                        return connect(address)
                    except OSError as exc:
                        ↓err = exc
                try:
                    raise err
                finally:
                    err = None


            first_reachable(["bad", "good"])

            """),
        .triggering("""
            import inspect


            def origin(from_config):
                ↓frame = inspect.currentframe()
                if from_config:
                    frame = frame.f_back
                return frame.f_code.co_filename


            origin(False)

            """),
        .nonTriggering("""
            def run(task):
                err = None
                try:
                    task()
                except Exception as exc:
                    err = exc
                if err is not None:
                    print("failed:", err)
                    del err


            run(lambda: 1 / 0)

            """),
        .nonTriggering("""
            import inspect


            def caller_file(depth):
                frame = inspect.currentframe()
                for _ in range(depth + 1):
                    frame = frame.f_back
                return frame.f_code.co_filename


            caller_file(0)

            """),
    ]
}
