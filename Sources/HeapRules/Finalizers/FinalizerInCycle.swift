import HeapModel
import HeapSemantics
import HeapSyntax

/// HL201: `__del__` on a class whose instances take part in a reported reference cycle.
public struct FinalizerInCycle: Rule {
    public static let metadata = RuleMetadata(
        code: "HL201", name: "finalizer-in-cycle", family: .finalizers, status: .stable,
        severity: .warning, fix: .never,
        summary: "A class with `__del__` takes part in a reference cycle: the finalizer runs late, only from the cyclic GC, in undefined order.",
        doc: RuleDoc(
            whatItFinds: """
                A `__del__` method (defined on the class or an in-module base class) of a class whose instances lie on a \
                reference cycle that heaplint reports (HL101, HL102, HL104), including cycles through a method's \
                frame: a generator made from a method of `self` and stored on it (HL107), a caught exception or \
                traceback stored on `self` (HL106) or raised while `self` holds it (HL103).
                """,
            whyItMatters: """
                Since Python 3.4 (PEP 442) cycles with finalizers are collected, so this is not a permanent leak. But \
                `__del__` no longer runs when the last name goes away: it runs only when the cyclic garbage collector \
                gets to the cycle — late, in bursts, and never while `gc` is disabled. Inside the cycle the order in \
                which finalizers run is undefined, so a `__del__` may see the other objects half torn down, and a \
                finalizer that resurrects an object keeps the whole cycle alive. Resources released in `__del__` \
                (files, sockets, locks) are held far longer than the code suggests.
                """,
            example: """
                ```python
                class Node:
                    def __init__(self, name, parent=None):
                        self.parent = parent
                        self.children = []
                        if parent is not None:
                            parent.children.append(self)

                    def __del__(self):        # HL201
                        print(self.name, "finalized")
                ```
                """,
            useInstead: """
                Break the cycle (weak back-reference, see HL101), and release resources explicitly with a context \
                manager or `close()`; for last-resort cleanup use `weakref.finalize(self, release, handle)`, which \
                does not hold `self` and runs when the object dies.
                """,
            whenItsFine: """
                Classes with `__del__` that take part in no reported cycle, cycles that a teardown method breaks, and \
                `__slots__` classes linked in one direction only are not reported. A `__del__` that only logs is \
                harmless but will log late.
                """,
            references: [
                "https://peps.python.org/pep-0442/",
                "https://docs.python.org/3/reference/datamodel.html#object.__del__",
                "https://docs.python.org/3/library/weakref.html#weakref.finalize",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        // The first cycle (in source order) each finalizer's class lies on: an object cycle, or a frame
        // cycle through the method's `self` (a stored generator or exception whose frame holds `self`).
        struct FirstCycle { let site: SourceRange; let className: String; let explanation: HeapExplanation }
        var firstCycle: [Node: FirstCycle] = [:]
        let version = context.settings.targetVersion
        func note(_ className: String, site: SourceRange, explanation: () -> HeapExplanation) {
            for model in context.semantics.classLineage(className) {
                guard let finalizer = model.finalizer else { continue }
                if firstCycle[finalizer].map({ site < $0.site }) ?? true {
                    firstCycle[finalizer] = FirstCycle(site: site, className: className, explanation: explanation())
                }
                break
            }
        }
        for cycle in context.heap.cycles {
            for className in cycle.classNames.sorted() {
                note(className, site: cycle.site) { cycle.explanation(for: version) }
            }
        }
        for cycle in context.heap.frameCycles {
            guard let className = cycle.selfClass else { continue }
            note(className, site: cycle.site) { cycle.explanation(for: version) }
        }
        return firstCycle.sorted { $0.key.index < $1.key.index }.compactMap { finalizer, entry in
            guard let name = finalizer.child(.name) else { return nil }
            var explanation = entry.explanation
            explanation.mechanism = CPythonCollector.finalizerMechanism(explanation.mechanism, on: version)
            let line = context.source.position(of: entry.site.start).line + 1
            return Finding(Self.self, range: name.range,
                           message: "`\(entry.className)` has a `__del__` finalizer and its instances form a reference cycle (line \(line)): it runs only when the cyclic garbage collector frees the cycle (never while gc is disabled), in undefined order within it",
                           explanation: explanation)
        }
    }
}
