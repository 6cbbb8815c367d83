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
    /// The open notebook a cell belongs to.
    func notebookURI(ofCell uri: String) -> String? {
        notebooks.first { $0.value.cell(uri) != nil }?.key
    }

    func didOpenNotebook(_ params: DidOpenNotebookDocumentParams) throws {
        let notebook = try OpenNotebook(params.notebookDocument, texts: params.cellTextDocuments)
        let uri = notebook.uri
        if notebooks[uri] != nil { closeNotebook(uri) }
        notebooks[uri] = notebook
        documents[uri]?.tail?.cancel()
        nextGeneration += 1
        let path = Self.path(fromURI: uri) ?? uri
        let (text, layout) = notebook.joined()
        var document = OpenDocument(uri: uri, path: path, module: ModuleIdentity.of(path: path),
                                    generation: nextGeneration, version: notebook.version, text: text)
        document.notebook = layout
        documents[uri] = document
        scheduleAnalysis(uri)
    }

    /// Cell structure and cell text changes; metadata changes are ignored. A change that does not fit
    /// the notebook is rejected whole (logged), leaving the notebook as it was.
    func didChangeNotebook(_ params: DidChangeNotebookDocumentParams) throws {
        let uri = params.notebookDocument.uri
        guard var notebook = notebooks[uri], var document = documents[uri] else {
            throw NotebookSyncError(description: "notebook \(uri) is not open")
        }
        var removed: [String] = []
        if let structure = params.change.cells?.structure { removed = try notebook.apply(structure) }
        for change in params.change.cells?.textContent ?? [] { try notebook.apply(change, positions: mapping.positions) }
        notebook.version = params.notebookDocument.version
        notebooks[uri] = notebook
        let (text, layout) = notebook.joined()
        if text.bytes == document.text.bytes && layout == document.notebook {
            // Metadata, outputs or markdown text: nothing heaplint analyses changed.
            document.version = notebook.version
            documents[uri] = document
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
        documents[uri] = document
        clearDiagnostics(removed, of: uri)
        scheduleAnalysis(uri)
    }

    func didCloseNotebook(_ params: DidCloseNotebookDocumentParams) {
        let uri = params.notebookDocument.uri
        guard notebooks[uri] != nil else {
            log(.warning, "heaplint: notebookDocument/didClose for \(uri), which is not open; ignored")
            return
        }
        closeNotebook(uri, alsoClearing: params.cellTextDocuments.map(\.uri))
    }

    func closeNotebook(_ uri: String, alsoClearing extra: [String] = []) {
        let cells = (notebooks.removeValue(forKey: uri)?.cells.map(\.uri) ?? []) + extra
        documents.removeValue(forKey: uri)?.tail?.cancel()
        let published = publishedCells.removeValue(forKey: uri) ?? []
        clearDiagnostics(Array(Set(cells).union(published)).sorted(), of: nil)
    }
}
