import HeapModel
import HeapSemantics
import HeapSyntax

/// HL502: `gc.collect()` on every iteration of a long or unbounded loop, and
/// `gc.set_threshold(0)`, which switches automatic collection off.
public struct CollectInLoop: Rule {
    public static let metadata = RuleMetadata(
        code: "HL502", name: "collect-in-loop", family: .collectorControl, status: .stable,
        severity: .warning, fix: .never,
        summary: "gc.collect() runs on every iteration of a loop, or gc.set_threshold(0) turns collection off.",
        doc: RuleDoc(
            whatItFinds: """
            A `gc.collect()` call inside the body of a `while` loop or of a `for` loop over a large or \
            unbounded iterable (files, requests, an iterable heaplint cannot size), in the same function. \
            Also `gc.set_threshold(0)` (first threshold folding to 0), which disables automatic collection \
            just like `gc.disable()`.
            """,
            whyItMatters: """
            `gc.collect()` with no argument is a full, generation-2 collection: it walks every container \
            object the collector tracks in the whole process, so its cost grows with the heap, not with \
            the garbage. Called per item it turns a linear loop into heap-size × items work, and it frees \
            nothing reference counting would not free anyway unless the loop makes cycles. \
            `gc.set_threshold(0)` sets generation 0's threshold to zero, which CPython treats as \
            "never collect automatically": every cycle from then on stays until an explicit collect.
            """,
            example: """
            ```python
            for path in paths:
                process(path)
                gc.collect()
            ```
            """,
            useInstead: """
            Break the cycles the loop creates (so reference counting frees them), collect once after the \
            loop, or collect every N iterations. To make startup objects cheaper to scan, use `gc.freeze()`.
            """,
            whenItsFine: """
            A short loop with a constant bound, as in `for _ in range(3): gc.collect()` (repeat until \
            finalizers stop creating garbage), or a `range(n)` whose bound heaplint cannot size, a `while gc.collect():` loop, and collection in tests and \
            benchmarks with a literal repetition count, collecting every N iterations \
            (`if i % 1000 == 0: gc.collect()`), a loop that sleeps between collections (a periodic \
            collector thread), loops over attributes (`for t in self._types:`, usually a small fixed table), \
            and `gc.set_threshold(700)` and other non-zero values.
            """,
            references: [
                "https://docs.python.org/3/library/gc.html#gc.collect",
                "https://docs.python.org/3/library/gc.html#gc.set_threshold",
                "https://devguide.python.org/internals/garbage-collector/",
            ]),
        examples: [
            .triggering("""
            import gc

            def process_all(paths):
                for path in paths:
                    process(path)
                    ↓gc.collect()
            """, oracle: .run("process_all([f'p{i}' for i in range(n)])", prelude: "def process(path): pass")),
            .triggering("""
            import gc

            def serve(queue):
                while True:
                    job = queue.get()
                    job.run()
                    ↓gc.collect()
            """, oracle: .run("""
                import types
                jobs = [types.SimpleNamespace(run=lambda: None) for _ in range(n)]
                queue = types.SimpleNamespace(get=jobs.pop)  # IndexError when empty ends `while True`
                serve(queue)
                """)),
            .triggering("""
            import gc

            def convert(path):
                with open(path) as fh:
                    for line in fh:
                        emit(line)
                        ↓gc.collect(2)
            """, oracle: .run("""
                import os, tempfile
                with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
                    fh.write("line\\n" * n)
                try:
                    convert(fh.name)
                finally:
                    os.unlink(fh.name)
                """, prelude: "def emit(line): pass")),
            .triggering("""
            from gc import collect

            for i in range(1_000_000):
                step(i)
                ↓collect()
            """, oracle: .run(prelude: "def step(i): pass")),
            .triggering("""
            import gc

            ↓gc.set_threshold(0)
            """, oracle: .run()),
            .triggering("""
            import gc as g

            def tune():
                ↓g.set_threshold(0, 10, 10)
            """, oracle: .run("tune()")),
            .triggering("""
            import gc

            def drain(items):
                for item in items:
                    if item.big:
                        ↓gc.collect()
            """, oracle: .run("import types\ndrain([types.SimpleNamespace(big=True) for _ in range(n)])")),
            .nonTriggering("""
            import gc

            def settle():
                for _ in range(3):
                    gc.collect()
            """, oracle: .run("settle()")),
            .nonTriggering("""
            import gc

            def settle():
                while gc.collect():
                    pass
            """, oracle: .run("settle()")),
            .nonTriggering("""
            import gc

            def process_all(paths):
                for path in paths:
                    process(path)
                gc.collect()
            """, oracle: .run("process_all([f'p{i}' for i in range(n)])", prelude: "def process(path): pass")),
            .nonTriggering("""
            import gc

            def drain(items):
                for i, item in enumerate(items):
                    item.close()
                    if i % 10_000 == 0:
                        gc.collect()
            """, oracle: .run("import types\ndrain([types.SimpleNamespace(close=lambda: None) for _ in range(n)])")),
            .nonTriggering("""
            import gc
            import time

            def collector(stop):
                while not stop.is_set():
                    time.sleep(60)
                    gc.collect()
            """, oracle: .unconfirmable("""
                paced by time.sleep(60): the oracle counts collections per unit of work, and a collection a \
                minute is bounded by time, which a count of calls cannot show
                """)),
            .nonTriggering("""
            import gc

            gc.set_threshold(10_000, 50, 50)
            """, oracle: .run()),
            .nonTriggering("""
            import gc

            def run(jobs):
                for job in jobs:
                    def cleanup():
                        gc.collect()
                    job.on_done(cleanup)
            """, oracle: .run("import types\nrun([types.SimpleNamespace(on_done=lambda callback: None) for _ in range(n)])")),
            .nonTriggering("""
            class Pool:
                def collect(self):
                    pass

            def drain_pool(pool, items):
                for item in items:
                    pool.collect()
            """, oracle: .run("drain_pool(Pool(), range(n))")),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let folder = context.folder
        let sizer = context.sizer
        let version = context.settings.targetVersion
        var findings: [Finding] = []
        for call in context.tree.nodes(ofKind: .call) {
            guard let function = call.child(.function) else { continue }
            if context.semantics.resolves(function, toAnyOf: Self.setThreshold) {
                let line = call.start.line + 1
                guard let first = call.child(.arguments)?.namedChildren.first(where: { $0.kind != .comment }),
                      folder.integerValue(of: first) == 0 else { continue }
                findings.append(Finding(Self.self, range: call.range,
                    message: "`gc.set_threshold(0)` switches automatic cyclic collection off for the whole process; cycles are freed only by explicit `gc.collect()` calls",
                    explanation: HeapExplanation(
                        path: [ReferenceStep(from: "gc.set_threshold(0)", via: "", to: "generation 0 threshold 0", site: call.range, line: line),
                               ReferenceStep(from: "generation 0 threshold 0", via: "", to: "every reference cycle created afterwards")],
                        estimate: ByteEstimate(lowerBytes: 0, upperBytes: nil, version: version, basis: "every cycle created while automatic collection is off"),
                        mechanism: "a zero generation-0 threshold means the collector never starts on its own",
                        remedy: "keep a non-zero threshold (raise it to collect less often), or use gc.freeze()")))
                continue
            }
            guard context.semantics.resolves(function, toAnyOf: Self.collect) else { continue }
            guard let loop = Self.enclosingLoop(of: call) else { continue }
            let line = call.start.line + 1
            // `if i % 10_000 == 0: gc.collect()` collects every N iterations: the remedy, not the problem.
            if call.ancestors.contains(where: { ancestor in
                loop.contains(ancestor) && ancestor.kind == .ifStatement
                    && (ancestor.child(.condition)?.descendants.contains { $0.kind == .token && $0.textEquals("%") } ?? false)
            }) { continue }
            // A loop that sleeps between collections is a periodic collector, not a hot loop.
            if loop.descendants.contains(where: { node in
                node.kind == .call && (node.child(.function).map { context.semantics.resolves($0, to: "time.sleep", "asyncio.sleep") } ?? false)
            }) { continue }
            let description: String
            if loop.kind == .whileStatement {
                // `while gc.collect():` repeats until nothing is found: the point of the loop.
                if let condition = loop.child(.condition), condition.contains(call) || condition.descendants.contains(where: {
                    $0.kind == .call && ($0.child(.function).map { context.semantics.resolves($0, to: "gc.collect") } ?? false)
                }) { continue }
                description = "a while loop (line \(loop.start.line + 1))"
            } else {
                guard let iterable = loop.child(.right) else { continue }
                if loop.child(.right)?.contains(call) == true { continue }
                // Attributes (`self._types`) are usually small fixed tables; only report parameters,
                // known-large sizes and named input sources.
                if iterable.kind == .attribute { continue }
                let size = sizer.size(of: iterable)
                guard size.reaches(context.settings.largeThreshold) else { continue }
                // `for _ in range(attempts): gc.collect()` repeats a settle step a caller-chosen number
                // of times; only a range heaplint can size counts.
                if case .unbounded = size, iterable.kind == .call, iterable.child(.function)?.textEquals("range") == true { continue }
                switch size {
                case .unbounded(let source): description = "a loop over \(source) (line \(loop.start.line + 1))"
                case .exactly(let n), .atMost(let n): description = "a loop of \(CollectionSizes.formatCount(n)) iterations (line \(loop.start.line + 1))"
                }
            }
            findings.append(Finding(Self.self, range: call.range,
                message: "`gc.collect()` runs a full collection over every tracked object in the process on each iteration of \(description)",
                explanation: HeapExplanation(
                    path: [ReferenceStep(from: description, via: "", to: "gc.collect()", site: call.range, line: line),
                           ReferenceStep(from: "gc.collect()", via: "", to: "every container object the collector tracks")],
                    estimate: ByteEstimate(lowerBytes: 0, upperBytes: nil, version: version,
                                           basis: "the whole tracked heap is traversed per iteration"),
                    mechanism: "a generation-2 collection traverses all tracked containers, so its cost grows with the heap",
                    remedy: "break the cycles the loop makes, or collect once after the loop (or every N iterations)")))
        }
        return findings
    }

    static let setThreshold = ["gc.set_threshold"], collect = ["gc.collect"]

    /// The innermost loop around `node` within the same function (a nested def or lambda stops the search).
    static func enclosingLoop(of node: Node) -> Node? {
        for ancestor in node.ancestors {
            switch ancestor.kind {
            case .forStatement, .whileStatement: return ancestor
            case .functionDefinition, .lambda, .classDefinition: return nil
            default: continue
            }
        }
        return nil
    }
}
