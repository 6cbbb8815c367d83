public struct DidOpenTextDocumentParams: Sendable, Codable, Hashable {
    public var textDocument: TextDocumentItem
    public init(textDocument: TextDocumentItem) { self.textDocument = textDocument }
}

public struct DidChangeTextDocumentParams: Sendable, Codable, Hashable {
    public var textDocument: VersionedTextDocumentIdentifier
    public var contentChanges: [TextDocumentContentChangeEvent]
    public init(textDocument: VersionedTextDocumentIdentifier, contentChanges: [TextDocumentContentChangeEvent]) {
        self.textDocument = textDocument; self.contentChanges = contentChanges
    }
}

public struct DidSaveTextDocumentParams: Sendable, Codable, Hashable {
    public var textDocument: TextDocumentIdentifier
    public var text: String?
    public init(textDocument: TextDocumentIdentifier, text: String? = nil) {
        self.textDocument = textDocument; self.text = text
    }
}

public struct DidCloseTextDocumentParams: Sendable, Codable, Hashable {
    public var textDocument: TextDocumentIdentifier
    public init(textDocument: TextDocumentIdentifier) { self.textDocument = textDocument }
}

public struct DidChangeConfigurationParams: Sendable, Codable, Hashable {
    public var settings: JSONValue?
    public init(settings: JSONValue?) { self.settings = settings }
}

public struct FileEvent: Sendable, Codable, Hashable {
    public var uri: String
    /// 1 created, 2 changed, 3 deleted.
    public var type: Int
    public init(uri: String, type: Int) { self.uri = uri; self.type = type }
}

public struct DidChangeWatchedFilesParams: Sendable, Codable, Hashable {
    public var changes: [FileEvent]
    public init(changes: [FileEvent]) { self.changes = changes }
}

public struct WorkspaceFoldersChangeEvent: Sendable, Codable, Hashable {
    public var added: [WorkspaceFolder]
    public var removed: [WorkspaceFolder]
    public init(added: [WorkspaceFolder], removed: [WorkspaceFolder]) { self.added = added; self.removed = removed }
}

public struct DidChangeWorkspaceFoldersParams: Sendable, Codable, Hashable {
    public var event: WorkspaceFoldersChangeEvent
    public init(event: WorkspaceFoldersChangeEvent) { self.event = event }
}

public struct TextDocumentPositionParams: Sendable, Codable, Hashable {
    public var textDocument: TextDocumentIdentifier
    public var position: Position
    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument; self.position = position
    }
}

public struct Hover: Sendable, Codable, Hashable {
    public var contents: MarkupContent
    public var range: LSPRange?
    public init(contents: MarkupContent, range: LSPRange?) { self.contents = contents; self.range = range }
}

/// `client/registerCapability`.
public struct Registration: Sendable, Codable, Hashable {
    public var id: String
    public var method: String
    public var registerOptions: JSONValue?
    public init(id: String, method: String, registerOptions: JSONValue?) {
        self.id = id; self.method = method; self.registerOptions = registerOptions
    }
}

public struct RegistrationParams: Sendable, Codable, Hashable {
    public var registrations: [Registration]
    public init(registrations: [Registration]) { self.registrations = registrations }
}
