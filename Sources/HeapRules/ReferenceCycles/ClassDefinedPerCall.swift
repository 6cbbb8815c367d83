import HeapModel
import HeapSemantics
import HeapSyntax

/// HL108: a `class` statement (or `type(name, bases, ns)`) that runs on every call of its function.
public struct ClassDefinedPerCall: Rule {
    public static let metadata = RuleMetadata(
        code: "HL108", name: "class-defined-per-call", family: .referenceCycles, status: .preview,
        severity: .info, fix: .never,
        summary: "A class statement runs on every call of its function: each run makes a new class object, which is always cyclic garbage.",
        doc: RuleDoc(
            whatItFinds: """
                A `class` statement, or a three-argument `type(name, bases, namespace)` call, in the body of a \
                function that runs per call: a method, a function the module does not only call from import-time \
                code (its public API, a callback, a wrapper returned by a decorator), a function called in a loop \
                or recursively.
                """,
            whyItMatters: """
                Every class object is on reference cycles of its own: CPython stores the class as the first item of \
                its `__mro__` tuple, and the `__dict__` and `__weakref__` getset descriptors in its namespace refer \
                back to it. So each run of the statement makes a new class that reference counting can never free; \
                once its instances are gone it waits for the cyclic garbage collector (never, while `gc` is disabled), \
                with its methods, namespace and whatever they refer to. Creating a type is also slow (a few \
                microseconds and about 2 kB per class) and invalidates CPython's method caches, and classes made \
                per call are distinct: `isinstance` and pickling do not recognise one call's class in another.
                """,
            example: """
                ```python
                def make_record(name, value):
                    class Record:          # HL108
                        __slots__ = ("value",)

                    Record.__name__ = name
                    record = Record()
                    record.value = value
                    return record
                ```
                """,
            useInstead: """
                ```python
                class Record:
                    __slots__ = ("name", "value")

                    def __init__(self, name, value):
                        self.name = name
                        self.value = value
                ```
                Define the class once at module level and pass what varies to its constructor. When the class \
                really depends on the parameters (a factory), cache the factory with `functools.lru_cache` (or a \
                module-level dict keyed by the parameters) so each distinct class is made once.
                """,
            whenItsFine: """
                Functions the module only calls from import-time code (a module-level call, a decorator applied at \
                import, a `main()` run once), cached factories (`@functools.cache`, `@lru_cache`, a module-level \
                dict checked before the class statement), classes under `if TYPE_CHECKING:`, test functions \
                (`def test_*` in `test_*.py`: one class per test), `__init_subclass__` and metaclass methods (they \
                run per class statement), and classes nested in a class body are not reported. A factory whose \
                callers all call it at import time makes a fixed number of classes; heaplint only sees the callers \
                in the same module.
                """,
            references: [
                "https://docs.python.org/3/reference/datamodel.html#class.__mro__",
                "https://docs.python.org/3/library/functions.html#type",
                "https://docs.python.org/3/library/functools.html#functools.lru_cache",
                "https://docs.python.org/3/library/gc.html",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        var frequencies = RunFrequencies(semantics: context.semantics, path: context.path)
        return frequencies.classesCreatedPerCall().map { creation in
            let what = creation.node.kind == .call ? "`type(...)` call creates class" : "Class statement creates class"
            return Finding(Self.self, range: creation.site.range,
                           message: "\(what) `\(creation.className)` on every call of `\(creation.function.name)()`: each class object is on a reference cycle of its own (`__mro__`) and is left for the cyclic garbage collector",
                           explanation: creation.explanation(for: context.settings.targetVersion))
        }
    }
}
