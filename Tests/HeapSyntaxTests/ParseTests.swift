import Foundation
import Testing
@testable import HeapSyntax

@Suite struct ParseTests {
    @Test func parsesAssignmentWithFields() throws {
        let tree = PythonParser().parse(SourceText("x = foo(1, y=2)\n"))
        #expect(tree.root.kind == .module)
        #expect(!tree.hasErrors)
        let assignment = try #require(tree.allNodes.first { $0.kind == .assignment })
        #expect(assignment.child(.left)?.text == "x")
        let call = try #require(assignment.child(.right))
        #expect(call.kind == .call)
        #expect(call.child(.function)?.text == "foo")
        let args = try #require(call.child(.arguments))
        #expect(args.namedChildren.map(\.kind) == [.integer, .keywordArgument])
        #expect(args.namedChildren.array[1].child(.name)?.text == "y")
        #expect(call.parent == assignment)
        #expect(assignment.contains(args))
        #expect(!args.contains(assignment))
    }

    @Test func reportsSyntaxErrors() {
        let tree = PythonParser().parse(SourceText("def f(:\n    pass\nx = (1,\n"))
        #expect(tree.hasErrors)
        #expect(!tree.syntaxErrors.isEmpty)
    }

    @Test func bracketsPastCPythonsLimitAreOneSyntaxError() {
        // 200 nested brackets compile in CPython; the 201st is "too many nested parentheses". Deeper
        // runs are capped before tree-sitter (it corrupts its heap near 65,535 unreduced entries).
        let ok = "x = " + String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200) + "\n"
        #expect(PythonParser().parse(SourceText(ok)).syntaxErrors.isEmpty)
        for depth in [201, 10_000, 65_534, 70_000] {
            let text = "x = " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "\n"
            let errors = PythonParser().parse(SourceText(text)).syntaxErrors
            #expect(errors.map(\.range.start) == [4 + 200])
            #expect(errors.first?.message?.contains("too many nested parentheses") == true)
        }
        let unclosed = "x = " + String(repeating: "(", count: 65_534) + "\n"
        #expect(!PythonParser().parse(SourceText(unclosed)).syntaxErrors.isEmpty)
    }

    @Test func deepNestingDoesNotCrash() {
        let depth = 10_000
        let text = "x = " + String(repeating: "-", count: depth) + "1" + "\n"
        let tree = PythonParser().parse(SourceText(text))
        #expect(tree.nodeCount > depth)
        // Walking every node and every ancestor chain stays iterative.
        let innermost = tree.allNodes.first { $0.kind == .integer }
        #expect((innermost?.ancestors.reduce(0) { n, _ in n + 1 } ?? 0) > depth)
        #expect(tree.root.descendants.count == tree.nodeCount - 1)
    }

    @Test func incrementalReparseMatchesFullParse() throws {
        let parser = PythonParser()
        let original = SourceText("class A:\n    def f(self):\n        return 1\n")
        let document = parser.parseDocument(original)
        let offset = try #require(original.bytes.firstIndex(of: UInt8(ascii: "1")))
        let edited = parser.reparse(document, applying: TextEdit(range: offset..<(offset + 1), replacement: "self"))
        let fresh = parser.parse(edited.source)
        #expect(edited.source.text(0..<edited.source.byteCount).contains("return self"))
        #expect(edited.syntax.nodeCount == fresh.nodeCount)
        let editedKinds: [SyntaxKind] = edited.syntax.allNodes.map { $0.kind }
        let freshKinds: [SyntaxKind] = fresh.allNodes.map { $0.kind }
        #expect(editedKinds == freshKinds)
        let editedRanges: [SourceRange] = edited.syntax.allNodes.map { $0.range }
        let freshRanges: [SourceRange] = fresh.allNodes.map { $0.range }
        #expect(editedRanges == freshRanges)
    }
}

@Suite struct PositionTests {
    @Test func columnsInThreeUnits() {
        // "é" is 2 UTF-8 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 UTF-16 units.
        let source = SourceText("a = 1\ns = 'é😀'; x = 2\n")
        let offset = Array(source.bytes).indices.first { i in
            i > 6 && source.bytes[i] == UInt8(ascii: "x")
        }!
        let position = source.position(of: offset)
        #expect(position.line == 1)
        #expect(position.utf8Column == 14)
        #expect(position.scalarColumn == 10)
        #expect(position.utf16Column == 11)
        #expect(source.lineIndex.byteOffset(line: 1, utf16Column: 11, in: source.bytes) == offset)
    }

    @Test func lineEndingsCRLFAndLoneCR() {
        let source = SourceText("a\r\nb\rc\nd")
        #expect(source.lineIndex.lineCount == 4)
        #expect(source.lineText(0) == "a")
        #expect(source.lineText(1) == "b")
        #expect(source.lineText(2) == "c")
        #expect(source.lineText(3) == "d")
        #expect(source.position(of: 5).line == 2)
    }
}
