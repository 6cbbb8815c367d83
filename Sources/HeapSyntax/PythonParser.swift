import CTreeSitter
import CTreeSitterPython

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
    public func parse(_ source: SourceText) -> SyntaxTree {
        parseDocument(source).syntax
    }

    /// Parses and keeps the C tree, so later edits can be re-parsed incrementally.
    public func parseDocument(_ source: SourceText) -> ParsedDocument {
        let cTree = parseC(source, old: nil)
        return ParsedDocument(source: source, cTree: cTree)
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
        let old = CTree(edited)
        let cTree = parseC(newSource, old: old)
        return ParsedDocument(source: newSource, cTree: cTree)
    }

    private static func point(_ position: SourcePosition) -> TSPoint {
        TSPoint(row: UInt32(position.line), column: UInt32(position.utf8Column))
    }

    private func parseC(_ source: SourceText, old: CTree?) -> CTree {
        // Python ends lines at a lone `\r` too; tree-sitter-python does not. Parse a copy with each
        // lone CR turned into LF: same length, so every offset (and the tree's text) stays the source's.
        let input = Self.loneCarriageReturnsAsNewlines(source.bytes)
        let pointer: OpaquePointer? = (input ?? source.bytes).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                ts_parser_parse_string(parser, old?.pointer, chars.baseAddress, UInt32(chars.count))
            }
        }
        // With no timeout or cancellation flag set, tree-sitter always returns a tree.
        guard let pointer else { preconditionFailure("tree-sitter returned no tree without a timeout") }
        return CTree(pointer)
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
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { ts_tree_delete(pointer) }
}

/// A parsed file that keeps its C tree for incremental re-parsing (the language server's documents).
public final class ParsedDocument: Sendable {
    public let source: SourceText
    public let syntax: SyntaxTree
    let cTree: CTree

    init(source: SourceText, cTree: CTree) {
        self.source = source
        self.cTree = cTree
        self.syntax = TreeFlattener.flatten(cTree.pointer, source: source)
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
    /// Maps the grammar's symbol and field ids to our enums; computed once, read-only afterwards.
    static let symbolKinds: [SyntaxKind] = {
        let language = tree_sitter_python()
        let count = Int(ts_language_symbol_count(language))
        var byName: [String: SyntaxKind] = [:]
        for kind in SyntaxKind.allCases { byName[kind.rawValue] = kind }
        return (0..<count).map { symbol in
            let id = TSSymbol(symbol)
            guard let cName = ts_language_symbol_name(language, id) else { return .other }
            let name = String(cString: cName)
            let named = ts_language_symbol_type(language, id) == TSSymbolTypeRegular
            if !named { return .token }
            return byName[name] ?? .other
        }
    }()

    static let fieldKinds: [SyntaxField] = {
        let language = tree_sitter_python()
        let count = Int(ts_language_field_count(language))
        var byName: [String: SyntaxField] = [:]
        for field in SyntaxField.allCases { byName[field.rawValue] = field }
        return (0...count).map { id in
            guard id > 0, let cName = ts_language_field_name_for_id(language, TSFieldId(id)) else { return .none }
            return byName[String(cString: cName)] ?? .none
        }
    }()

    static func flatten(_ tree: OpaquePointer, source: SourceText) -> SyntaxTree {
        let symbols = symbolKinds
        let fields = fieldKinds
        var records: [NodeRecord] = []
        records.reserveCapacity(source.byteCount / 3 + 16)
        var errors: [SyntaxError] = []
        var cursor = ts_tree_cursor_new(ts_tree_root_node(tree))
        defer { ts_tree_cursor_delete(&cursor) }
        // `lastChild[d]` is the index of the most recent node at depth d, to link siblings.
        var lastAtDepth: [Int32] = []
        var parents: [Int32] = []
        var depth = 0
        while true {
            let node = ts_tree_cursor_current_node(&cursor)
            let index = Int32(records.count)
            let symbol = Int(ts_node_symbol(node))
            var kind: SyntaxKind = symbol < symbols.count ? symbols[symbol] : .other
            let fieldID = Int(ts_tree_cursor_current_field_id(&cursor))
            let field: SyntaxField = fieldID < fields.count ? fields[fieldID] : .none
            var flags: UInt8 = 0
            if ts_node_is_named(node) { flags |= NodeRecord.isNamed }
            let missing = ts_node_is_missing(node)
            if missing { flags |= NodeRecord.isMissing }
            if ts_node_is_extra(node) { flags |= NodeRecord.isExtra }
            if symbol == Int(UInt16.max) { kind = .error; flags |= NodeRecord.isNamed }
            let start = ts_node_start_byte(node)
            let end = ts_node_end_byte(node)
            let parent: Int32 = parents.last ?? -1
            records.append(NodeRecord(start: start, end: end, parent: parent, subtreeEnd: index + 1,
                                      nextSibling: -1, kind: kind, field: field, flags: flags))
            if depth < lastAtDepth.count {
                let previous = lastAtDepth[depth]
                if previous >= 0 { records[Int(previous)].nextSibling = index }
                lastAtDepth[depth] = index
            } else {
                lastAtDepth.append(index)
            }
            if kind == .error || missing {
                var expected: String?
                if missing, let cName = ts_node_type(node) { expected = String(cString: cName) }
                errors.append(SyntaxError(range: SourceRange(start: Int(start), end: Int(end)),
                                          isMissing: missing, expected: expected))
            }
            if ts_tree_cursor_goto_first_child(&cursor) {
                parents.append(index)
                depth += 1
                if depth < lastAtDepth.count { lastAtDepth[depth] = -1 }
                continue
            }
            while !ts_tree_cursor_goto_next_sibling(&cursor) {
                guard ts_tree_cursor_goto_parent(&cursor) else {
                    records[0].subtreeEnd = Int32(records.count)
                    return SyntaxTree(source: source, records: records, syntaxErrors: errors)
                }
                // Back at the parent: its subtree ends where the next node will go.
                records[Int(parents.removeLast())].subtreeEnd = Int32(records.count)
                depth -= 1
            }
        }
    }
}
