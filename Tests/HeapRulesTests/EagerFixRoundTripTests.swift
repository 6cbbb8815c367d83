import Foundation
import Testing
import HeapLintKit
import HeapModel
import HeapRules
import HeapSyntax

/// HL3xx fixes: the fixed code re-parses without errors, a second pass changes nothing (fixing twice
/// equals fixing once), every finding carries a heap explanation with a byte estimate, and the
/// explanation's path ends in what the list holds.
@Suite struct EagerFixRoundTripTests {
    static let codes = ["HL301", "HL302", "HL303", "HL304"]

    /// Applies every fix of `code` once; non-overlapping by construction (one finding per node).
    func fixAll(_ text: String, code: String) -> (String, Int) {
        let rule = RuleRegistry.rule(code: code)!
        let result = Analyzer(rules: [rule]).analyze(source: SourceText(text), path: "x.py")
        let edits = result.diagnostics.compactMap(\.finding.fix).flatMap(\.edits)
        let fix = Fix(title: "all", applicability: .safe, edits: edits)
        let fixed = fix.applied(to: SourceText(text))
        return (fixed.text(0..<fixed.byteCount), edits.count)
    }

    @Test(arguments: codes)
    func fixesReparseAndConverge(code: String) throws {
        let rule = try #require(RuleRegistry.rule(code: code))
        for example in rule.metadata.examples where example.isTriggering {
            let text = example.strippedSource.text
            let (once, count) = fixAll(text, code: code)
            guard count > 0 else { continue }
            #expect(!PythonParser().parse(SourceText(once)).hasErrors, "\(code): fixed code must parse:\n\(once)")
            let (twice, _) = fixAll(once, code: code)
            #expect(twice == once, "\(code): a second fix pass changed the code:\n\(once)\n---\n\(twice)")
        }
    }

    @Test func fixtureFixesReparseAndConverge() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/HL3")
        for code in Self.codes {
            let text = try String(contentsOf: root.appendingPathComponent("\(code).py"), encoding: .utf8)
            let (once, count) = fixAll(text, code: code)
            #expect(count > 0)
            #expect(!PythonParser().parse(SourceText(once)).hasErrors)
            #expect(fixAll(once, code: code).0 == once)
        }
    }

    @Test(arguments: codes)
    func everyFindingExplainsItsBytes(code: String) throws {
        let rule = try #require(RuleRegistry.rule(code: code))
        for example in rule.metadata.examples where example.isTriggering {
            let result = Analyzer(rules: [rule]).analyze(source: SourceText(example.strippedSource.text), path: "x.py")
            for diagnostic in result.diagnostics where diagnostic.code == code {
                let explanation = try #require(diagnostic.explanation)
                let estimate = try #require(explanation.estimate)
                #expect(estimate.version == .py311)
                #expect(explanation.path.count == 2)
                #expect(explanation.path.first?.site == diagnostic.finding.range)
            }
        }
    }

    @Test func messageNamesTheEstimate() {
        let rule = ListBuiltForOnePass.self
        let result = Analyzer(rules: [rule]).analyze(source: SourceText("total = sum([i for i in range(10**7)])\n"), path: "x.py")
        let diagnostic = result.diagnostics.first { $0.code == "HL301" }
        #expect(diagnostic?.message.hasPrefix("Builds a list of ~10,000,000 ints (~410 MB on CPython 3.11) only to sum it") == true)
        #expect(diagnostic?.explanation?.path.first?.from == "sum() argument")
        #expect(diagnostic?.explanation?.path.last?.to == "10,000,000 ints")
        #expect((diagnostic?.explanation?.estimate?.upperBytes ?? 0) > 400_000_000)
        #expect(diagnostic?.finding.fix?.applicability == .safe)
    }

    @Test func thresholdComesFromSettings() {
        let source = SourceText("total = sum([i for i in range(5000)])\n")
        let strict = Analyzer(rules: [ListBuiltForOnePass.self], ruleSettings: RuleSettings(largeThreshold: 1000))
        let lenient = Analyzer(rules: [ListBuiltForOnePass.self])
        #expect(strict.analyze(source: source, path: "x.py").diagnostics.count == 1)
        #expect(lenient.analyze(source: source, path: "x.py").diagnostics.isEmpty)
    }

    @Test func anyAllAndCallsMakeTheFixUnsafe() {
        let analyzer = Analyzer(rules: [ListBuiltForOnePass.self])
        let anyFix = analyzer.analyze(source: SourceText("def f(p):\n    return any([x > \"\" for x in open(p)])\n"), path: "x.py")
            .diagnostics.first?.finding.fix
        let callFix = analyzer.analyze(source: SourceText("def f(p):\n    return sum([g(x) for x in open(p)])\n"), path: "x.py")
            .diagnostics.first?.finding.fix
        let pureFix = analyzer.analyze(source: SourceText("def f(p):\n    return sum([len(x) for x in open(p)])\n"), path: "x.py")
            .diagnostics.first?.finding.fix
        #expect(anyFix?.applicability == .unsafe)
        #expect(callFix?.applicability == .unsafe)
        #expect(pureFix?.applicability == .safe)
    }
}
