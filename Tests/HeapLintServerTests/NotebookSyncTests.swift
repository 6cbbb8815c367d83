import HeapSyntax
import LSPProtocol
import Testing
@testable import HeapLintServer

private let utf16 = PositionMapping(encoding: .utf16)

private func notebook(_ cells: [(String, Int, String?)]) throws -> OpenNotebook {
    try OpenNotebook(uri: "file:///nb.ipynb", version: 1, cells: cells.map { uri, kind, text in
        OpenNotebook.Cell(uri: uri, kind: kind, text: text.map { SourceText($0) })
    })
}

private func code(_ uri: String) -> NotebookCell { NotebookCell(kind: NotebookCellKind.code, document: uri) }

private func item(_ uri: String, _ text: String, language: String = "python") -> TextDocumentItem {
    TextDocumentItem(uri: uri, languageId: language, version: 1, text: text)
}

private func texts(_ nb: OpenNotebook) -> [String] {
    nb.cells.map { $0.text.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "-" }
}

@Suite struct NotebookSyncTests {
    @Test func joinedModuleAndLayoutSkipMarkdownAndCountAllCells() throws {
        let nb = try notebook([("a", 2, "x = 1\ny = 2\n"), ("md", 1, nil), ("b", 2, "%time f()\nz = 3")])
        let (text, layout) = nb.joined()
        #expect(String(decoding: text.bytes, as: UTF8.self) == "x = 1\ny = 2\npass  # %time f()\nz = 3\n")
        #expect(layout.cells.map(\.uri) == ["a", "b"])
        #expect(layout.cells.map(\.number) == [1, 3])  // the markdown cell counts, as in `heaplint check`
        #expect(layout.cells.map(\.firstLine) == [0, 2])
        #expect(layout.cells.map(\.lineCount) == [2, 2])
        #expect(layout.cell(atModuleLine: 3)?.uri == "b")
        #expect(layout.modulePosition(Position(line: 1, character: 4), inCell: "b") == Position(line: 3, character: 4))
        // Past the end of a cell is its last line, never the next cell.
        #expect(layout.modulePosition(Position(line: 9, character: 0), inCell: "a") == Position(line: 1, character: 0))
    }

    @Test func insertDeleteAndMoveCells() throws {
        var nb = try notebook([("a", 2, "a\n"), ("b", 2, "b\n"), ("c", 2, "c\n")])
        var removed = try nb.apply(NotebookCellStructureChange(
            array: NotebookCellArrayChange(start: 1, deleteCount: 0, cells: [code("n")]), didOpen: [item("n", "n\n")]))
        #expect(removed.isEmpty)
        #expect(texts(nb) == ["a\n", "n\n", "b\n", "c\n"])
        // A move is one splice with no reopen: the moved cell keeps its text.
        removed = try nb.apply(NotebookCellStructureChange(
            array: NotebookCellArrayChange(start: 0, deleteCount: 4, cells: [code("n"), code("b"), code("c"), code("a")])))
        #expect(removed.isEmpty)
        #expect(nb.cells.map(\.uri) == ["n", "b", "c", "a"])
        #expect(texts(nb) == ["n\n", "b\n", "c\n", "a\n"])
        removed = try nb.apply(NotebookCellStructureChange(
            array: NotebookCellArrayChange(start: 1, deleteCount: 2), didClose: [TextDocumentIdentifier(uri: "b")]))
        #expect(removed == ["b", "c"])
        #expect(nb.cells.map(\.uri) == ["n", "a"])
    }

