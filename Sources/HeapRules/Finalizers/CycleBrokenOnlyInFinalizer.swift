import HeapModel
import HeapSyntax

/// HL203: the only code that breaks a reference cycle runs in `__del__`, which cannot run while the
/// cycle keeps the object alive.
public struct CycleBrokenOnlyInFinalizer: Rule {
    public static let metadata = RuleMetadata(
        code: "HL203", name: "cycle-broken-only-in-finalizer", family: .finalizers, status: .preview,
        severity: .warning, fix: .never,
        summary: "A reference cycle is broken only in `__del__`, which runs only after the cyclic GC has found the cycle.",
        doc: RuleDoc(
            whatItFinds: """
                A reference cycle (as HL101, HL102 and HL104 find them) whose only breaking code (`self.f = None`, \
                `del self.f`, `self.items.clear()`) sits in `__del__` itself, or in a private method (a name with a \
                leading underscore) that nothing in the module mentions except `__del__`.
                """,
            whyItMatters: """
                CPython calls `__del__` when an object's reference count drops to zero, or when the cyclic garbage \
                collector has found the object on an unreachable cycle (PEP 442). While the cycle exists, every \
                object on it keeps the next one's count above zero, so the first case never happens: `__del__` runs \
                only once the collector has already found the cycle, and the line meant to break the cycle prevents \
                nothing. The objects stay until a collection of the generation they have reached, and forever while \
                the collector is disabled (`gc.disable()`, `gc.freeze()`d processes).
                """,
            example: """
                ```python
                class Connection:
                    def __init__(self):
                        self.handler = Handler(self)

                    def __del__(self):
                        self.handler = None   # HL203: never runs while the cycle holds self
                ```
                """,
            useInstead: """
                Break the cycle where it is reliably reached: a `close()` the caller calls, `__exit__` with a \
                `with` statement, a `finally` block, or hold the back-reference weakly \
                (`Handler(weakref.proxy(self))`) so that no cycle exists and `__del__` runs as soon as the last \
                name goes away. For last-resort cleanup of a resource, `weakref.finalize(self, release, handle)` \
                holds neither `self` nor the cycle.
                """,
            whenItsFine: """
                Cycles also broken by a public method (`close()`, which callers may call), `__exit__`/`__aexit__`, a \
                framework lifecycle callback (`connection_lost`, `tearDown`) or a `finally` are not reported, nor is \
                a private method that something other than `__del__` calls or passes on (`atexit.register(self._release)`). \
                A `__del__` that releases only non-cyclic state is fine.
                """,
            references: [
                "https://peps.python.org/pep-0442/",
                "https://docs.python.org/3/reference/datamodel.html#object.__del__",
                "https://docs.python.org/3/library/gc.html",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        var seen = Set<SourceRange>()
        var findings: [Finding] = []
        for cycle in context.heap.cyclesBrokenOnlyInFinalizers {
            guard let breaking = cycle.brokenOnlyInFinalizer, !seen.contains(breaking.site) else { continue }
            seen.insert(breaking.site)
            let cycleLine = context.source.position(of: cycle.site.start).line + 1
            let place = breaking.function == "__del__" ? "`__del__`, which" : "`\(breaking.function)()`, called only from `__del__`, which"
            let version = context.settings.targetVersion
            var explanation = cycle.explanation(for: version)
            explanation.mechanism = CPythonCollector.finalizerMechanism(CPythonCollector.mechanism("The cycle made at line \(cycleLine) keeps every object on it above a reference count of zero, so `__del__` cannot run because of it: it runs only after the cyclic garbage collector has found the cycle (PEP 442), never while the collector is disabled. Clearing `\(breaking.field)` there frees nothing earlier.",
                on: version), on: version)
            explanation.remedy = "Break the link in close() or __exit__ (called by the user or a with statement), or hold the back-reference with weakref.ref/weakref.proxy so no cycle forms."
            findings.append(Finding(Self.self, range: breaking.site,
                                    message: "The reference cycle through `\(breaking.field)` (line \(cycleLine)) is broken only in \(place) runs only after the cyclic garbage collector has found the cycle",
                                    explanation: explanation))
        }
        return findings.sorted { $0.range.start < $1.range.start }
    }
}
