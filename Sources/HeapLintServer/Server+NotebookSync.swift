#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapLintKit
import HeapSyntax
import LSPProtocol
import LSPTransport

/// Notebook sync (LSP 3.17 `notebookDocument/*`): an open notebook's Python cells are joined into
/// one module, kept as the open document of the notebook's URI and analysed like a file.
extension HeapLintServer {
    func didOpenNotebook(_ params: DidOpenNotebookDocumentParams) throws {
        let notebook = try OpenNotebook(params.notebookDocument, texts: params.cellTextDocuments)
        let uri = notebook.uri
        if store.notebooks[uri] != nil { closeNotebook(uri) }
        store.setNotebook(notebook)
        let (text, layout) = notebook.joined()
        store.open(uri: uri, version: notebook.version, text: text, notebook: layout)
        scheduleAnalysis(uri)
    }

    /// Cell structure and cell text changes; metadata changes are ignored. A change that does not fit
    /// the notebook is rejected whole (logged), leaving the notebook as it was.
    func didChangeNotebook(_ params: DidChangeNotebookDocumentParams) throws {
        let uri = params.notebookDocument.uri
        guard var notebook = store.notebooks[uri], var document = store[uri] else {
            throw NotebookSyncError(description: "notebook \(uri) is not open")
        }
        var removed: [String] = []
        if let structure = params.change.cells?.structure { removed = try notebook.apply(structure) }
        for change in params.change.cells?.textContent ?? [] { try notebook.apply(change, positions: mapping.positions) }
        notebook.version = params.notebookDocument.version
        store.setNotebook(notebook)
        let (text, layout) = notebook.joined()
        if text.bytes == document.text.bytes && layout == document.notebook {
            // Metadata, outputs or markdown text: nothing heaplint analyses changed.
            document.version = notebook.version
            store[uri] = document
            return
        }
        if text.bytes != document.text.bytes {
            // One edit over the joined module keeps the incremental re-parse.
            document.pending.append(AnalysisJob.difference(from: document.text, to: text))
            document.text = text
        }
        document.notebook = layout
        document.version = notebook.version
        document.isDirty = true
        store[uri] = document
        clearDiagnostics(removed, of: uri)
        scheduleAnalysis(uri)
    }

    func didCloseNotebook(_ params: DidCloseNotebookDocumentParams) {
        let uri = params.notebookDocument.uri
        guard store.notebooks[uri] != nil else {
            log(.warning, "heaplint: notebookDocument/didClose for \(uri), which is not open; ignored")
            return
        }
        closeNotebook(uri, alsoClearing: params.cellTextDocuments.map(\.uri))
    }

    func closeNotebook(_ uri: String, alsoClearing extra: [String] = []) {
        let cells = store.closeNotebook(uri) + extra
        let published = publishedCells.removeValue(forKey: uri) ?? []
        clearDiagnostics(Array(Set(cells).union(published)).sorted(), of: nil)
    }
}