    @Test func aChangeThatDoesNotFitLeavesTheNotebookAlone() throws {
        var nb = try notebook([("a", 2, "a\n"), ("b", 2, "b\n")])
        let bad = [
            NotebookCellArrayChange(start: 3, deleteCount: 0),
            NotebookCellArrayChange(start: 1, deleteCount: 2),
            NotebookCellArrayChange(start: -1, deleteCount: 0),
            NotebookCellArrayChange(start: 0, deleteCount: -1),
            NotebookCellArrayChange(start: 0, deleteCount: 0, cells: [code("b")]),  // b twice
            NotebookCellArrayChange(start: 0, deleteCount: Int.max),
        ]
        for change in bad {
            #expect(throws: NotebookSyncError.self) { try nb.apply(NotebookCellStructureChange(array: change)) }
            #expect(nb.cells.map(\.uri) == ["a", "b"])
            #expect(texts(nb) == ["a\n", "b\n"])
        }
        #expect(throws: NotebookSyncError.self) {
            try OpenNotebook(uri: "nb", version: 1, cells: [.init(uri: "x", kind: 2, text: nil), .init(uri: "x", kind: 2, text: nil)])
        }
    }

    @Test func cellTextEditsIncrementalAndFull() throws {
        var nb = try notebook([("a", 2, "x = 1\n"), ("b", 2, "y = 2\n")])
        try nb.apply(NotebookCellTextChange(document: VersionedTextDocumentIdentifier(uri: "b", version: 2), changes: [
            TextDocumentContentChangeEvent(range: LSPRange(start: Position(line: 0, character: 4), end: Position(line: 0, character: 5)),
                                           text: "\"é\""),
            TextDocumentContentChangeEvent(range: LSPRange(start: Position(line: 0, character: 7), end: Position(line: 0, character: 7)),
                                           text: "\nw = 3"),
        ]), positions: utf16)
        #expect(texts(nb) == ["x = 1\n", "y = \"é\"\nw = 3\n"])
        try nb.apply(NotebookCellTextChange(document: VersionedTextDocumentIdentifier(uri: "a", version: 2),
                                            changes: [TextDocumentContentChangeEvent(text: "")]), positions: utf16)
        #expect(texts(nb) == ["", "y = \"é\"\nw = 3\n"])
        let (_, layout) = nb.joined()
        #expect(layout.cells.map(\.firstLine) == [0, 0])  // an empty cell has no lines
        #expect(layout.cells.map(\.lineCount) == [0, 2])
        #expect(throws: NotebookSyncError.self) {
            try nb.apply(NotebookCellTextChange(document: VersionedTextDocumentIdentifier(uri: "zzz", version: 1),
                                                changes: [TextDocumentContentChangeEvent(text: "")]), positions: utf16)
        }
    }

    @Test func nonPythonCellsAreNotAnalysed() throws {
        let document = NotebookDocument(uri: "nb", notebookType: "jupyter-notebook", version: 1,
                                        cells: [code("p"), code("sql"), NotebookCell(kind: NotebookCellKind.markup, document: "md")])
        let nb = try OpenNotebook(document, texts: [item("p", "x = 1\n"), item("sql", "SELECT 1\n", language: "sql"),
                                                    item("md", "# title\n", language: "markdown")])
        #expect(nb.joined().layout.cells.map(\.uri) == ["p"])
    }

    @Test func diagnosticsAndEditsMapToTheirCell() throws {
        let nb = try notebook([("a", 2, "x = 1\ny = 2\n"), ("b", 2, "z = 3\n")])
        let (text, layout) = nb.joined()
        func diagnostic(_ l1: Int, _ c1: Int, _ l2: Int, _ c2: Int) -> LSPDiagnostic {
            LSPDiagnostic(range: LSPRange(start: Position(line: l1, character: c1), end: Position(line: l2, character: c2)),
                          severity: .warning, code: "HL101", codeDescription: nil, source: "heaplint", message: "m",
                          tags: nil, relatedInformation: [DiagnosticRelatedInformation(
                            location: Location(uri: "file:///nb.ipynb", range: LSPRange(start: Position(line: 0, character: 0),
                                                                                        end: Position(line: 0, character: 1))),
                            message: "step")])
        }
        let byCell = layout.diagnosticsByCell([diagnostic(2, 0, 2, 5), diagnostic(1, 2, 2, 1)], source: text, positions: utf16)
        #expect(Set(byCell.keys) == ["a", "b"])
        #expect(byCell["b"]?.map(\.range) == [LSPRange(start: Position(line: 0, character: 0), end: Position(line: 0, character: 5))])
        // Running past its cell, a range ends at the end of the cell's last line.
        #expect(byCell["a"]?.map(\.range) == [LSPRange(start: Position(line: 1, character: 2), end: Position(line: 1, character: 5))])
        #expect(byCell["b"]?.first?.relatedInformation?.first?.location.uri == "a")

        let edit = LSPTextEdit(range: LSPRange(start: Position(line: 2, character: 5), end: Position(line: 2, character: 5)), newText: "  # noqa")
        let action = CodeAction(title: "t", kind: "quickfix", edit: WorkspaceEdit(changes: ["file:///nb.ipynb": [edit]]))
        let mapped = layout.cellAction(action, source: text, positions: utf16)
        #expect(mapped?.edit?.changes["b"]?.first?.range.start == Position(line: 0, character: 5))
        let spanning = LSPTextEdit(range: LSPRange(start: Position(line: 1, character: 0), end: Position(line: 2, character: 1)), newText: "")
        #expect(layout.cellAction(CodeAction(title: "t", kind: "quickfix", edit: WorkspaceEdit(changes: ["nb": [spanning]])),
                                  source: text, positions: utf16) == nil)
    }

    @Test func noEditIsOfferedOnAMaskedMagicLine() throws {
        let nb = try notebook([("a", 2, "x = 1\n!pip install y\nz = 2\n")])
        let (text, layout) = nb.joined()
        #expect(layout.maskedLines == [1])
        func action(line: Int) -> CodeAction {
            let at = Position(line: line, character: 5)
            return CodeAction(title: "t", kind: "quickfix", edit: WorkspaceEdit(changes: ["nb": [
                LSPTextEdit(range: LSPRange(start: at, end: at), newText: "  # noqa")]]))
        }
        #expect(layout.cellAction(action(line: 1), source: text, positions: utf16) == nil)
        #expect(layout.cellAction(action(line: 2), source: text, positions: utf16)?.edit?.changes["a"]?.count == 1)
    }

    @Test func carriageReturnsEndLinesAsInTheModule() throws {
        let nb = try notebook([("a", 2, "x = 1\ry = 2\r\n"), ("b", 2, "z = 3\n")])
        let (text, layout) = nb.joined()
        #expect(String(decoding: text.bytes, as: UTF8.self) == "x = 1\ny = 2\nz = 3\n")
        #expect(layout.cells.map(\.firstLine) == [0, 2])
        #expect(layout.maskedLines.isEmpty)
    }
}
