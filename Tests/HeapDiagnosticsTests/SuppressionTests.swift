import Testing
import HeapDiagnostics
import HeapRules
import HeapSyntax

@Suite struct SuppressionParsingTests {
    func suppressions(_ text: String) -> Suppressions {
        Suppressions(tree: PythonParser().parse(SourceText(text)))
    }

    @Test func codesAreParsedCaseInsensitively() throws {
        let s = suppressions("x = 1  # NOQA: hl101,HL102 E501\n")
        let directive = try #require(s.directives[0])
        #expect(directive.codes?.map(\.code) == ["HL101", "HL102", "E501"])
        #expect(directive.suppresses("HL102"))
        #expect(!directive.suppresses("HL1"))
    }

    @Test func blanketAndTrailingDirective() throws {
        let s = suppressions("x = 1  # type: ignore  # noqa\n")
        let directive = try #require(s.directives[0])
        #expect(directive.isBlanket)
        #expect(directive.range.start == "x = 1  # type: ignore  ".utf8.count)
    }

    @Test func noqaInsideAStringIsNotADirective() {
        let s = suppressions("x = '# noqa: HL101'\ny = \"\"\"\n# heaplint: noqa\n\"\"\"\n")
        #expect(s.isEmpty)
    }

    @Test func noqaWordMustStandAlone() {
        #expect(suppressions("x = 1  # noqamatic\n").directives.isEmpty)
        #expect(suppressions("x = 1  # noqa:\n").directives.isEmpty)
    }

    @Test func fileLevelExemption() throws {
        let all = suppressions("# heaplint: noqa\nx = 1\n")
        #expect(all.exemptions.first?.codes == nil)
        #expect(all.directives.isEmpty)
        let some = suppressions("#heaplint:noqa: HL101\n")
        #expect(some.exemptions.first?.codes == ["HL101"])
    }
}
