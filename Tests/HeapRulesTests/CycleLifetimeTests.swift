import Testing
import HeapDiagnostics
import HeapLintKit
import HeapRules
import HeapSemantics
import HeapSyntax

/// The lifetime of each cycle finding, checked on whole programs through the analyzer (every HL1/HL2 rule,
/// preview included): each example must produce at least one cycle finding, and every cycle finding it
/// produces must carry the expected lifetime. Examples marked "looks like" are near misses of another class.
@Suite struct CycleLifetimeTests {
    struct Example: Sendable, CustomStringConvertible {
        let name: String
        let expected: CycleLifetimeClass
        let source: String
        var path: String = "module.py"
        var description: String { name }
    }

    /// Every cycle rule but HL108, whose finding (a class object made per call) is per call by definition
    /// and would sit beside the instance cycles of the "class defined in a function" example.
    static let analyzer = Analyzer(rules: RuleRegistry.all.filter {
        LifetimeGrading.grades(code: $0.metadata.code) && $0.metadata.code != "HL108"
    })

    static let perCall: [Example] = [
        Example(name: "public function", expected: .perCall, source: """
            def build():
                items = []
                items.append(items)
                return items
            """),
        Example(name: "method of a public class", expected: .perCall, source: """
            class Conn:
                def connect(self):
                    self.callback = self.on_data

                def on_data(self):
                    pass
            """),
        Example(name: "helper called from a public function", expected: .perCall, source: """
            def _helper():
                state = {}
                state["self"] = state

            def handle(request):
                _helper()
            """),
        Example(name: "helper called in a loop inside a function", expected: .perCall, source: """
            def _helper():
                state = {}
                state["self"] = state

            def _setup():
                for _ in range(10):
                    _helper()

            _setup()
            """),
        Example(name: "looks once: called at import and also from public API", expected: .perCall, source: """
            def _make():
                state = {}
                state["self"] = state

            _make()

            def reset():
                _make()
            """),
        Example(name: "looks once: cached, but one result per argument", expected: .perCall, source: """
            import functools

            @functools.lru_cache(maxsize=None)
            def table(key):
                state = {"key": key}
                state["self"] = state
                return state
            """),
        Example(name: "recursive function", expected: .perCall, source: """
            def _walk(depth):
                state = {}
                state["self"] = state
                if depth:
                    _walk(depth - 1)

            _walk(3)
            """),
        Example(name: "looks once: `main` that the module calls from a public function", expected: .perCall, source: """
            def main():
                state = {}
                state["self"] = state

            def serve_forever():
                while True:
                    main()
            """),
        Example(name: "looks once: public function called once at import, importers may call it again", expected: .perCall, source: """
            def configure():
                state = {}
                state["self"] = state
                return state

            CONFIG = configure()
            """),
        Example(name: "looks once: a method of an object built once runs per call", expected: .perCall, source: """
            class _App:
                def __init__(self):
                    self.requests = []

                def handle(self):
                    self.current = self.handle

            _app = _App()
            """),
        Example(name: "looks once: public class of a module with a __main__ block", expected: .perInstance, source: """
            class Reader:
                def __init__(self):
                    self.next_chunk = self.read

                def read(self):
                    pass

            def open_reader():
                return Reader()

            if __name__ == "__main__":
                open_reader()
            """),
    ]

    static let perInstance: [Example] = [
        Example(name: "__init__ of a public class", expected: .perInstance, source: """
            class Conn:
                def __init__(self):
                    self.callback = self.on_data

                def on_data(self):
                    pass
            """),
        Example(name: "__post_init__ of a dataclass", expected: .perInstance, source: """
            from dataclasses import dataclass

            @dataclass
            class Job:
                name: str

                def __post_init__(self):
                    self.run = self.execute

                def execute(self):
                    pass
            """),
        Example(name: "looks once: public class built once here, others may build more", expected: .perInstance, source: """
            class App:
                def __init__(self):
                    self.handler = self.handle

                def handle(self):
                    pass

            app = App()
            """),
        Example(name: "looks once: private class built in a loop", expected: .perInstance, source: """
            class _Worker:
                def __init__(self):
                    self.step = self.run

                def run(self):
                    pass

            workers = [_Worker() for _ in range(4)]
            """),
        Example(name: "looks once: private class built by a public function", expected: .perInstance, source: """
            class _Session:
                def __init__(self):
                    self.close_hook = self.close

                def close(self):
                    pass

            def open_session():
                return _Session()
            """),
        Example(name: "class defined in a function", expected: .perInstance, source: """
            def make():
                class Local:
                    def __init__(self):
                        self.hook = self.fire

                    def fire(self):
                        pass
                return Local()
            """),
        Example(name: "looks once: private class handed out, not called", expected: .perInstance, source: """
            class _Handler:
                def __init__(self):
                    self.cb = self.on_event

                def on_event(self):
                    pass

            HANDLER_CLASS = _Handler
            """),
    ]

