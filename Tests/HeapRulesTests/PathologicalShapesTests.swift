import Testing
import HeapDiagnostics
import HeapLintKit
import HeapRules
import HeapSyntax

/// Issue 26: shapes on which the analysis was super-linear (an ancestor walk, a scope scan or a
/// field lookup per node). A moderately large instance of each is analysed with every rule and
/// must give the same findings as the small one; `make bench` times them against tree-sitter alone.
@Suite struct PathologicalShapesTests {
    func codes(_ text: String, preview: Bool = false) -> [String] {
        Analyzer(rules: RuleRegistry.all, ruleSettings: RuleSettings(preview: preview))
            .analyze(source: SourceText(text), path: "x.py").diagnostics.map(\.code)
    }

    @Test func longErrorRunIsOneSyntaxError() {
        let text = "x = (" + Array(repeating: "1", count: 20_000).joined(separator: " ") + "\n"
        #expect(codes(text, preview: true) == ["HL001"])
    }

    @Test func chainedAttributeAssignmentIsOneCycle() {
        let targets = (0..<2_000).map { "self.a\($0)" }.joined(separator: " = ")
        let text = "class C:\n    def __init__(self):\n        \(targets) = self\n"
        #expect(codes(text) == ["HL101"])
    }

    @Test func chainedModuleAssignmentIsClean() {
        let text = (0..<2_000).map { "x\($0)" }.joined(separator: " = ") + " = []\n"
        #expect(codes(text, preview: true).isEmpty)
    }

    @Test func selfStoresInAnUnclosedCallAreSyntaxErrors() {
        let body = String(repeating: "        self.x = self\n", count: 1_000)
        let found = codes("class C:\n    def f(self):\n        g(\n" + body, preview: true)
        #expect(!found.isEmpty && found.allSatisfy { $0 == "HL001" })
    }

    @Test func manyLoopsOverComprehensionsAreEachSized() {
        let text = (0..<400).map { "for x\($0) in [y for y in z]: pass\n" }.joined()
        #expect(codes(text).isEmpty)
        let preview = codes(text, preview: true)
        #expect(preview.count == 400 && preview.allSatisfy { $0 == "HL302" })
    }
}
