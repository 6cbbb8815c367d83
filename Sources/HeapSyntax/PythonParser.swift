import CTreeSitter
import CTreeSitterPython
import CHeapSyntax

/// Parses Python source with tree-sitter-python into `SyntaxTree`s, and re-parses edited documents
/// incrementally. A parser holds a C parser, so it is used by one thread at a time: make one per task.
public final class PythonParser {
    private let parser: OpaquePointer

    public init() {
        // ts_parser_new only fails when malloc does; tree-sitter aborts itself in that case.
        parser = ts_parser_new()
        _ = ts_parser_set_language(parser, tree_sitter_python())
    }

    deinit { ts_parser_delete(parser) }

    /// Parses a whole file. Never fails: invalid input yields a tree with `syntaxErrors`.
    ///
    /// A file with errors is parsed once more by `parseJoiningBracketLines`; that tree is used when it
    /// has no error at all.
    public func parse(_ source: SourceText) -> SyntaxTree {
        let cTree = parseC(source, old: nil)
        if cTree.tooDeepAt == nil, ts_node_has_error(ts_tree_root_node(cTree.pointer)),
           let clean = parseJoiningBracketLines(source) {
            return clean
        }
        return TreeFlattener.flatten(cTree, source: source, keepingIDs: false, reusing: nil)
    }

    /// The tree of `source` parsed with the newlines inside brackets turned into spaces (`BracketLines`,
    /// a workaround for the grammar's dedent inside brackets), when that parse has no error; nil when
    /// it has, or when there is no such newline. Offsets are the source's, and node texts come from it.
    public func parseJoiningBracketLines(_ source: SourceText) -> SyntaxTree? {
        let input = Self.loneCarriageReturnsAsNewlines(source.bytes) ?? source.bytes
        guard let joined = BracketLines.joined(input) else { return nil }
        let cTree = parseC(bytes: joined, old: nil)
        guard cTree.tooDeepAt == nil, !ts_node_has_error(ts_tree_root_node(cTree.pointer)) else { return nil }
        return TreeFlattener.flatten(cTree, source: source, keepingIDs: false, reusing: nil)
    }

    /// Parses and keeps the C tree, so later edits can be re-parsed incrementally.
    public func parseDocument(_ source: SourceText) -> ParsedDocument {
        let cTree = parseC(source, old: nil)
        return ParsedDocument(source: source, cTree: cTree, previous: nil)
    }

    /// Applies `edit` to `document` and re-parses, reusing the unchanged parts of the old tree.
    public func reparse(_ document: ParsedDocument, applying edit: TextEdit) -> ParsedDocument {
        let newSource = edit.applied(to: document.source)
        let start = edit.range.lowerBound
        let oldEnd = edit.range.upperBound
        let newEnd = start + edit.replacement.count
        var input = TSInputEdit(
            start_byte: UInt32(start), old_end_byte: UInt32(oldEnd), new_end_byte: UInt32(newEnd),
            start_point: Self.point(document.source.position(of: start)),
            old_end_point: Self.point(document.source.position(of: oldEnd)),
            new_end_point: Self.point(newSource.position(of: newEnd)))
        guard let edited = ts_tree_copy(document.cTree.pointer) else { return parseDocument(newSource) }
        ts_tree_edit(edited, &input)
        let old = CTree(edited, tooDeepAt: document.cTree.tooDeepAt)
        let cTree = parseC(newSource, old: old)
        // Capped brackets change bytes outside the edit, which tree-sitter's reuse does not know of.
        if cTree.tooDeepAt != nil || old.tooDeepAt != nil {
            return ParsedDocument(source: newSource, cTree: parseC(newSource, old: nil), previous: nil)
        }
        return ParsedDocument(source: newSource, cTree: cTree, previous: document)
    }

    private static func point(_ position: SourcePosition) -> TSPoint {
        TSPoint(row: UInt32(position.line), column: UInt32(position.utf8Column))
    }

    private func parseC(_ source: SourceText, old: CTree?) -> CTree {
        // Python ends lines at a lone `\r` too; tree-sitter-python does not. Parse a copy with each
        // lone CR turned into LF: same length, so every offset (and the tree's text) stays the source's.
        parseC(bytes: Self.loneCarriageReturnsAsNewlines(source.bytes) ?? source.bytes, old: old)
    }

    private func parseC(bytes original: [UInt8], old: CTree?) -> CTree {
        let capped = BracketLines.cappingNesting(original)
        let input = capped?.bytes ?? original
        let pointer: OpaquePointer? = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                ts_parser_parse_string(parser, old?.pointer, chars.baseAddress, UInt32(chars.count))
            }
        }
        // With no timeout or cancellation flag set, tree-sitter always returns a tree.
        guard let pointer else { preconditionFailure("tree-sitter returned no tree without a timeout") }
        return CTree(pointer, tooDeepAt: capped?.tooDeep)
    }

    /// A copy of `bytes` with lone `\r` (not followed by `\n`) replaced by `\n`; nil when there is none.
    static func loneCarriageReturnsAsNewlines(_ bytes: [UInt8]) -> [UInt8]? {
        guard let first = bytes.firstIndex(of: 0x0D) else { return nil }
        var copy: [UInt8]? = nil
        var i = first
        let n = bytes.count
        while i < n {
            if bytes[i] == 0x0D && (i + 1 == n || bytes[i + 1] != 0x0A) {
                if copy == nil { copy = bytes }
                copy![i] = 0x0A
            }
            i += 1
        }
        return copy
    }
}

