import Foundation
import Testing
@testable import HeapSyntax

/// Incremental flattening copies the records of every subtree tree-sitter reused; these tests hold
/// it to the result of flattening the new tree from scratch, record for record, over random edits
/// of real modules (typing, deleting, pasting, unbalancing brackets and quotes).
@Suite struct IncrementalFlattenTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func modules() throws -> [SourceText] {
        let names = ["HL1/HL101.py", "HL1/HL104.py", "HL3/HL301.py", "HL4/HL404.py", "HL0/HL001.py"]
        return try names.map { SourceText(bytes: [UInt8](try Data(contentsOf: fixtures.appendingPathComponent($0)))) }
    }

    /// Every derived fact of two trees, for an exact comparison.
    static func snapshot(_ tree: SyntaxTree) -> [String] {
        var lines: [String] = tree.allNodes.map { node in
            "\(node.index) \(node.kind) \(node.field) \(node.isNamed) \(node.isMissing) \(node.isExtra) "
                + "\(node.range.start)-\(node.range.end) p\(node.parent?.index ?? -1) e\(node.subtreeEnd) "
                + "s\(node.nextSibling?.index ?? -1)"
        }
        lines += tree.syntaxErrors.map { "error \($0.range.start)-\($0.range.end) \($0.isMissing) \($0.expected ?? "-")" }
        for kind in SyntaxKind.allCases {
            lines.append("\(kind): " + tree.nodes(ofKind: kind).map { String($0.index) }.joined(separator: ","))
        }
        return lines
    }

    static let insertions = ["x", "_", "(", ")", "[", "]", "\"", "'", ":", "\n", "    ", "self.", "def f(self):\n",
                             "class A:\n    pass\n", "#", "\\", "é", "lambda: 0", "try:\n", "\t", ""]

    @Test func randomEditsMatchAFreshFlattening() throws {
        let parser = PythonParser()
        for (number, module) in try Self.modules().enumerated() {
            var random = SplitMix(seed: UInt64(number) &+ 17)
            var document = parser.parseDocument(module)
            for step in 0..<60 {
                let count = document.source.byteCount
                let start = random.below(count + 1)
                let end = min(count, start + (random.below(4) == 0 ? random.below(200) : random.below(3)))
                let text = Self.insertions[random.below(Self.insertions.count)]
                // Keep edits on character boundaries, as an editor's are.
                let bytes = document.source.bytes
                var lower = start, upper = end
                while lower > 0, lower < count, bytes[lower] & 0xC0 == 0x80 { lower -= 1 }
                while upper < count, bytes[upper] & 0xC0 == 0x80 { upper += 1 }
                document = parser.reparse(document, applying: TextEdit(range: lower..<max(lower, upper), replacement: text))
                let fresh = parser.parse(document.source)
                let incremental = Self.snapshot(document.syntax), expected = Self.snapshot(fresh)
                #expect(incremental == expected, "module \(number), step \(step)")
                if incremental != expected { return }
            }
        }
    }

    @Test func typingInOneFunctionCopiesTheRest() {
        // An edit inside one of 200 functions: the other functions' records are copied, not walked.
        let parser = PythonParser()
        var text = ""
        for i in 0..<200 { text += "def f\(i)(a, b):\n    return a + b * \(i)\n\n" }
        let document = parser.parseDocument(SourceText(text))
        let offset = text.utf8.count / 2 + 1
        let edited = parser.reparse(document, applying: TextEdit(range: offset..<offset, replacement: "z"))
        #expect(Self.snapshot(edited.syntax) == Self.snapshot(parser.parse(edited.source)))
        #expect(document.syntax.walkedNodeCount == document.syntax.nodeCount)
        #expect(edited.syntax.walkedNodeCount < edited.syntax.nodeCount / 10,
                "walked \(edited.syntax.walkedNodeCount) of \(edited.syntax.nodeCount)")
    }
}

extension SplitMix {
    /// A number in `0..<n` (0 when `n` is not positive).
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}
