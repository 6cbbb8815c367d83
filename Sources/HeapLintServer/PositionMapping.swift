import HeapSyntax
import LSPProtocol

/// Converts between heaplint's byte offsets and LSP positions in the negotiated encoding. The only
/// place the server deals in columns; out-of-range positions are clamped, never trusted.
public struct PositionMapping: Sendable, Hashable {
    public enum Encoding: String, Sendable { case utf8 = "utf-8", utf16 = "utf-16" }
    public let encoding: Encoding

    public init(encoding: Encoding) { self.encoding = encoding }

    /// Picks utf-8 when the client offers it (no conversion needed), otherwise the mandatory utf-16.
    public static func negotiate(_ offered: [String]?) -> PositionMapping {
        PositionMapping(encoding: (offered ?? []).contains(PositionEncoding.utf8) ? .utf8 : .utf16)
    }

    public func position(_ p: SourcePosition) -> Position {
        Position(line: p.line, character: encoding == .utf8 ? p.utf8Column : p.utf16Column)
    }

    public func position(ofByte offset: Int, in source: SourceText) -> Position {
        position(source.position(of: offset))
    }

    public func range(_ range: SourceRange, in source: SourceText) -> LSPRange {
        LSPRange(start: position(ofByte: range.start, in: source), end: position(ofByte: range.end, in: source))
    }

    public func byteOffset(_ p: Position, in source: SourceText) -> Int {
        let line = max(0, p.line)
        let column = max(0, p.character)
        switch encoding {
        case .utf8: return source.lineIndex.byteOffset(line: line, utf8Column: column, in: source.bytes)
        case .utf16: return source.lineIndex.byteOffset(line: line, utf16Column: column, in: source.bytes)
        }
    }

    /// The byte range of an LSP range; a reversed range is read as empty at its start.
    public func byteRange(_ r: LSPRange, in source: SourceText) -> Range<Int> {
        let start = byteOffset(r.start, in: source)
        let end = byteOffset(r.end, in: source)
        return end >= start ? start..<end : start..<start
    }

    public func textEdit(_ edit: TextEdit, in source: SourceText) -> LSPTextEdit {
        LSPTextEdit(range: range(SourceRange(edit.range), in: source),
                    newText: String(decoding: edit.replacement, as: UTF8.self))
    }
}
