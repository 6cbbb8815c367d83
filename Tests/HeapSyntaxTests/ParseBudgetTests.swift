import Testing
@testable import HeapSyntax

/// Issue 26: every parse is bounded. The cut-offs here use a budget of tree-sitter parse actions, so
/// they are the same on every machine (no clock involved).
@Suite struct ParseBudgetTests {
    /// `[` then 40,000 `1: `: minutes of error recovery in tree-sitter 0.23.2 alone; each token costs
    /// at least one parse action, so 20,000 actions never reach its end.
    static let pathological = SourceText("[" + String(repeating: "1: ", count: 40_000) + "\n")
    static let normal = SourceText("class Node:\n    def __init__(self, parent):\n        self.parent = parent\n")
    static let tiny = ParseBudget(seconds: 0, secondsPerMegabyte: 0, operations: 20_000)

    @Test func aCutOffParseIsAnEmptyTreeThatSaysWhy() throws {
        let tree = PythonParser(budget: Self.tiny).parse(Self.pathological)
        let message = try #require(tree.parseCutOff)
        #expect(message.contains("20000 parse actions"))
        #expect(message.contains("--parse-timeout"))
        #expect(tree.syntaxErrors.isEmpty)
        #expect(tree.source.byteCount == Self.pathological.byteCount)
    }

    @Test func theSameParserParsesTheNextFileFromScratch() {
        // tree-sitter keeps a cancelled parse to resume it; the parser must not resume it on another text.
        let parser = PythonParser(budget: Self.tiny)
        #expect(parser.parse(Self.pathological).parseCutOff != nil)
        let next = parser.parse(Self.normal)
        #expect(next.parseCutOff == nil)
        #expect(!next.hasErrors)
        #expect(next.root.subtreeEnd > 5)
        #expect(parser.parse(Self.pathological).parseCutOff != nil)
    }

    @Test func documentsRecoverFromACutOffThroughEdits() {
        let parser = PythonParser(budget: Self.tiny)
        let cut = parser.parseDocument(Self.pathological)
        #expect(cut.syntax.parseCutOff != nil)
        // Replace everything with a normal module: the re-parse starts over, it does not edit the empty tree.
        let fixed = parser.reparse(cut, applying: TextEdit(range: 0..<Self.pathological.byteCount, replacement: Self.normal.bytes))
        #expect(fixed.syntax.parseCutOff == nil)
        #expect(!fixed.syntax.hasErrors)
        #expect(fixed.source.bytes == Self.normal.bytes)
        // And an incremental re-parse that reaches the shape is cut off again.
        let broken = parser.reparse(fixed, applying: TextEdit(range: 0..<0, replacement: Self.pathological.bytes))
        #expect(broken.syntax.parseCutOff != nil)
    }

    @Test func noBudgetAndGenerousBudgetsDoNotCutOff() {
        #expect(PythonParser(budget: .unlimited).parse(Self.normal).parseCutOff == nil)
        #expect(PythonParser(budget: .standard).parse(Self.normal).parseCutOff == nil)
        #expect(PythonParser(budget: ParseBudget(seconds: 0, operations: 1_000_000)).parse(Self.normal).parseCutOff == nil)
    }

    @Test func theWallClockBoundGrowsWithTheFile() {
        #expect(ParseBudget.standard.timeoutMicros(byteCount: 0) == 5_000_000)
        #expect(ParseBudget.standard.timeoutMicros(byteCount: 50_000_000) == 55_000_000)
        #expect(ParseBudget.unlimited.timeoutMicros(byteCount: 50_000_000) == 0)
    }

    @Test func theEnvironmentSetsTheBudgetAndRejectsMalformedValues() throws {
        let seconds = try ParseBudget.fromEnvironment(["HEAPLINT_PARSE_TIMEOUT": "2.5"]).get()
        #expect(seconds.seconds == 2.5 && seconds.operations == nil)
        #expect(try ParseBudget.fromEnvironment(["HEAPLINT_PARSE_TIMEOUT": "0"]).get() == .unlimited)
        #expect(try ParseBudget.fromEnvironment(["HEAPLINT_PARSE_BUDGET_OPS": "7"]).get().operations == 7)
        #expect(try ParseBudget.fromEnvironment([:]).get() == .standard)
        for bad in [["HEAPLINT_PARSE_TIMEOUT": "-1"], ["HEAPLINT_PARSE_TIMEOUT": "soon"], ["HEAPLINT_PARSE_BUDGET_OPS": "1.5"]] {
            guard case .failure(let error) = ParseBudget.fromEnvironment(bad) else {
                Issue.record("accepted \(bad)")
                continue
            }
            #expect(error.message.contains(bad.keys.first!))
        }
    }
}
