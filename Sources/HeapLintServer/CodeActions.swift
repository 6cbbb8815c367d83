import HeapDiagnostics
import HeapSyntax
import LSPProtocol

/// Code actions for the diagnostics in a requested range: each finding's own fix, a `# noqa: HLxxx`
/// suppression, and one `source.fixAll.heaplint` applying every safe fix in the file.
public struct CodeActionBuilder: Sendable {
    public let mapping: DiagnosticMapping

    public init(mapping: DiagnosticMapping) { self.mapping = mapping }

    public func actions(uri: String, range: Range<Int>, only: [String]?, diagnostics: [Diagnostic],
                        source: SourceText) -> [CodeAction] {
        var actions: [CodeAction] = []
        let touched = diagnostics.filter { d in
            let r = d.finding.range
            // Overlap, counting a cursor (empty range) at either end of the finding.
            return r.start <= range.upperBound && range.lowerBound <= r.end
        }
        for d in touched {
            let lsp = mapping.lspDiagnostic(d, uri: uri, source: source)
            if let fix = d.fix, fix.applicability != .displayOnly {
                let edits = fix.edits.map { mapping.positions.textEdit($0, in: source) }
                let title = fix.applicability == .unsafe ? "\(fix.title) (unsafe)" : fix.title
                actions.append(CodeAction(title: "heaplint: \(title)", kind: CodeActionKind.quickFix,
                                          diagnostics: [lsp], isPreferred: fix.applicability == .safe,
                                          edit: WorkspaceEdit(changes: [uri: edits])))
            }
            if let edit = Self.noqaEdit(code: d.code, line: d.start.line, source: source) {
                actions.append(CodeAction(title: "heaplint: Suppress \(d.code) with `# noqa: \(d.code)`",
                                          kind: CodeActionKind.quickFix, diagnostics: [lsp], isPreferred: false,
                                          edit: WorkspaceEdit(changes: [uri: [mapping.positions.textEdit(edit, in: source)]])))
            }
        }
        let fixAll = Self.safeEdits(diagnostics)
        if !fixAll.isEmpty {
            actions.append(CodeAction(title: "heaplint: Fix all safely fixable problems",
                                      kind: CodeActionKind.sourceFixAllHeapLint,
                                      edit: WorkspaceEdit(changes: [uri: fixAll.map { mapping.positions.textEdit($0, in: source) }])))
        }
        guard let only, !only.isEmpty else { return actions }
        return actions.filter { action in
            guard let kind = action.kind else { return false }
            return only.contains { kind == $0 || kind.hasPrefix($0 + ".") }
        }
    }

    /// Every safe fix's edits, sorted; a fix overlapping one already taken is left for the next round.
    public static func safeEdits(_ diagnostics: [Diagnostic]) -> [TextEdit] {
        var taken: [TextEdit] = []
        let fixes = diagnostics.compactMap(\.fix).filter { $0.applicability == .safe }
            .sorted { ($0.edits.first?.range.lowerBound ?? 0) < ($1.edits.first?.range.lowerBound ?? 0) }
        for fix in fixes {
            let overlaps = fix.edits.contains { e in
                taken.contains { t in e.range.overlaps(t.range) || (e.range.isEmpty && t.range.contains(e.range.lowerBound)) }
            }
            if !overlaps { taken.append(contentsOf: fix.edits) }
        }
        return taken.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The edit that suppresses `code` on `line`: appends `  # noqa: CODE`, or adds the code to an
    /// existing `# noqa: ...` list. Nil when the line already suppresses it (or everything).
    public static func noqaEdit(code: String, line: Int, source: SourceText) -> TextEdit? {
        let lineRange = source.lineIndex.lineRange(line, in: source.bytes)
        let bytes = Array(source.bytes[lineRange])
        let marker = Array("# noqa".utf8)
        if let at = firstIndex(of: marker, in: bytes) {
            var i = at + marker.count
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }  // bare `# noqa`: all codes
            i += 1
            // The code list runs to the end of the line or the next comment marker.
            var listEnd = i
            while listEnd < bytes.count, bytes[listEnd] != UInt8(ascii: "#") { listEnd += 1 }
            let list = String(decoding: bytes[i..<listEnd], as: UTF8.self)
            let codes = list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
            if codes.contains(code) { return nil }
            var trimmedEnd = listEnd
            while trimmedEnd > i, bytes[trimmedEnd - 1] == 0x20 || bytes[trimmedEnd - 1] == 0x09 { trimmedEnd -= 1 }
            let insertAt = lineRange.lowerBound + trimmedEnd
            return TextEdit(range: insertAt..<insertAt, replacement: codes.isEmpty ? " \(code)" : ", \(code)")
        }
        var end = lineRange.upperBound
        // Put the comment after the code, not after trailing blanks.
        while end > lineRange.lowerBound, source.bytes[end - 1] == 0x20 || source.bytes[end - 1] == 0x09 { end -= 1 }
        let separator = end == lineRange.lowerBound ? "" : "  "
        return TextEdit(range: end..<lineRange.upperBound, replacement: "\(separator)# noqa: \(code)")
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return i
        }
        return nil
    }
}
