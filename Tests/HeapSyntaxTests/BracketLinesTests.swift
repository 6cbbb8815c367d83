import Foundation
import Testing
@testable import HeapSyntax

/// The workaround for tree-sitter-python's dedent inside brackets (see `BracketLines`).
@Suite struct BracketLinesTests {
    /// From CPython's test/test_compile.py: valid Python that the grammar alone rejects.
    static let dedentInsideBrackets = """
        class T:
            def test(self):
                def f():
                    (bar.
                baz)
                    (bar.
                baz(
                ))
                return f

        x = 1

        """

    @Test func dedentedContinuationLinesParseWithoutErrors() throws {
        let tree = PythonParser().parse(SourceText(Self.dedentInsideBrackets))
        #expect(!tree.hasErrors, "\(tree.syntaxErrors)")
        let attributes = tree.nodes(ofKind: .attribute).map(\.text)
        #expect(attributes.count == 2)
        #expect(attributes.allSatisfy { $0.hasPrefix("bar.") && $0.hasSuffix("baz") && $0.contains("\n") })
        // Offsets are the file's: the last statement is where it is in the source.
        let last = try #require(tree.root.namedChildren.array.last)
        #expect(last.text == "x = 1")
        #expect(last.start.line == 10)
    }

    @Test func realErrorsAreStillReported() {
        let broken = Self.dedentInsideBrackets + "def g(:\n    pass\n"
        #expect(PythonParser().parse(SourceText(broken)).hasErrors)
        #expect(PythonParser().parse(SourceText("x = (1,\ny = 2\n")).hasErrors)
    }

    @Test func joinsOnlyNewlinesInsideBrackets() throws {
        func joined(_ text: String) -> String? {
            BracketLines.joined(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(joined("a = 1\nb = 2\n") == nil)
        #expect(joined("f(a,\n  b)\nc\n") == "f(a,   b)\nc\n")
        #expect(joined("f(a,\r\n  b)\r\n") == "f(a,    b)\r\n")
        // A comment keeps its newline (it would swallow the next line), strings and continuations too.
        #expect(joined("f(a,  # note\n  b)\n") == nil)
        #expect(joined("f('''x\ny''',\n b)\n") == "f('''x\ny''',  b)\n")
        #expect(joined("f(\"(\", \\\n b)\n") == nil)
        #expect(joined("s = ')'\nf(x,\n y)\n") == "s = ')'\nf(x,  y)\n")
        #expect(joined("s = \"a\\\"(\"\nt = 1\n") == nil)
    }
}
