import Testing
import HeapSemantics
import HeapSyntax

@Suite struct RunFrequencyTests {
    func frequencies(_ text: String, path: String? = nil) -> RunFrequencies {
        RunFrequencies(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))), path: path)
    }

    /// The frequency of each `def`, by name.
    func byName(_ text: String, path: String? = nil) -> [String: RunFrequency] {
        var facts = frequencies(text, path: path)
        var result: [String: RunFrequency] = [:]
        for node in facts.semantics.tree.nodes(ofKind: .functionDefinition) {
            if let name = node.child(.name)?.text { result[name] = facts.frequency(of: node) }
        }
        return result
    }

    func perCallClasses(_ text: String, path: String? = nil) -> [String] {
        var facts = frequencies(text, path: path)
        return facts.classesCreatedPerCall().map { "\($0.function.name).\($0.className)" }
    }

    @Test func importTimeCallersRunOnce() {
        let facts = byName("""
            def main():
                setup()

            def setup():
                pass

            def factory():
                pass

            def deco(fn):
                return fn

            @deco
            def decorated():
                pass

            class Config:
                value = factory()

            def _get_gettz():
                pass

            gettz = _get_gettz()
            del _get_gettz

            if __name__ == "__main__":
                main()
            """)
        #expect(facts["_get_gettz"] == .once)
        #expect(facts["main"] == .once)
        #expect(facts["setup"] == .once)
        #expect(facts["factory"] == .once)
        #expect(facts["deco"] == .once)
        // Never called in the module: its callers are elsewhere.
        #expect(facts["decorated"] == .perCall)
    }

    @Test func methodsLoopsRecursionAndValuesRunPerCall() {
        let facts = byName("""
            class Service:
                def handle(self):
                    helper()

            def helper():
                pass

            def looped():
                pass

            def driver():
                for _ in range(3):
                    looped()
                [looped() for _ in range(2)]

            def recursive(n):
                return recursive(n - 1) if n else 0

            def callback():
                pass

            handlers = [callback]
            driver()
            recursive(3)
            """)
        #expect(facts["handle"] == .perCall)
        #expect(facts["helper"] == .perCall)
        #expect(facts["driver"] == .once)
        #expect(facts["looped"] == .perCall)
        #expect(facts["recursive"] == .perCall)
        #expect(facts["callback"] == .perCall)
    }

    @Test func cachedFunctionsHooksAndTestsRunOnce() {
        let source = """
            import functools
            from functools import lru_cache

            @functools.cache
            def a(x):
                pass

            @lru_cache(maxsize=None)
            def b(x):
                pass

            class Meta(type):
                def __new__(mcs, name, bases, ns):
                    return super().__new__(mcs, name, bases, ns)

            class Base:
                def __init_subclass__(cls):
                    pass

            def test_models():
                pass
            """
        let facts = byName(source, path: "tests/test_models.py")
        #expect(facts["a"] == .once)
        #expect(facts["b"] == .once)
        #expect(facts["__new__"] == .once)
        #expect(facts["__init_subclass__"] == .once)
        #expect(facts["test_models"] == .once)
        // The same function outside a test file is an ordinary public function.
        #expect(byName(source, path: "models.py")["test_models"] == .perCall)
    }

    @Test func nestedFunctionsFollowTheirDefiner() {
        let facts = byName("""
            def deco(fn):
                def wrapper(*args):
                    return fn(*args)
                return wrapper

            def once_outer():
                def inner():
                    pass
                inner()

            once_outer()
            """)
        // Returned: the wrapper runs on each call of the decorated function.
        #expect(facts["wrapper"] == .perCall)
        #expect(facts["inner"] == .once)
    }

    @Test func classCreationsPerCall() {
        let classes = perCallClasses("""
            from typing import TYPE_CHECKING

            _CACHE = {}

            def public(name):
                class Made:
                    class Inner:
                        pass
                return Made

            def dynamic(name):
                return type(name, (), {})

            def not_type(name):
                return type(name)

            def typed():
                if TYPE_CHECKING:
                    class OnlyForCheckers:
                        pass
                else:
                    class AtRunTime:
                        pass

            def memo(key):
                if key in _CACHE:
                    return _CACHE[key]
                class Memoised:
                    pass
                _CACHE[key] = Memoised
                return Memoised

            def at_import():
                class Once:
                    pass
                return Once

            Kept = at_import()
            """)
        #expect(classes == ["public.Made", "dynamic.name", "typed.AtRunTime"])
    }

    @Test func testFunctionsInTestFilesAreNotPerCall() {
        let source = """
            def test_roundtrip():
                class Sample:
                    pass
                assert Sample
            """
        #expect(perCallClasses(source, path: "pkg/tests/test_io.py").isEmpty)
        #expect(perCallClasses(source, path: "pkg/io.py") == ["test_roundtrip.Sample"])
    }

    @Test func falseAlarmsFoundOnTheStandardLibrary() {
        // functools.cmp_to_key (replaced by the C version), multiprocessing's MakeProxyType (a memo in a
        // default argument), typing.NewType.__mro_entries__ (runs per class statement), distutils' test helpers.
        let classes = perCallClasses("""
            def cmp_to_key(mycmp):
                class K:
                    pass
                return K

            try:
                from _functools import cmp_to_key
            except ImportError:
                pass

            def make_proxy_type(name, _cache={}):
                try:
                    return _cache[name]
                except KeyError:
                    pass
                proxy = type(name, (), {})
                _cache[name] = proxy
                return proxy

            def no_memo(name, _cache=None):
                return type(name, (), {})

            class NewType:
                def __mro_entries__(self, bases):
                    class Dummy:
                        pass
                    return (Dummy,)
            """)
        #expect(classes == ["no_memo.name"])
        let helper = """
            class CompilerTestCase:
                def customize(self):
                    class Compiler:
                        pass
                    return Compiler
            """
        #expect(perCallClasses(helper, path: "tests/test_sysconfig.py").isEmpty)
        #expect(perCallClasses(helper, path: "tests/conftest.py").isEmpty)
        #expect(perCallClasses(helper, path: "pkg/sysconfig.py") == ["customize.Compiler"])
    }

    @Test func lazyGlobalInitAndAttributeMemosRunOnce() {
        // pytest's doctest plugin (`global RUNNER_CLASS; if RUNNER_CLASS is None: ...`) and its py.error
        // (`self._errno2class[eno]`).
        let classes = perCallClasses("""
            RUNNER_CLASS = None

            def _init_runner_class():
                class Runner:
                    pass
                return Runner

            def get_runner():
                global RUNNER_CLASS
                if RUNNER_CLASS is None:
                    RUNNER_CLASS = _init_runner_class()
                return RUNNER_CLASS()

            def _unguarded_class():
                class Unguarded:
                    pass
                return Unguarded

            def get_unguarded():
                global RUNNER_CLASS
                RUNNER_CLASS = _unguarded_class()

            class ErrorMaker:
                def errno_class(self, eno):
                    try:
                        return self._errno2class[eno]
                    except KeyError:
                        cls = type("Errno", (Exception,), {})
                        self._errno2class[eno] = cls
                        return cls
            """)
        #expect(classes == ["_unguarded_class.Unguarded"])
    }
}
