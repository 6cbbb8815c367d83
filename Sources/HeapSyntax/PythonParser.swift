import CTreeSitter
import CTreeSitterPython
import CHeapSyntax

/// How much work one tree-sitter parse may take (issue 26). tree-sitter's error recovery is
/// super-linear on some broken inputs (`x = [` then 40,000 `1: ` takes minutes in tree-sitter alone), so
/// every parse is bounded; a parse cut off yields an empty tree with `SyntaxTree.parseCutOff` set, which
/// the front ends report as HL003, and the run goes on.
///
/// The default bound is wall-clock (`ts_parser_set_timeout_micros`, the only budget the 0.23.2 runtime
/// offers cheaply): `seconds` plus `secondsPerMegabyte` per MB of source, so a large valid module (tree-
/// sitter parses about 3.5 MB/s per core on the shared 2-core machine) is never cut off while a
/// 140 KB pathological one stops after about 5 s. `operations` replaces the clock with a count of
/// tree-sitter's parse actions (`hl_parser_set_operation_budget`): the same cut-off on every machine,
/// for tests, at several times the parse's cost.
public struct ParseBudget: Sendable, Equatable {
    public var seconds: Double
    public var secondsPerMegabyte: Double
    public var operations: UInt64?

    public init(seconds: Double, secondsPerMegabyte: Double = ParseBudget.standard.secondsPerMegabyte, operations: UInt64? = nil) {
        self.seconds = seconds
        self.secondsPerMegabyte = secondsPerMegabyte
        self.operations = operations
    }

    public static let standard = ParseBudget(seconds: 5, secondsPerMegabyte: 1, operations: nil)
    /// No bound at all (`--parse-timeout 0`).
    public static let unlimited = ParseBudget(seconds: 0, secondsPerMegabyte: 0, operations: nil)

    /// The environment variables that set a budget: seconds (the CLI's `--parse-timeout` beats it), and
    /// the deterministic action count.
    public static let timeoutVariable = "HEAPLINT_PARSE_TIMEOUT"
    public static let operationsVariable = "HEAPLINT_PARSE_BUDGET_OPS"

    /// `base` with what `environment` sets; a message naming the variable when a value is malformed.
    public static func fromEnvironment(_ environment: [String: String], base: ParseBudget = .standard) -> Result<ParseBudget, ParseBudgetError> {
        var budget = base
        if let text = environment[timeoutVariable], !text.isEmpty {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
                return .failure(ParseBudgetError(message: "\(timeoutVariable)=\(text): expected a number of seconds, 0 or more (0: no limit)"))
            }
            budget = seconds == 0 ? .unlimited : ParseBudget(seconds: seconds, secondsPerMegabyte: base.secondsPerMegabyte)
        }
        if let text = environment[operationsVariable], !text.isEmpty {
            guard let count = UInt64(text) else {
                return .failure(ParseBudgetError(message: "\(operationsVariable)=\(text): expected a whole number of parse actions, 0 or more"))
            }
            budget.operations = count
        }
        return .success(budget)
    }

    /// The wall-clock bound for a source of `byteCount` bytes, in microseconds; 0 means none.
    func timeoutMicros(byteCount: Int) -> UInt64 {
        guard seconds > 0 else { return 0 }
        let total = seconds + secondsPerMegabyte * Double(byteCount) / 1_000_000
        return UInt64(min(total * 1_000_000, Double(UInt64.max / 2)))
    }

    func cutOffMessage(byteCount: Int) -> String {
        let limit: String
        if let operations {
            limit = "\(operations) parse actions (\(Self.operationsVariable))"
        } else {
            // Tenths of a second (HeapSyntax does without Foundation's String(format:)).
            let tenths = (Double(timeoutMicros(byteCount: byteCount)) / 100_000).rounded()
            limit = "\(tenths / 10) s for this file's size"
        }
        return "Not analysed: parsing stopped at its budget of \(limit); tree-sitter's error recovery can take minutes on long runs of broken code. Fix the syntax errors, or raise the budget with `--parse-timeout` / \(Self.timeoutVariable) (seconds per file, 0 for no limit)"
    }
}

public struct ParseBudgetError: Error, Sendable {
    public let message: String
}

/// Parses Python source with tree-sitter-python into `SyntaxTree`s, and re-parses edited documents
/// incrementally. A parser holds a C parser, so it is used by one thread at a time: make one per task.
public final class PythonParser {
    private let parser: OpaquePointer
    private let budget: ParseBudget
    /// The action counter tree-sitter's logger decrements (operation budgets only); owned by this parser.
    private let operationBudget: UnsafeMutablePointer<HLParseBudget>

    /// `budget` bounds every parse this parser runs. The front ends resolve it (`--parse-timeout`, the
    /// environment, the settings file) and hand it down through `Analyzer`; no process-wide default.
    public init(budget: ParseBudget = .standard) {
        // ts_parser_new only fails when malloc does; tree-sitter aborts itself in that case.
        parser = ts_parser_new()
        _ = ts_parser_set_language(parser, tree_sitter_python())
        self.budget = budget
        operationBudget = .allocate(capacity: 1)
        operationBudget.initialize(to: HLParseBudget(remaining: 0, cancelled: 0))
    }

