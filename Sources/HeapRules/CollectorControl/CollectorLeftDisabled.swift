import HeapModel
import HeapSemantics
import HeapSyntax

/// HL501: `gc.disable()` that nothing turns back on, or that an exception can skip past.
public struct CollectorLeftDisabled: Rule {
    public static let metadata = RuleMetadata(
        code: "HL501", name: "collector-left-disabled", family: .collectorControl, status: .stable,
        severity: .warning, fix: .never,
        summary: "gc.disable() is not followed by gc.enable() on every path.",
        doc: RuleDoc(
            whatItFinds: """
            A call to `gc.disable()` in a file that never calls `gc.enable()` (nor hands it to a cleanup \
            hook), and a `gc.disable()` \
            whose `gc.enable()` follows in the same block but outside `finally`, with calls in between \
            that can raise.
            """,
            whyItMatters: """
            `gc.disable()` turns the cyclic garbage collector off for the whole process, not for the \
            function. Reference counting still frees acyclic objects, but every reference cycle created \
            afterwards (instances that point at each other, exceptions holding their traceback frames, \
            closures referring to themselves) stays in memory until someone calls `gc.enable()` or \
            `gc.collect()`. If an exception skips the `gc.enable()`, the process runs on with the \
            collector off and leaks every cycle.
            """,
            example: """
            ```python
            gc.disable()
            load_everything()
            gc.enable()
            ```
            """,
            useInstead: """
            ```python
            gc.disable()
            try:
                load_everything()
            finally:
                gc.enable()
            ```
            To make objects that survive startup cheaper to collect, `gc.freeze()` (3.7+) moves them out \
            of the collector's view without turning it off.
            """,
            whenItsFine: """
            `gc.enable()` in a `finally` clause of a `try` around the work, anywhere else in the file \
            (`__enter__` disables, `__exit__` enables; `setUpModule` / `tearDownModule`), or handed to a \
            cleanup hook (`self.addCleanup(gc.enable)`, `atexit.register(gc.enable)`). A `gc.disable()` immediately followed by `gc.enable()` \
            with no call in between. A `gc.disable()` the user asked for: in a command-line option handler \
            (`def opt_disablegc(self)`, twisted trial's `--disablegc`), in a CLI entry point (`def main()`, \
            `if __name__ == "__main__":`), or behind a condition reading an option (`if args.no_gc:`, \
            `if self["disablegc"]:`).
            """,
            references: [
                "https://docs.python.org/3/library/gc.html#gc.disable",
                "https://docs.python.org/3/library/gc.html#gc.freeze",
            ]),
        examples: [
            .triggering("""
            import gc

            ↓gc.disable()
            run_batch()
            """, oracle: .run(prelude: "def run_batch(): pass")),
            .triggering("""
            import gc

            def load(path):
                ↓gc.disable()
                with open(path) as fh:
                    return parse(fh)
            """, oracle: .run("import os\nload(os.devnull)", prelude: "def parse(fh): return fh.read()")),
            .triggering("""
            import gc

            def load(path):
                ↓gc.disable()
                data = parse(path)
                gc.enable()
                return data
            """, oracle: .run("load('data.bin')", prelude: "def parse(path): raise ValueError(path)")),
            .triggering("""
            from gc import disable

            def warm_up():
                ↓disable()
                build_caches()
            """, oracle: .run("warm_up()", prelude: "def build_caches(): pass")),
            .triggering("""
            import gc as collector

            class Importer:
                def start(self):
                    ↓collector.disable()
                    self.run()
            """, oracle: .run("Importer.run = lambda self: None\nImporter().start()")),
            .triggering("""
            import gc

            def bench(fn, n):
                ↓gc.disable()
                for _ in range(n):
                    fn()
                gc.enable()
            """, oracle: .run("bench(lambda: 1 / 0, 3)")),
            .nonTriggering("""
            import gc

            def load(path):
                gc.disable()
                try:
                    return parse(path)
                finally:
                    gc.enable()
            """, oracle: .run("load('data.bin')", prelude: "def parse(path): raise ValueError(path)")),
            .nonTriggering("""
            import gc

            def load(path):
                was_enabled = gc.isenabled()
                gc.disable()
                try:
                    return parse(path)
                finally:
                    if was_enabled:
                        gc.enable()
            """, oracle: .run("load('data.bin')", prelude: "def parse(path): raise ValueError(path)")),
            .nonTriggering("""
            import gc

            class NoCollect:
                def __enter__(self):
                    gc.disable()
                    return self

                def __exit__(self, *exc):
                    gc.enable()
            """, oracle: .run("with NoCollect():\n    raise ValueError('inside')")),
            .nonTriggering("""
            import gc
            import unittest

            class T(unittest.TestCase):
                def test_no_gc(self):
                    self.addCleanup(gc.enable)
                    gc.disable()
                    self.run_checks()
            """, oracle: .run("""
                import io
                T.run_checks = lambda self: 1 / 0
                unittest.TextTestRunner(stream=io.StringIO()).run(unittest.defaultTestLoader.loadTestsFromTestCase(T))
                """)),
            .nonTriggering("""
            import gc

            gc.freeze()
            serve()
            """, oracle: .run(prelude: "def serve(): pass")),
            .nonTriggering("""
            import gc

            gc.disable()
            gc.enable()
            """, oracle: .run()),
            .nonTriggering("""
            class Switch:
                def disable(self):
                    self.on = False

            s = Switch()
            s.disable()
            """, oracle: .run()),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        let calls = context.tree.nodes(ofKind: .call)
        let disables = calls.filter { call in call.child(.function).map { context.semantics.resolves($0, toAnyOf: Self.disable) } ?? false }
        // Most files never disable the collector: look for the enables only when one does.
        guard !disables.isEmpty else { return [] }
        let enables = calls.filter { call in call.child(.function).map { context.semantics.resolves($0, toAnyOf: Self.enable) } ?? false }
        // `self.addCleanup(gc.enable)`, `atexit.register(gc.enable)`: enabling handed to someone else.
        let enableReferences = context.tree.nodes(ofKinds: .attribute, .identifier).filter { node in
            node.field != .function && node.parent?.kind == .argumentList
                && context.semantics.resolves(node, toAnyOf: Self.enable)
        }
        for call in disables {
            let scope = Self.scope(of: call)
            let later = enables.filter { scope.contains($0) && (scope.kind == .classDefinition || $0.range.start > call.range.end) }
            let line = call.start.line + 1
            let explanation: (String) -> HeapExplanation = { note in
                HeapExplanation(
                    path: [ReferenceStep(from: "gc.disable()", via: "", to: "cyclic collector off", site: call.range, line: line),
                           ReferenceStep(from: "cyclic collector off", via: "", to: "every reference cycle created \(note)")],
                    estimate: ByteEstimate(lowerBytes: 0, upperBytes: nil, version: context.settings.targetVersion,
                                           basis: "every cycle created while the collector is off"),
                    mechanism: "with the collector off only reference counting frees memory, and it never frees a cycle",
                    remedy: "call gc.enable() in a finally clause, or use gc.freeze() instead of disabling")
            }
            // A disable paired with an enable elsewhere in the file (setUpModule / tearDownModule,
            // start / stop) or handed to a cleanup hook is deliberate.
            if !enableReferences.isEmpty { continue }
            // Turning the collector off for the process is then what the user asked for.
            if Self.isUserChoice(call) { continue }
            if later.isEmpty, !enables.isEmpty { continue }
            if later.isEmpty {
                findings.append(Finding(Self.self, range: call.range,
                    message: "`gc.disable()` turns the cyclic collector off for the whole process and nothing here turns it back on; reference cycles created from now on are never freed",
                    explanation: explanation("after this call")))
                continue
            }
            // An enable in a finally clause (or elsewhere in the class) covers every path.
            if scope.kind == .classDefinition || later.contains(where: { $0.ancestors.contains { $0.kind == .finallyClause } }) { continue }
            guard let statement = Self.statement(of: call) else { continue }
            // The enable must be a later statement in the same block; anything that can raise in
            // between (a call) may skip it.
            var sibling = statement.nextNamedSibling
            var raising = false
            var enableLine: Int?
            while let current = sibling {
                if later.contains(where: { current.contains($0) }) {
                    if current.kind == .expressionStatement { enableLine = current.start.line + 1 }
                    break
                }
                if current.kind == .call || current.descendants.contains(where: { $0.kind == .call || $0.kind == .raiseStatement }) {
                    raising = true
                }
                sibling = current.nextNamedSibling
            }
            if raising, let enableLine {
                findings.append(Finding(Self.self, range: call.range,
                    message: "`gc.disable()` is re-enabled on line \(enableLine) only if nothing in between raises; an exception leaves the collector off for the whole process",
                    explanation: explanation("after an exception skips gc.enable()")))
            }
        }
        return findings
    }

    static let disable = ["gc.disable"], enable = ["gc.enable"]

    /// Names that hold parsed command-line options or settings.
    static let optionHolders: Set<String> = ["args", "arguments", "options", "opts", "opt", "config", "cfg", "settings",
                                             "namespace", "ns", "parsed", "flags", "cli"]

    /// `args`, `cli_options`, `self_config`: a name one of whose `_`-separated words holds options.
    static func isOptionHolder(_ name: String) -> Bool {
        name.lowercased().split(separator: "_").contains { optionHolders.contains(String($0)) }
    }

    /// A `gc.disable()` the user asked for: in a command-line option handler (`def opt_disablegc(self)`,
    /// twisted's `usage.Options`), in a CLI entry point (`def main()`, `if __name__ == "__main__":`),
    /// or behind a condition that reads an option (`if args.disable_gc:`, `if self["disablegc"]:`).
    static func isUserChoice(_ call: Node) -> Bool {
        for ancestor in call.ancestors {
            switch ancestor.kind {
            case .functionDefinition:
                let name = ancestor.child(.name)?.text ?? ""
                if name.hasPrefix("opt_") || name == "main" || name == "cli" { return true }
            case .ifStatement:
                guard let condition = ancestor.child(.condition) else { continue }
                let text = condition.text
                if text.contains("__name__") && text.contains("__main__") { return true }
                for node in [condition] + Array(condition.descendants) {
                    if node.kind == .attribute, let object = node.child(.object), object.kind == .identifier,
                       isOptionHolder(object.text) { return true }
                    if node.kind == .subscript, node.child(.subscript)?.kind == .string,
                       let value = node.child(.value), value.kind == .identifier,
                       value.text == "self" || isOptionHolder(value.text) { return true }
                }
            default:
                continue
            }
        }
        return false
    }

    /// Where a matching `gc.enable()` may live: the class for a method, else the function or module.
    static func scope(of node: Node) -> Node {
        var function: Node?
        for ancestor in node.ancestors {
            if ancestor.kind == .functionDefinition && function == nil { function = ancestor; continue }
            if ancestor.kind == .classDefinition, function != nil { return ancestor }
            if ancestor.kind == .functionDefinition || ancestor.kind == .module { return function ?? ancestor }
        }
        return function ?? node.tree.root
    }

    static func statement(of node: Node) -> Node? {
        node.ancestors.first { $0.parent?.kind == .block || $0.parent?.kind == .module }
    }
}