/// Owns a C `TSTree` and frees it.
final class CTree: @unchecked Sendable {
    // Immutable after creation; tree-sitter trees may be read from several threads.
    let pointer: OpaquePointer
    /// Where `BracketLines.cappingNesting` changed the parsed bytes, nil if it did not.
    let tooDeepAt: BracketLines.TooDeep?
    init(_ pointer: OpaquePointer, tooDeepAt: BracketLines.TooDeep? = nil) {
        self.pointer = pointer
        self.tooDeepAt = tooDeepAt
    }
    deinit { ts_tree_delete(pointer) }
}

/// A parsed file that keeps its C tree for incremental re-parsing (the language server's documents).
public final class ParsedDocument: Sendable {
    public let source: SourceText
    public let syntax: SyntaxTree
    let cTree: CTree

    /// `previous`: the document `cTree` was re-parsed from, alive until this returns, whose flat
    /// records are copied for every subtree tree-sitter reused.
    init(source: SourceText, cTree: CTree, previous: ParsedDocument?) {
        self.source = source
        self.cTree = cTree
        self.syntax = TreeFlattener.flatten(cTree, source: source, keepingIDs: true, reusing: previous?.syntax)
    }
}

/// A replacement of a byte range with new bytes.
public struct TextEdit: Sendable, Hashable {
    public let range: Range<Int>
    public let replacement: [UInt8]

    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    public init(range: Range<Int>, replacement: String) {
        self.init(range: range, replacement: Array(replacement.utf8))
    }

    public func applied(to source: SourceText) -> SourceText {
        let lower = max(0, min(range.lowerBound, source.byteCount))
        let upper = max(lower, min(range.upperBound, source.byteCount))
        var bytes = source.bytes
        bytes.replaceSubrange(lower..<upper, with: replacement)
        return SourceText(bytes: bytes)
    }
}

enum TreeFlattener {
    /// Maps the grammar's symbol and field ids to our enums' ordinals; computed once, read-only afterwards.
    static let symbolKinds: [UInt8] = {
        let language = tree_sitter_python()
        let count = Int(ts_language_symbol_count(language))
        var byName: [String: SyntaxKind] = [:]
        for kind in SyntaxKind.allCases { byName[kind.rawValue] = kind }
        return (0..<count).map { symbol in
            let id = TSSymbol(symbol)
            guard let cName = ts_language_symbol_name(language, id) else { return SyntaxKind.other.ordinal }
            let named = ts_language_symbol_type(language, id) == TSSymbolTypeRegular
            if !named { return SyntaxKind.token.ordinal }
            return (byName[String(cString: cName)] ?? .other).ordinal
        }
    }()

    static let fieldKinds: [UInt8] = {
        let language = tree_sitter_python()
        let count = Int(ts_language_field_count(language))
        var byName: [String: SyntaxField] = [:]
        for field in SyntaxField.allCases { byName[field.rawValue] = field }
        return (0...count).map { id in
            guard id > 0, let cName = ts_language_field_name_for_id(language, TSFieldId(id)) else { return SyntaxField.none.ordinal }
            return (byName[String(cString: cName)] ?? .none).ordinal
        }
    }()

    /// `keepingIDs` stores node ids for a later incremental flattening; `previous` (flattened with ids
    /// from the tree `tree` was re-parsed from) lends its records to the subtrees tree-sitter reused.
    static func flatten(_ cTree: CTree, source: SourceText, keepingIDs: Bool, reusing previous: SyntaxTree?) -> SyntaxTree {
        let tree = cTree.pointer
        var flat = HLFlatTree()
        let status = symbolKinds.withUnsafeBufferPointer { kinds in
            fieldKinds.withUnsafeBufferPointer { fields in
                var tables = HLKindTables(
                    kind_of_symbol: kinds.baseAddress, symbol_count: UInt32(kinds.count),
                    error_kind: SyntaxKind.error.ordinal, other_kind: SyntaxKind.other.ordinal,
                    kind_count: UInt32(SyntaxKind.ordinalCount),
                    field_of_id: fields.baseAddress, field_count: UInt32(fields.count), no_field: SyntaxField.none.ordinal)
                if let previous {
                    return previous.withFlat { hl_flatten_incremental(tree, &tables, $0, &flat) }
                }
                return hl_flatten(tree, &tables, keepingIDs, &flat)
            }
        }
        // Out of memory while flattening: there is no sensible way on (Swift itself traps on OOM).
        guard status == 0 else { fatalError("heaplint: out of memory while flattening a syntax tree") }
        let language = tree_sitter_python()
        var errors: [SyntaxError] = []
        errors.reserveCapacity(flat.error_count + 1)
        if let tooDeep = cTree.tooDeepAt, tooDeep.offset >= 0 {
            errors.append(SyntaxError(range: SourceRange(start: tooDeep.offset, end: tooDeep.offset + 1), isMissing: false,
                                      expected: nil, message: tooDeep.message))
        }
        for i in 0..<flat.error_count {
            let error = flat.errors[i]
            let record = flat.records[Int(error.index)]
            let missing = record.flags & NodeRecord.isMissing != 0
            var expected: String?
            if missing, let cName = ts_language_symbol_name(language, error.symbol) { expected = String(cString: cName) }
            errors.append(SyntaxError(range: SourceRange(start: Int(record.start), end: Int(record.end)),
                                      isMissing: missing, expected: expected))
        }
        if cTree.tooDeepAt != nil { errors.sort { $0.range.start < $1.range.start } }
        return SyntaxTree(source: source, flat: flat, syntaxErrors: errors)
    }
}