    deinit {
        ts_parser_delete(parser)
        operationBudget.deallocate()
    }

    /// Parses a whole file. Never fails: invalid input yields a tree with `syntaxErrors`.
    ///
    /// A file with errors is parsed once more by `parseJoiningBracketLines`; that tree is used when it
    /// has no error at all.
    public func parse(_ source: SourceText) -> SyntaxTree {
        guard let cTree = parseC(source, old: nil) else { return cutOffTree(source) }
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
        // Cut off: the caller keeps the first parse's tree, which did finish.
        guard let cTree = parseC(bytes: joined, old: nil), cTree.tooDeepAt == nil, !ts_node_has_error(ts_tree_root_node(cTree.pointer)) else { return nil }
        return TreeFlattener.flatten(cTree, source: source, keepingIDs: false, reusing: nil)
    }

    /// Parses and keeps the C tree, so later edits can be re-parsed incrementally.
    public func parseDocument(_ source: SourceText) -> ParsedDocument {
        guard let cTree = parseC(source, old: nil) else { return cutOffDocument(source) }
        return ParsedDocument(source: source, cTree: cTree, previous: nil)
    }

    /// The empty module's tree standing for `source`, whose parse was cut off, with the reason.
    private func cutOffTree(_ source: SourceText) -> SyntaxTree {
        TreeFlattener.flatten(emptyCTree(), source: source, keepingIDs: false, reusing: nil,
                              parseCutOff: budget.cutOffMessage(byteCount: source.byteCount))
    }

    private func cutOffDocument(_ source: SourceText) -> ParsedDocument {
        ParsedDocument(source: source, cTree: emptyCTree(), previous: nil, parseCutOff: budget.cutOffMessage(byteCount: source.byteCount))
    }

    /// An empty module's tree, parsed with no budget (an empty input takes one step).
    private func emptyCTree() -> CTree {
        ts_parser_set_timeout_micros(parser, 0)
        hl_parser_clear_operation_budget(parser)
        guard let pointer = ts_parser_parse_string(parser, nil, "", 0) else {
            preconditionFailure("tree-sitter returned no tree for empty input without a budget")
        }
        return CTree(pointer)
    }

    /// Applies `edit` to `document` and re-parses, reusing the unchanged parts of the old tree.
    public func reparse(_ document: ParsedDocument, applying edit: TextEdit) -> ParsedDocument {
        let newSource = edit.applied(to: document.source)
        // A cut-off document's tree is an empty module, not the old text's: nothing to reuse.
        if document.syntax.parseCutOff != nil { return parseDocument(newSource) }
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
        guard let cTree = parseC(newSource, old: old) else { return cutOffDocument(newSource) }
        // Capped brackets change bytes outside the edit, which tree-sitter's reuse does not know of.
        if cTree.tooDeepAt != nil || old.tooDeepAt != nil {
            return parseDocument(newSource)
        }
        return ParsedDocument(source: newSource, cTree: cTree, previous: document)
    }

    private static func point(_ position: SourcePosition) -> TSPoint {
        TSPoint(row: UInt32(position.line), column: UInt32(position.utf8Column))
    }

    /// nil when the parse was cut off at the budget.
    private func parseC(_ source: SourceText, old: CTree?) -> CTree? {
        // Python ends lines at a lone `\r` too; tree-sitter-python does not. Parse a copy with each
        // lone CR turned into LF: same length, so every offset (and the tree's text) stays the source's.
        parseC(bytes: Self.loneCarriageReturnsAsNewlines(source.bytes) ?? source.bytes, old: old)
    }

    private func parseC(bytes original: [UInt8], old: CTree?) -> CTree? {
        let capped = BracketLines.cappingNesting(original)
        let input = capped?.bytes ?? original
        if let operations = budget.operations {
            ts_parser_set_timeout_micros(parser, 0)
            operationBudget.pointee = HLParseBudget(remaining: operations, cancelled: 0)
            hl_parser_set_operation_budget(parser, operationBudget)
        } else {
            hl_parser_clear_operation_budget(parser)
            ts_parser_set_timeout_micros(parser, budget.timeoutMicros(byteCount: input.count))
        }
        let pointer: OpaquePointer? = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                ts_parser_parse_string(parser, old?.pointer, chars.baseAddress, UInt32(chars.count))
            }
        }
        guard let pointer else {
            // Cut off at the budget. tree-sitter keeps the unfinished parse to resume it on the next
            // call; this parser's next input is another text (the next file of a worker), so start over.
            ts_parser_reset(parser)
            return nil
        }
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
    init(source: SourceText, cTree: CTree, previous: ParsedDocument?, parseCutOff: String? = nil) {
        self.source = source
        self.cTree = cTree
        self.syntax = TreeFlattener.flatten(cTree, source: source, keepingIDs: true, reusing: previous?.syntax,
                                            parseCutOff: parseCutOff)
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
    static func flatten(_ cTree: CTree, source: SourceText, keepingIDs: Bool, reusing previous: SyntaxTree?,
                        parseCutOff: String? = nil) -> SyntaxTree {
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
        return SyntaxTree(source: source, flat: flat, syntaxErrors: errors, parseCutOff: parseCutOff)
    }
}
