import HeapLintKit
import HeapSyntax

/// The open documents and notebooks, owned by the server actor and changed only on its message loop.
///
/// Every entry is a value: a change replaces a document whole, and nothing outside the loop ever reads
/// the store. What an analysis or a request reads instead is an immutable copy: the `AnalysisJob`
/// taken before parsing (version, text, the edits since the last tree) and the `AnalysisResult` stored
/// after it (version, text, diagnostics), whose positions refer to the text they were computed from
/// however far the editor has typed since.
struct DocumentStore {
    /// Open documents by URI; an open notebook is the document of its own URI, its code cells joined.
    private var documents: [String: OpenDocument] = [:]
    /// Open notebooks by notebook URI (the cells, with their own URIs, that make up the document).
    private(set) var notebooks: [String: OpenNotebook] = [:]
    /// The last generation handed out (see `OpenDocument.generation`).
    private var lastGeneration = 0

    subscript(uri: String) -> OpenDocument? {
        get { documents[uri] }
        set { documents[uri] = newValue }
    }

    /// A copy of every open document, to iterate while the store changes.
    var all: [String: OpenDocument] { documents }

    func isOpen(_ uri: String) -> Bool { documents[uri] != nil }

    /// A generation for a document opened or replaced whole: the result of an analysis of an older one
    /// is dropped when it arrives.
    mutating func newGeneration() -> Int {
        lastGeneration += 1
        return lastGeneration
    }

    /// Opens (or reopens) a document; an analysis still running for an earlier open of it is cancelled.
    mutating func open(uri: String, version: Int, text: SourceText, notebook: NotebookLayout? = nil) {
        documents[uri]?.tail?.cancel()
        let generation = newGeneration()
        let path = HeapLintServer.path(fromURI: uri) ?? uri
        var document = OpenDocument(uri: uri, path: path, module: ModuleIdentity.of(path: path),
                                    generation: generation, version: version, text: text)
        document.notebook = notebook
        documents[uri] = document
    }

    /// Closes a document and cancels its analysis; returns what it was.
    @discardableResult
    mutating func close(_ uri: String) -> OpenDocument? {
        let closed = documents.removeValue(forKey: uri)
        closed?.tail?.cancel()
        return closed
    }

    /// Stops every analysis (on `shutdown`).
    func cancelAnalyses() {
        for document in documents.values { document.tail?.cancel() }
    }

    // MARK: Notebooks

    mutating func setNotebook(_ notebook: OpenNotebook) {
        notebooks[notebook.uri] = notebook
    }

    /// Closes a notebook and its joined document; returns the URIs of the cells it had.
    mutating func closeNotebook(_ uri: String) -> [String] {
        let cells = notebooks.removeValue(forKey: uri)?.cells.map(\.uri) ?? []
        close(uri)
        return cells
    }

    /// The open notebook a cell belongs to.
    func notebookURI(ofCell uri: String) -> String? {
        notebooks.first { $0.value.cell(uri) != nil }?.key
    }
}
