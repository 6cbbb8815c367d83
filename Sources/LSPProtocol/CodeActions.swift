public struct CodeActionContext: Sendable, Codable, Hashable {
    public var diagnostics: [LSPDiagnostic]
    public var only: [String]?
    public init(diagnostics: [LSPDiagnostic], only: [String]? = nil) { self.diagnostics = diagnostics; self.only = only }
}

public struct CodeActionParams: Sendable, Codable, Hashable {
    public var textDocument: TextDocumentIdentifier
    public var range: LSPRange
    public var context: CodeActionContext
    public init(textDocument: TextDocumentIdentifier, range: LSPRange, context: CodeActionContext) {
        self.textDocument = textDocument; self.range = range; self.context = context
    }
}

public enum CodeActionKind {
    public static let quickFix = "quickfix"
    public static let source = "source"
    public static let sourceFixAll = "source.fixAll"
    public static let sourceFixAllHeapLint = "source.fixAll.heaplint"
}

public struct CodeAction: Sendable, Codable, Hashable {
    public var title: String
    public var kind: String?
    public var diagnostics: [LSPDiagnostic]?
    public var isPreferred: Bool?
    public var edit: WorkspaceEdit?
    public init(title: String, kind: String?, diagnostics: [LSPDiagnostic]? = nil, isPreferred: Bool? = nil,
                edit: WorkspaceEdit?) {
        self.title = title; self.kind = kind; self.diagnostics = diagnostics; self.isPreferred = isPreferred
        self.edit = edit
    }
}

/// `window/workDoneProgress/create` and `$/progress`.
public struct WorkDoneProgressCreateParams: Sendable, Codable, Hashable {
    public var token: RequestID
    public init(token: RequestID) { self.token = token }
}

public struct WorkDoneProgressValue: Sendable, Codable, Hashable {
    /// "begin", "report" or "end".
    public var kind: String
    public var title: String?
    public var message: String?
    public var percentage: Int?
    public var cancellable: Bool?
    public init(kind: String, title: String? = nil, message: String? = nil, percentage: Int? = nil,
                cancellable: Bool? = nil) {
        self.kind = kind; self.title = title; self.message = message; self.percentage = percentage
        self.cancellable = cancellable
    }
}

public struct ProgressParams: Sendable, Codable, Hashable {
    public var token: RequestID
    public var value: WorkDoneProgressValue
    public init(token: RequestID, value: WorkDoneProgressValue) { self.token = token; self.value = value }
}
