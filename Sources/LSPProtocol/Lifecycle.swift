public struct InitializeParams: Sendable, Codable {
    public var processId: Int?
    public var rootUri: String?
    public var rootPath: String?
    public var capabilities: ClientCapabilities?
    public var initializationOptions: JSONValue?
    public var workspaceFolders: [WorkspaceFolder]?
    public var trace: String?

    public init(processId: Int? = nil, rootUri: String? = nil, capabilities: ClientCapabilities? = nil,
                initializationOptions: JSONValue? = nil, workspaceFolders: [WorkspaceFolder]? = nil) {
        self.processId = processId
        self.rootUri = rootUri
        self.capabilities = capabilities
        self.initializationOptions = initializationOptions
        self.workspaceFolders = workspaceFolders
    }
}

/// The client capabilities heaplint looks at; the rest is ignored.
public struct ClientCapabilities: Sendable, Codable {
    public struct General: Sendable, Codable {
        public var positionEncodings: [String]?
        public init(positionEncodings: [String]? = nil) { self.positionEncodings = positionEncodings }
    }
    public struct Window: Sendable, Codable {
        public var workDoneProgress: Bool?
        public init(workDoneProgress: Bool? = nil) { self.workDoneProgress = workDoneProgress }
    }
    public struct DynamicRegistration: Sendable, Codable {
        public var dynamicRegistration: Bool?
        public init(dynamicRegistration: Bool? = nil) { self.dynamicRegistration = dynamicRegistration }
    }
    public struct Workspace: Sendable, Codable {
        public var didChangeWatchedFiles: DynamicRegistration?
        public var workspaceFolders: Bool?
        public var configuration: Bool?
        public init(didChangeWatchedFiles: DynamicRegistration? = nil) {
            self.didChangeWatchedFiles = didChangeWatchedFiles
        }
    }
    public struct TextDocument: Sendable, Codable {
        /// Present when the client pulls diagnostics (`textDocument/diagnostic`).
        public var diagnostic: JSONValue?
        public init(diagnostic: JSONValue? = nil) { self.diagnostic = diagnostic }
    }
    public var general: General?
    public var window: Window?
    public var workspace: Workspace?
    public var textDocument: TextDocument?

    public init(general: General? = nil, window: Window? = nil, workspace: Workspace? = nil,
                textDocument: TextDocument? = nil) {
        self.general = general
        self.window = window
        self.workspace = workspace
        self.textDocument = textDocument
    }
}

public struct InitializeResult: Sendable, Codable {
    public struct ServerInfo: Sendable, Codable, Hashable {
        public var name: String
        public var version: String?
        public init(name: String, version: String?) { self.name = name; self.version = version }
    }
    public var capabilities: ServerCapabilities
    public var serverInfo: ServerInfo?
    public init(capabilities: ServerCapabilities, serverInfo: ServerInfo?) {
        self.capabilities = capabilities
        self.serverInfo = serverInfo
    }
}

public struct ServerCapabilities: Sendable, Codable {
    public struct SaveOptions: Sendable, Codable, Hashable {
        public var includeText: Bool
        public init(includeText: Bool) { self.includeText = includeText }
    }
    public struct TextDocumentSyncOptions: Sendable, Codable, Hashable {
        public var openClose: Bool
        /// 0 none, 1 full, 2 incremental.
        public var change: Int
        public var save: SaveOptions?
        public init(openClose: Bool, change: Int, save: SaveOptions?) {
            self.openClose = openClose; self.change = change; self.save = save
        }
    }
    public struct DiagnosticOptions: Sendable, Codable, Hashable {
        public var identifier: String?
        public var interFileDependencies: Bool
        public var workspaceDiagnostics: Bool
        public var workDoneProgress: Bool?
        public init(identifier: String?, interFileDependencies: Bool, workspaceDiagnostics: Bool,
                    workDoneProgress: Bool?) {
            self.identifier = identifier
            self.interFileDependencies = interFileDependencies
            self.workspaceDiagnostics = workspaceDiagnostics
            self.workDoneProgress = workDoneProgress
        }
    }
    public struct CodeActionOptions: Sendable, Codable, Hashable {
        public var codeActionKinds: [String]
        public var resolveProvider: Bool
        public init(codeActionKinds: [String], resolveProvider: Bool) {
            self.codeActionKinds = codeActionKinds; self.resolveProvider = resolveProvider
        }
    }
    public struct WorkspaceFoldersServerCapabilities: Sendable, Codable, Hashable {
        public var supported: Bool
        public var changeNotifications: Bool
        public init(supported: Bool, changeNotifications: Bool) {
            self.supported = supported; self.changeNotifications = changeNotifications
        }
    }
    public struct Workspace: Sendable, Codable, Hashable {
        public var workspaceFolders: WorkspaceFoldersServerCapabilities
        public init(workspaceFolders: WorkspaceFoldersServerCapabilities) { self.workspaceFolders = workspaceFolders }
    }

    public var positionEncoding: String
    public var textDocumentSync: TextDocumentSyncOptions
    public var hoverProvider: Bool
    public var codeActionProvider: CodeActionOptions
    public var diagnosticProvider: DiagnosticOptions
    public var workspace: Workspace
    /// LSP 3.17 notebook document sync (Jupyter notebooks by their Python cells).
    public var notebookDocumentSync: NotebookDocumentSyncOptions?

    public init(positionEncoding: String, textDocumentSync: TextDocumentSyncOptions, hoverProvider: Bool,
                codeActionProvider: CodeActionOptions, diagnosticProvider: DiagnosticOptions,
                workspace: Workspace, notebookDocumentSync: NotebookDocumentSyncOptions? = nil) {
        self.positionEncoding = positionEncoding
        self.notebookDocumentSync = notebookDocumentSync
        self.textDocumentSync = textDocumentSync
        self.hoverProvider = hoverProvider
        self.codeActionProvider = codeActionProvider
        self.diagnosticProvider = diagnosticProvider
        self.workspace = workspace
    }
}

/// Params for messages that carry none, or that heaplint ignores (`initialized`, `shutdown`).
public struct EmptyParams: Sendable, Codable, Hashable { public init() {} }
