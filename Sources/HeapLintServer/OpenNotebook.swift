import HeapDiagnostics
import HeapLintKit
import HeapSyntax
import LSPProtocol

/// A notebook notification the server cannot apply (unknown cell, range out of bounds): reported to
/// the client's log and ignored, the notebook keeps its last good state.
struct NotebookSyncError: Error, CustomStringConvertible {
    let description: String
}

/// An open Jupyter notebook (LSP 3.17 notebook sync): its cells in order, with the text of the Python
/// code cells. Its code cells are analysed as one module, joined exactly as `heaplint check` joins a
/// `.ipynb` file (`NotebookLoader.join`), so a class defined in one cell is seen in the next.
struct OpenNotebook {
    struct Cell {
        var uri: String
        var kind: Int
        /// The cell's text; nil for cells whose text is not synced (markdown, other languages).
        var text: SourceText?

        var isAnalysed: Bool { kind == NotebookCellKind.code && text != nil }
    }

    let uri: String
    var version: Int
    private(set) var cells: [Cell]

    init(uri: String, version: Int, cells: [Cell]) throws {
        self.uri = uri
        self.version = version
        self.cells = cells
        try checkUnique()
    }

    init(_ document: NotebookDocument, texts: [TextDocumentItem]) throws {
        let byURI = Dictionary(texts.map { ($0.uri, $0) }, uniquingKeysWith: { _, last in last })
        try self.init(uri: document.uri, version: document.version, cells: document.cells.map { cell in
            Cell(uri: cell.document, kind: cell.kind, text: byURI[cell.document].flatMap(Self.text(of:)))
        })
    }

    /// Only Python text is analysed (the server's selector asks for Python cells; a client may send more).
    private static func text(of item: TextDocumentItem) -> SourceText? {
        let language = item.languageId.lowercased()
        return language == "python" || language.isEmpty ? SourceText(item.text) : nil
    }

    private func checkUnique() throws {
        var seen = Set<String>()
        for cell in cells where !seen.insert(cell.uri).inserted {
            throw NotebookSyncError(description: "cell \(cell.uri) appears twice in notebook \(uri)")
        }
    }

    func cell(_ uri: String) -> Cell? { cells.first { $0.uri == uri } }

    /// Applies a cell-structure change: `deleteCount` cells removed at `start`, the given cells inserted
    /// there. A cell moved within the notebook (removed and inserted in one change) keeps its text;
    /// new cells take theirs from `didOpen`. Returns the URIs of the cells that left the notebook.
    /// Nothing changes when the change does not fit the notebook.
    @discardableResult
    mutating func apply(_ change: NotebookCellStructureChange) throws -> [String] {
        let array = change.array
        guard array.start >= 0, array.deleteCount >= 0, array.start <= cells.count,
              array.deleteCount <= cells.count - array.start else {
            throw NotebookSyncError(description: "cell change at \(array.start) deleting \(array.deleteCount) does not fit notebook \(uri) of \(cells.count) cells")
        }
        let removed = Array(cells[array.start..<(array.start + array.deleteCount)])
        var known = Dictionary(removed.map { ($0.uri, $0.text) }, uniquingKeysWith: { first, _ in first })
        for item in change.didOpen ?? [] { known[item.uri] = Self.text(of: item) }
        let inserted = (array.cells ?? []).map { cell in
            Cell(uri: cell.document, kind: cell.kind, text: known[cell.document] ?? nil)
        }
        var updated = self
        updated.cells.replaceSubrange(array.start..<(array.start + array.deleteCount), with: inserted)
        try updated.checkUnique()
        // A text document opened for a cell that was already there (a kind change, say) replaces its text.
        for item in change.didOpen ?? [] {
            if let index = updated.cells.firstIndex(where: { $0.uri == item.uri }) {
                updated.cells[index].text = Self.text(of: item)
            }
        }
        let remaining = Set(updated.cells.map(\.uri))
        self = updated
        return removed.map(\.uri).filter { !remaining.contains($0) }
    }

    /// Applies edits to one cell's text (ranged edits in the negotiated position encoding, or whole-text
    /// replacements), in order.
    mutating func apply(_ change: NotebookCellTextChange, positions: PositionMapping) throws {
        let cellURI = change.document.uri
        guard let index = cells.firstIndex(where: { $0.uri == cellURI }) else {
            throw NotebookSyncError(description: "text change for \(cellURI), which is not a cell of notebook \(uri)")
        }
        var text = cells[index].text ?? SourceText("")
        for edit in change.changes {
            if let range = edit.range {
                text = TextEdit(range: positions.byteRange(range, in: text), replacement: edit.text).applied(to: text)
            } else {
                text = SourceText(edit.text)
            }
        }
        if cells[index].text != nil || cells[index].kind == NotebookCellKind.code { cells[index].text = text }
    }

    /// The module analysed for the notebook and where each analysed cell sits in it.
    func joined() -> (text: SourceText, layout: NotebookLayout) {
        var code: [(number: Int, source: String)] = []
        var uris: [String] = []
        var sources: [SourceText] = []
        for (index, cell) in cells.enumerated() {
            guard cell.isAnalysed, let text = cell.text else { continue }
            code.append((index + 1, String(decoding: text.bytes, as: UTF8.self)))
            uris.append(cell.uri)
            sources.append(text)
        }
        let (module, map) = NotebookLoader.join(code)
        let text = SourceText(module)
        let total = module.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        var layout: [NotebookLayout.Cell] = []
        var masked = Set<Int>()
        for (i, entry) in map.cells.enumerated() {
            let next = i + 1 < map.cells.count ? map.cells[i + 1].firstLine : total
            layout.append(.init(uri: uris[i], number: entry.number, firstLine: entry.firstLine, lineCount: next - entry.firstLine))
            // Lines the joiner masked (IPython magics, shell escapes) differ from the cell's text.
            for line in 0..<(next - entry.firstLine) where line < sources[i].lineIndex.lineCount {
                let original = sources[i].bytes[sources[i].lineIndex.lineRange(line, in: sources[i].bytes)]
                let joined = text.bytes[text.lineIndex.lineRange(entry.firstLine + line, in: text.bytes)]
                if !original.elementsEqual(joined) { masked.insert(entry.firstLine + line) }
            }
        }
        return (text, NotebookLayout(cells: layout, maskedLines: masked))
    }
}

