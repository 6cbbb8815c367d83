import LSPProtocol
import Testing

/// A server test's source with positions marked in it instead of counted by hand: `⟦name⟧` marks the
/// position of the character after it, as LSP counts it by default (line, UTF-16 code units). The marks
/// are removed from `text`, which is what the server is sent.
struct MarkedSource {
    let text: String
    let at: [String: Position]

    init(_ source: String) {
        var text = ""
        var at: [String: Position] = [:]
        var line = 0, column = 0
        var rest = Substring(source)
        while let open = rest.range(of: "⟦"), let close = rest[open.upperBound...].range(of: "⟧") {
            let plain = rest[..<open.lowerBound]
            for unit in plain.utf16 {
                if unit == 0x0A { line += 1; column = 0 } else { column += 1 }
            }
            text += plain
            let name = String(rest[open.upperBound..<close.lowerBound])
            precondition(at[name] == nil, "mark \(name) appears twice")
            at[name] = Position(line: line, character: column)
            rest = rest[close.upperBound...]
        }
        self.text = text + rest
        self.at = at
    }

    subscript(_ name: String) -> Position {
        guard let position = at[name] else { preconditionFailure("no mark \(name)") }
        return position
    }
}

@Suite struct MarkedSourceTests {
    @Test func marksAreRemovedAndPlacedInUTF16Units() {
        let marked = MarkedSource("⟦start⟧x = 1\ns = '😀' + ⟦afterEmoji⟧y\n⟦end⟧")
        #expect(marked.text == "x = 1\ns = '😀' + y\n")
        #expect(marked["start"] == Position(line: 0, character: 0))
        // The emoji is two UTF-16 units.
        #expect(marked["afterEmoji"] == Position(line: 1, character: 11))
        #expect(marked["end"] == Position(line: 2, character: 0))
    }
}
