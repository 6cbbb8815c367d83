import Testing
import HeapDiagnostics
import HeapLintKit
import HeapRules
import HeapSyntax

/// The suppression pass as the Analyzer applies it, with HL001 (syntax errors) as the finding source.
@Suite struct AnalyzerSuppressionTests {
    let bad = "def f(:  # noqa: HL001\n    pass\n"

    func codes(_ text: String, _ selected: [String]) -> [String] {
        let rules = selected.compactMap { RuleRegistry.rule(code: $0) }
        return Analyzer(rules: rules).analyze(source: SourceText(text), path: "t.py").diagnostics.map(\.code)
    }

    @Test func noqaWithCodeSuppresses() {
        #expect(codes(bad, ["HL001"]) == [])
        #expect(codes("def f(:\n    pass\n", ["HL001"]) == ["HL001"])
    }

    @Test func otherCodeDoesNotSuppress() {
        #expect(codes("def f(:  # noqa: HL101\n    pass\n", ["HL001"]) == ["HL001"])
    }

    @Test func usedSuppressionIsNotReported() {
        #expect(codes(bad, ["HL001", "HL002"]) == [])
    }

    @Test func unusedCodeIsReportedWithFix() throws {
        let text = "x = 1  # noqa: HL001, E501\n"
        let rules: [any Rule.Type] = [SyntaxErrorRule.self, UnusedSuppression.self]
        let result = Analyzer(rules: rules).analyze(source: SourceText(text), path: "t.py")
        let d = try #require(result.diagnostics.first)
        #expect(d.code == "HL002")
        #expect(d.message.contains("unused: `HL001`"))
        let fixed = try #require(d.fix).applied(to: SourceText(text))
        #expect(fixed.text(0..<fixed.byteCount) == "x = 1  # noqa: E501\n")
    }

    @Test func fileLevelExemptionSuppressesEverything() {
        #expect(codes("# heaplint: noqa\ndef f(:\n    pass\n", ["HL001", "HL002"]) == [])
        #expect(codes("# heaplint: noqa: HL101\ndef f(:\n    pass\n", ["HL001"]) == ["HL001"])
    }

    @Test func unusedBlanketNoqa() {
        #expect(codes("x = 1  # noqa\n", ["HL001", "HL002"]) == ["HL002"])
    }
}

@Suite struct NoqaLineMappingTests {
    let rules: [any Rule.Type] = [SyntaxErrorRule.self, UnusedSuppression.self]

    func diagnostics(_ text: String) -> [Diagnostic] {
        Analyzer(rules: rules).analyze(source: SourceText(text), path: "t.py").diagnostics
    }

    @Test func multilineStringMapsToItsLastLine() {
        // The syntax error is on line 1, the line where a string that ends on line 3 starts.
        let bare = "f(1 :, \"\"\"a\nb\n\"\"\")\n"
        #expect(diagnostics(bare).map(\.noqaRow) == [3])
        #expect(diagnostics(bare).map(\.row) == [1])
        #expect(diagnostics("f(1 :, \"\"\"a\nb\n\"\"\")  # noqa: HL001\n").isEmpty)
    }

    @Test func backslashContinuationMapsToTheLastLine() {
        let text = "x = 1 + \\\n    (:)  # noqa: HL001\n"
        #expect(diagnostics(text).isEmpty)
    }

    @Test func withoutDirectiveTheRowIsReported() {
        let d = diagnostics("x = 1 + \\\n    (:)\n")
        #expect(d.map(\.code) == ["HL001"])
        #expect(d.first?.noqaRow == 2)
    }
}
