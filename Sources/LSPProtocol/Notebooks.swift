/// LSP 3.17 notebook documents: a notebook is a list of cells, each cell's text a text document
/// synced through the `notebookDocument/*` notifications (not `textDocument/*`).

public struct NotebookDocumentSyncOptions: Sendable, Codable, Hashable {
    public struct CellLanguage: Sendable, Codable, Hashable {
        public var language: String
        public init(language: String) { self.language = language }
    }
    public struct Selector: Sendable, Codable, Hashable {
        /// A notebook type (`jupyter-notebook`); the LSP also allows a filter object here.
        public var notebook: String
        public var cells: [CellLanguage]
        public init(notebook: String, cells: [CellLanguage]) { self.notebook = notebook; self.cells = cells }
    }
    public var notebookSelector: [Selector]
    public var save: Bool?
    public init(notebookSelector: [Selector], save: Bool?) { self.notebookSelector = notebookSelector; self.save = save }
}

/// 1 markup, 2 code.
public enum NotebookCellKind {
    public static let markup = 1
    public static let code = 2
}

public struct NotebookCell: Sendable, Codable, Hashable {
    public var kind: Int
    /// The URI of the cell's text document.
    public var document: String
    public var metadata: JSONValue?
    public init(kind: Int, document: String, metadata: JSONValue? = nil) {
        self.kind = kind; self.document = document; self.metadata = metadata
    }
}

public struct NotebookDocument: Sendable, Codable, Hashable {
    public var uri: String
    public var notebookType: String
    public var version: Int
    public var metadata: JSONValue?
    public var cells: [NotebookCell]
    public init(uri: String, notebookType: String, version: Int, metadata: JSONValue? = nil, cells: [NotebookCell]) {
        self.uri = uri; self.notebookType = notebookType; self.version = version; self.metadata = metadata; self.cells = cells
    }
}

public struct NotebookDocumentIdentifier: Sendable, Codable, Hashable {
    public var uri: String
    public init(uri: String) { self.uri = uri }
}

public struct VersionedNotebookDocumentIdentifier: Sendable, Codable, Hashable {
    public var version: Int
    public var uri: String
    public init(version: Int, uri: String) { self.version = version; self.uri = uri }
}

public struct DidOpenNotebookDocumentParams: Sendable, Codable, Hashable {
    public var notebookDocument: NotebookDocument
    public var cellTextDocuments: [TextDocumentItem]
    public init(notebookDocument: NotebookDocument, cellTextDocuments: [TextDocumentItem]) {
        self.notebookDocument = notebookDocument; self.cellTextDocuments = cellTextDocuments
    }
}

/// `deleteCount` cells removed at `start`, then `cells` inserted there.
public struct NotebookCellArrayChange: Sendable, Codable, Hashable {
    public var start: Int
    public var deleteCount: Int
    public var cells: [NotebookCell]?
    public init(start: Int, deleteCount: Int, cells: [NotebookCell]? = nil) {
        self.start = start; self.deleteCount = deleteCount; self.cells = cells
    }
}

public struct NotebookCellStructureChange: Sendable, Codable, Hashable {
    public var array: NotebookCellArrayChange
    public var didOpen: [TextDocumentItem]?
    public var didClose: [TextDocumentIdentifier]?
    public init(array: NotebookCellArrayChange, didOpen: [TextDocumentItem]? = nil, didClose: [TextDocumentIdentifier]? = nil) {
        self.array = array; self.didOpen = didOpen; self.didClose = didClose
    }
}

public struct NotebookCellTextChange: Sendable, Codable, Hashable {
    public var document: VersionedTextDocumentIdentifier
    public var changes: [TextDocumentContentChangeEvent]
    public init(document: VersionedTextDocumentIdentifier, changes: [TextDocumentContentChangeEvent]) {
        self.document = document; self.changes = changes
    }
}

public struct NotebookCellsChange: Sendable, Codable, Hashable {
    public var structure: NotebookCellStructureChange?
    /// Changed cell metadata or execution summaries: heaplint ignores them.
    public var data: [NotebookCell]?
    public var textContent: [NotebookCellTextChange]?
    public init(structure: NotebookCellStructureChange? = nil, data: [NotebookCell]? = nil,
                textContent: [NotebookCellTextChange]? = nil) {
        self.structure = structure; self.data = data; self.textContent = textContent
    }
}

public struct NotebookDocumentChangeEvent: Sendable, Codable, Hashable {
    public var metadata: JSONValue?
    public var cells: NotebookCellsChange?
    public init(metadata: JSONValue? = nil, cells: NotebookCellsChange? = nil) { self.metadata = metadata; self.cells = cells }
}

public struct DidChangeNotebookDocumentParams: Sendable, Codable, Hashable {
    public var notebookDocument: VersionedNotebookDocumentIdentifier
    public var change: NotebookDocumentChangeEvent
    public init(notebookDocument: VersionedNotebookDocumentIdentifier, change: NotebookDocumentChangeEvent) {
        self.notebookDocument = notebookDocument; self.change = change
    }
}

public struct DidSaveNotebookDocumentParams: Sendable, Codable, Hashable {
    public var notebookDocument: NotebookDocumentIdentifier
    public init(notebookDocument: NotebookDocumentIdentifier) { self.notebookDocument = notebookDocument }
}

public struct DidCloseNotebookDocumentParams: Sendable, Codable, Hashable {
    public var notebookDocument: NotebookDocumentIdentifier
    public var cellTextDocuments: [TextDocumentIdentifier]
    public init(notebookDocument: NotebookDocumentIdentifier, cellTextDocuments: [TextDocumentIdentifier]) {
        self.notebookDocument = notebookDocument; self.cellTextDocuments = cellTextDocuments
    }
}
