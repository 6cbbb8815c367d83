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
    ]
}
