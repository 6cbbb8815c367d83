import Foundation
import Testing
import HeapDiagnostics
import HeapLintKit
import HeapRules
import HeapSyntax

/// Issue 14: the model causes of the HL3xx–HL5xx false alarms found on django, SQLAlchemy, Twisted,
/// tornado, rich and celery, checked on their message and severity (the fixtures check the lines).
@Suite struct RealWorldPrecisionTests {
    func diagnostics(_ rule: any Rule.Type, _ text: String, preview: Bool = false) -> [Diagnostic] {
        Analyzer(rules: [rule], ruleSettings: RuleSettings(preview: preview))
            .analyze(source: SourceText(text), path: "x.py").diagnostics
    }

    @Test func valueClassCacheIsAnInfoNote() throws {
        let source = """
        import functools
        class Style:
            def __eq__(self, other): return True
            def __hash__(self): return 1
            @functools.cache
            def render(self): return ""
        class Dialect:
            @functools.cache
            def query(self): return ""
        """
        let found = diagnostics(CachedMethodPinsInstances.self, source)
        #expect(found.count == 2)
        let style = try #require(found.first { $0.message.contains("Style") })
        let dialect = try #require(found.first { $0.message.contains("Dialect") })
        #expect(style.severity == .info)
        #expect(style.message.contains("immutable value class"))
        #expect(dialect.severity == .warning)
    }

    /// Issue 28 (textual's `Region`/`Color`): a bounded cache on a value class is a cache of at most
    /// maxsize values, not a default finding; --preview still shows it as a note, unbounded stays a note.
    @Test func boundedValueClassCacheOnlyInPreview() throws {
        let source = """
        import functools
        from typing import NamedTuple
        class Region(NamedTuple):
            x: int
            @functools.lru_cache(maxsize=1024)
            def grow(self, n): return Region(self.x - n)
            @functools.cache
            def area(self): return self.x
        class Widget:
            @functools.lru_cache(maxsize=32)
            def styles(self): return 1
        """
        let found = diagnostics(CachedMethodPinsInstances.self, source)
        #expect(found.count == 2)
        #expect(found.contains { $0.message.contains("`area`") && $0.severity == .info })
        #expect(found.contains { $0.message.contains("`styles`") && $0.severity == .info })
        #expect(!found.contains { $0.message.contains("`grow`") })
        let preview = diagnostics(CachedMethodPinsInstances.self, source, preview: true)
        let grow = try #require(preview.first { $0.message.contains("`grow`") })
        #expect(grow.severity == .info)
        #expect(grow.message.contains("immutable value class"))
    }

    /// Issue 28 (paramiko's SSHClient.connect): `errors[addr] = e` with `errors` a local is one cycle that
    /// HL106 and HL103 both describe at one statement: one finding (HL106, naming HL103's as related);
    /// with HL106 not selected, HL103 still reports it.
    @Test func sameStatementCycleIsOneFinding() throws {
        let source = """
        def connect(addresses, attempt):
            errors = {}
            for addr in addresses:
                try:
                    return attempt(addr)
                except OSError as e:
                    errors[addr] = e
            raise OSError(str(errors))
        """
        let both = Analyzer(rules: [ExceptionStoredOnObject.self, FrameKeptInLocal.self])
            .analyze(source: SourceText(source), path: "x.py").diagnostics
        #expect(both.map(\.code) == ["HL106"])
        #expect(both.first?.explanation?.alsoClosedAt.first?.summary.contains("HL103") == true)
        let alone = Analyzer(rules: [FrameKeptInLocal.self]).analyze(source: SourceText(source), path: "x.py").diagnostics
        #expect(alone.map(\.code) == ["HL103"])
    }

    /// Issue 28: HL201 (`__del__` on a class in a cycle) and the HL101 finding of that cycle are one finding:
    /// HL201 is kept, the HL101 closing line is its related location; alone, HL101 still reports it; a
    /// `# noqa: HL201` does not take the HL101 finding with it; a different cycle of the same file stays apart.
    @Test func finalizerAndItsCycleAreOneFinding() throws {
        let source = """
        class Node:
            def __init__(self, parent=None):
                self.parent = parent
                self.children = []
                if parent is not None:
                    parent.children.append(self)

            def __del__(self):
                pass


        def loop(request):
            state = {"request": request}
            state["self"] = state
        """
        func run(_ rules: [any Rule.Type], _ text: String) -> [Diagnostic] {
            Analyzer(rules: rules).analyze(source: SourceText(text), path: "x.py").diagnostics
        }
        let both = run([InstanceAttributeCycle.self, SelfReferentialStructure.self, FinalizerInCycle.self], source)
        let alone = run([InstanceAttributeCycle.self, SelfReferentialStructure.self], source)
        let cycle = try #require(alone.first { $0.code == "HL101" })
        // The `state` cycle (HL104) has no finalizer: it stays its own finding.
        #expect(alone.contains { $0.code == "HL104" })
        #expect(both.map(\.code).sorted() == (alone.map(\.code).filter { $0 != "HL101" } + ["HL201"]).sorted())
        let finalizer = try #require(both.first { $0.code == "HL201" })
        let related = try #require(finalizer.explanation?.alsoClosedAt.first { $0.summary.contains("HL101") })
        #expect(related.line == cycle.row && related.site == cycle.finding.range)
        #expect(finalizer.explanation?.path == cycle.explanation?.path)
        // Suppressed HL201: the HL101 finding is reported as before, not folded away.
        let suppressed = source.replacingOccurrences(of: "def __del__(self):", with: "def __del__(self):  # noqa: HL201")
        let kept = run([InstanceAttributeCycle.self, SelfReferentialStructure.self, FinalizerInCycle.self], suppressed)
        #expect(kept.contains { $0.code == "HL101" } && !kept.contains { $0.code == "HL201" })
    }

    @Test func keepingConsumerClaimsOnlyTheListItself() throws {
        let found = diagnostics(ListBuiltForOnePass.self, "t = tuple([i for i in range(10**6)])\ns = sum([i for i in range(10**6)])\n")
        let tuple = try #require(found.first { $0.message.contains("tuple") })
        let sum = try #require(found.first { $0.message.contains("sum it") })
        // tuple() keeps the million ints either way: only the list's 8-byte slots are saved.
        #expect(tuple.message.contains("saves the list itself (~9 MB), not the items"))
        #expect(!tuple.message.contains("200 B"))
        #expect(sum.message.contains("~41 MB"))
        #expect(tuple.finding.explanation?.estimate?.upperBytes == 9_000_056)
    }

    @Test func unknownSizesNeedPreview() {
        let source = "def f(rows):\n    return sum([r.x for r in rows])\n"
        #expect(diagnostics(ListBuiltForOnePass.self, source).isEmpty)
        #expect(diagnostics(ListBuiltForOnePass.self, source, preview: true).count == 1)
    }

    @Test func pathStepsCarryTheLineOnce() throws {
        let found = diagnostics(LoopOverBuiltList.self, "for v in [x * 2 for x in range(10**6)]:\n    pass\n")
        let path = try #require(found.first?.finding.explanation?.pathSummary)
        #expect(path == "for loop (line 1) → list → 1,000,000 ints")
    }

    @Test func unboundedSizeWordingHasNoEmptyFloor() throws {
        let found = diagnostics(ListBuiltForOnePass.self, "def f(p):\n    return sum([len(x) for x in open(p)])\n")
        let estimate = try #require(found.first?.finding.explanation?.estimate)
        #expect(estimate.summary == "grows with input")
        #expect(estimate.basis == "a list with an item for each of a file's lines")
    }
}