/// Where each analysed cell of a notebook sits in the joined module: converts positions both ways.
struct NotebookLayout: Sendable, Hashable {
    struct Cell: Sendable, Hashable {
        let uri: String
        /// 1-based among all the notebook's cells.
        let number: Int
        let firstLine: Int
        let lineCount: Int
    }

    let cells: [Cell]
    /// Module lines whose text is not the cell's (masked IPython syntax): no edit is offered on them.
    var maskedLines: Set<Int> = []

    var cellURIs: [String] { cells.map(\.uri) }

    func cell(_ uri: String) -> Cell? { cells.first { $0.uri == uri } }

    /// The cell holding module line `line` (lines past the end belong to the last cell).
    func cell(atModuleLine line: Int) -> Cell? {
        cells.last { $0.firstLine <= line } ?? cells.first
    }

    /// A position in a cell → the same position in the module.
    func modulePosition(_ p: Position, inCell uri: String) -> Position? {
        guard let cell = cell(uri) else { return nil }
        // A line past the cell's end is its last line (the byte offset clamps the column).
        return Position(line: cell.firstLine + min(max(0, p.line), max(0, cell.lineCount - 1)), character: p.character)
    }

    /// A module range → its cell and the range within it. A range running past its start's cell ends
    /// at the end of that cell's last line (a finding never spans cells).
    func cellRange(_ r: LSPRange, source: SourceText, positions: PositionMapping) -> (uri: String, range: LSPRange)? {
        guard let cell = cell(atModuleLine: r.start.line) else { return nil }
        let start = Position(line: max(0, r.start.line - cell.firstLine), character: r.start.character)
        var end: Position
        if r.end.line < cell.firstLine + cell.lineCount || cell.lineCount == 0 {
            end = Position(line: max(0, r.end.line - cell.firstLine), character: r.end.character)
        } else {
            let last = cell.firstLine + cell.lineCount - 1
            let lineEnd = source.lineIndex.lineRange(last, in: source.bytes).upperBound
            end = Position(line: cell.lineCount - 1, character: positions.position(ofByte: lineEnd, in: source).character)
        }
        if end.line < start.line || (end.line == start.line && end.character < start.character) { end = start }
        return (cell.uri, LSPRange(start: start, end: end))
    }

    /// A diagnostic on the module → the same diagnostic on its cell (related locations too).
    func cellDiagnostic(_ d: LSPDiagnostic, source: SourceText, positions: PositionMapping) -> (uri: String, diagnostic: LSPDiagnostic)? {
        guard let (uri, range) = cellRange(d.range, source: source, positions: positions) else { return nil }
        var mapped = d
        mapped.range = range
        mapped.relatedInformation = d.relatedInformation?.compactMap { info in
            guard let (relatedURI, relatedRange) = cellRange(info.location.range, source: source, positions: positions) else { return nil }
            return DiagnosticRelatedInformation(location: Location(uri: relatedURI, range: relatedRange), message: info.message)
        }
        return (uri, mapped)
    }

    /// Module diagnostics grouped by cell: every analysed cell has an entry (empty when clean).
    func diagnosticsByCell(_ items: [LSPDiagnostic], source: SourceText, positions: PositionMapping) -> [String: [LSPDiagnostic]] {
        var byCell = Dictionary(cells.map { ($0.uri, [LSPDiagnostic]()) }, uniquingKeysWith: { a, _ in a })
        for item in items {
            guard let (uri, diagnostic) = cellDiagnostic(item, source: source, positions: positions) else { continue }
            byCell[uri, default: []].append(diagnostic)
        }
        return byCell
    }

    /// A code action on the module → the same action on the cells; nil when one of its edits spans cells
    /// or touches a masked line (its columns are the mask's, not the cell's).
    func cellAction(_ action: CodeAction, source: SourceText, positions: PositionMapping) -> CodeAction? {
        var mapped = action
        mapped.diagnostics = action.diagnostics?.compactMap { cellDiagnostic($0, source: source, positions: positions)?.diagnostic }
        if let edit = action.edit {
            var changes: [String: [LSPTextEdit]] = [:]
            for textEdit in edit.changes.values.joined() {
                if (textEdit.range.start.line...max(textEdit.range.start.line, textEdit.range.end.line))
                    .contains(where: maskedLines.contains) { return nil }
                guard let startCell = cell(atModuleLine: textEdit.range.start.line),
                      startCell == cell(atModuleLine: textEdit.range.end.line)
                        || (textEdit.range.end.line == startCell.firstLine + startCell.lineCount && textEdit.range.end.character == 0),
                      let (uri, range) = cellRange(textEdit.range, source: source, positions: positions) else { return nil }
                changes[uri, default: []].append(LSPTextEdit(range: range, newText: textEdit.newText))
            }
            mapped.edit = WorkspaceEdit(changes: changes)
        }
        return mapped
    }
}