    static let oncePerProcess: [Example] = [
        Example(name: "module level", expected: .oncePerProcess, source: """
            items = [1, 2, 3]
            items.append(items)
            """),
        Example(name: "if __name__ == '__main__'", expected: .oncePerProcess, source: """
            if __name__ == "__main__":
                state = {}
                state["self"] = state
            """),
        Example(name: "private function only called at import", expected: .oncePerProcess, source: """
            def _configure():
                state = {}
                state["self"] = state
                return state

            CONFIG = _configure()
            """),
        Example(name: "main() entry point the module never calls", expected: .oncePerProcess, source: """
            def main():
                state = {}
                state["self"] = state
            """),
        Example(name: "main() called under the main guard", expected: .oncePerProcess, source: """
            def main():
                state = {}
                state["self"] = state

            if __name__ == "__main__":
                main()
            """),
        Example(name: "private class built once at import", expected: .oncePerProcess, source: """
            class _App:
                def __init__(self):
                    self.handler = self.handle

                def handle(self):
                    pass

            _app = _App()
            """),
        Example(name: "private class built once in main()", expected: .oncePerProcess, source: """
            class _Scheduler:
                def __init__(self):
                    self.tick = self.run_once

                def run_once(self):
                    pass

            def main():
                _Scheduler()

            if __name__ == "__main__":
                main()
            """),
        Example(name: "cached function without arguments", expected: .oncePerProcess, source: """
            import functools

            @functools.cache
            def registry():
                state = {}
                state["self"] = state
                return state
            """),
        Example(name: "except at module level runs at most once", expected: .oncePerProcess, source: """
            try:
                import fast_json as json
            except ImportError:
                state = {}
                state["self"] = state
            """),
    ]

    static let errorPath: [Example] = [
        Example(name: "except clause in a public function", expected: .errorPath, source: """
            def fetch(conn):
                try:
                    return conn.read()
                except OSError:
                    state = {}
                    state["self"] = state
                    raise
            """),
        Example(name: "except clause in a method", expected: .errorPath, source: """
            class Client:
                def connect(self):
                    try:
                        self.open()
                    except ConnectionError:
                        self.retry = self.connect

                def open(self):
                    pass
            """),
        Example(name: "failed check before raising", expected: .errorPath, source: """
            def validate(value):
                if value is None:
                    context = {}
                    context["self"] = context
                    raise ValueError(context)
                return value
            """),
        Example(name: "elif check before raising", expected: .errorPath, source: """
            def parse(text):
                if text.startswith("#"):
                    return None
                elif not text:
                    context = []
                    context.append(context)
                    raise ValueError(context)
                return text
            """),
        Example(name: "except* clause", expected: .errorPath, source: """
            def gather(tasks):
                try:
                    run(tasks)
                except* OSError:
                    state = {}
                    state["self"] = state
            """),
        Example(name: "except in __init__ of a public class", expected: .errorPath, source: """
            class Pool:
                def __init__(self):
                    try:
                        self.fill()
                    except RuntimeError:
                        self.refill = self.fill

                def fill(self):
                    pass
            """),
        Example(name: "looks like error path: if block that does not raise", expected: .perCall, source: """
            def update(value):
                if value is None:
                    context = {}
                    context["self"] = context
                return value
            """),
        Example(name: "looks like error path: except in a function run once at import", expected: .oncePerProcess, source: """
            def _load():
                try:
                    import yaml
                except ImportError:
                    state = {}
                    state["self"] = state

            _load()
            """),
    ]

    /// Code that runs only under a test runner, shipped in a package: graded per test, in test processes.
    static let testSupport: [Example] = [
        Example(name: "pytest hook of a plugin module", expected: .testSupport, source: """
            def pytest_addoption(parser):
                parser.addoption("--fast")

            def pytest_pyfunc_call(pyfuncitem):
                state = {"item": pyfuncitem}
                state["self"] = state
            """),
        Example(name: "public helper of a pytest plugin module", expected: .testSupport, source: """
            def get_runner(name):
                runner = {"name": name}
                runner["self"] = runner
                return runner

            def pytest_configure(config):
                pass
            """),
        Example(name: "fixture of a plugin module", expected: .testSupport, source: """
            import pytest

            @pytest.fixture
            def backend():
                options = {}
                options["self"] = options
                return options
            """),
        Example(name: "failure re-raised in a pytest hook", expected: .testSupport, source: """
            def pytest_pyfunc_call(pyfuncitem):
                try:
                    pyfuncitem.obj()
                except ExceptionGroup as group:
                    for exc in group.exceptions:
                        raise exc from group
            """),
        Example(name: "method of a TestRunner class", expected: .testSupport, source: """
            class TestRunner:
                def run_fixture(self, fixture):
                    self.on_done = self.finish

                def finish(self):
                    pass
            """),
        Example(name: "exception kept by a test runner subclass", expected: .testSupport, source: """
            import abc

            class Runner(abc.TestRunner):
                def __init__(self):
                    self._exceptions = []

                def collect(self, test):
                    try:
                        test()
                    except Exception as exc:
                        self._exceptions.append(exc)
            """),
        Example(name: "run_test method of an application class", expected: .testSupport, source: """
            class App:
                async def run_test(self):
                    ready = {}
                    ready["self"] = ready
                    yield ready
            """),
        Example(name: "looks test support: conftest.py of the project", expected: .perCall, source: """
            def pytest_configure(config):
                pass

            def make_client():
                state = {}
                state["self"] = state
                return state
            """, path: "tests/conftest.py"),
        Example(name: "looks test support: module-level code of a plugin", expected: .oncePerProcess, source: """
            OPTIONS = {}
            OPTIONS["self"] = OPTIONS

            def pytest_addoption(parser):
                parser.addoption("--fast")
            """),
        Example(name: "looks test support: imports pytest, defines no hook", expected: .perCall, source: """
            import pytest

            def approx_tree(value):
                node = {"value": value}
                node["self"] = node
                return pytest.approx(value)
            """),
        Example(name: "looks test support: a runner that is not a test runner", expected: .perInstance, source: """
            class TaskRunner:
                def __init__(self):
                    self.callback = self.run

                def run(self):
                    pass
            """),
    ]

    static let all = perCall + perInstance + oncePerProcess + errorPath + testSupport

    @Test func everyClassHasSixExamples() {
        // `not run` is decided from the file's directory (a compiled module beside it), not from its source:
        // Tests/python/test_compiled_shadowing.py holds it to CPython's import system.
        for kind in CycleLifetimeClass.allCases where kind != .shadowedByCompiled {
            #expect(Self.all.filter { $0.expected == kind }.count >= 6, "\(kind) has fewer than six examples")
        }
        // Near misses: examples that look like one class but are another.
        #expect(Self.all.filter { $0.name.hasPrefix("looks") }.count >= 6)
    }

    @Test(arguments: all)
    func lifetimeMatches(example: Example) {
        let result = Self.analyzer.analyze(source: SourceText(example.source), path: example.path)
        let graded = result.diagnostics.filter { LifetimeGrading.grades(code: $0.code) }
        #expect(!graded.isEmpty, "\(example.name): no cycle finding\n\(example.source)")
        for diagnostic in graded {
            let lifetime = diagnostic.explanation?.lifetime
            #expect(lifetime?.kind == example.expected,
                    "\(example.name): \(diagnostic.code) graded \(lifetime?.summary ?? "nil"), expected \(example.expected)")
            #expect(!(lifetime?.reason.isEmpty ?? true))
        }
    }

    /// The default output leaves out exactly the once-per-process and test-support findings, and counts them.
    @Test func defaultOutputHidesOnlyOncePerProcessAndTestSupport() {
        let all = Self.all.flatMap { example in
            Self.analyzer.analyze(source: SourceText(example.source), path: example.path).diagnostics
        }
        let once = all.filter { $0.explanation?.lifetime?.kind == .oncePerProcess }.count
        let support = all.filter { $0.explanation?.lifetime?.kind == .testSupport }.count
        let (shown, hidden) = Diagnostic.hidingOncePerProcess(all, report: false)
        #expect(hidden == once + support && once > 0 && support > 0)
        #expect(shown.count == all.count - once - support)
        #expect(shown.allSatisfy { !($0.explanation?.lifetime?.kind.isHiddenByDefault ?? false) })
        let (everything, none) = Diagnostic.hidingOncePerProcess(all, report: true)
        #expect(none == 0 && everything.count == all.count)
    }
}
