public enum DiagnosticSeverity: Int, Sendable, Codable, Hashable { case error = 1, warning, information, hint }
public enum DiagnosticTag: Int, Sendable, Codable, Hashable { case unnecessary = 1, deprecated }

public struct CodeDescription: Sendable, Codable, Hashable {
    public var href: String
    public init(href: String) { self.href = href }
}

public struct DiagnosticRelatedInformation: Sendable, Codable, Hashable {
    public var location: Location
    public var message: String
    public init(location: Location, message: String) { self.location = location; self.message = message }
}

public struct LSPDiagnostic: Sendable, Codable, Hashable {
    public var range: LSPRange
    public var severity: DiagnosticSeverity?
    public var code: String?
    public var codeDescription: CodeDescription?
    public var source: String?
    public var message: String
    public var tags: [DiagnosticTag]?
    public var relatedInformation: [DiagnosticRelatedInformation]?
    public var data: JSONValue?

    public init(range: LSPRange, severity: DiagnosticSeverity?, code: String?, codeDescription: CodeDescription?,
                source: String?, message: String, tags: [DiagnosticTag]? = nil,
                relatedInformation: [DiagnosticRelatedInformation]? = nil, data: JSONValue? = nil) {
        self.range = range
        self.severity = severity
        self.code = code
        self.codeDescription = codeDescription
        self.source = source
        self.message = message
        self.tags = tags
        self.relatedInformation = relatedInformation
        self.data = data
    }
}

public struct PublishDiagnosticsParams: Sendable, Codable, Hashable {
    public var uri: String
    public var version: Int?
    public var diagnostics: [LSPDiagnostic]
    public init(uri: String, version: Int?, diagnostics: [LSPDiagnostic]) {
        self.uri = uri; self.version = version; self.diagnostics = diagnostics
    }
}

public struct DocumentDiagnosticParams: Sendable, Codable, Hashable {
    public var textDocument: TextDocumentIdentifier
    public var identifier: String?
    public var previousResultId: String?
    public init(textDocument: TextDocumentIdentifier, previousResultId: String? = nil) {
        self.textDocument = textDocument; self.previousResultId = previousResultId
    }
}

/// A pull-diagnostics report: `full` with items or `unchanged` since `resultId`.
public struct DocumentDiagnosticReport: Sendable, Codable, Hashable {
    public var kind: String
    public var resultId: String?
    public var items: [LSPDiagnostic]?
    public init(kind: String, resultId: String?, items: [LSPDiagnostic]?) {
        self.kind = kind; self.resultId = resultId; self.items = items
    }
    public static func full(resultId: String?, items: [LSPDiagnostic]) -> Self {
        Self(kind: "full", resultId: resultId, items: items)
    }
    public static func unchanged(resultId: String) -> Self { Self(kind: "unchanged", resultId: resultId, items: nil) }
}

public struct PreviousResultId: Sendable, Codable, Hashable {
    public var uri: String
    public var value: String
    public init(uri: String, value: String) { self.uri = uri; self.value = value }
}

public struct WorkspaceDiagnosticParams: Sendable, Codable, Hashable {
    public var identifier: String?
    public var previousResultIds: [PreviousResultId]?
    public var workDoneToken: RequestID?
    public var partialResultToken: RequestID?
    public init(previousResultIds: [PreviousResultId]? = nil, workDoneToken: RequestID? = nil) {
        self.previousResultIds = previousResultIds; self.workDoneToken = workDoneToken
    }
}

public struct WorkspaceDocumentDiagnosticReport: Sendable, Codable, Hashable {
    public var kind: String
    public var resultId: String?
    public var uri: String
    /// The open document's version, or null for a file read from disk.
    public var version: Int?
    public var items: [LSPDiagnostic]?

    public init(kind: String, resultId: String?, uri: String, version: Int?, items: [LSPDiagnostic]?) {
        self.kind = kind; self.resultId = resultId; self.uri = uri; self.version = version; self.items = items
    }

    private enum CodingKeys: String, CodingKey { case kind, resultId, uri, version, items }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encodeIfPresent(resultId, forKey: .resultId)
        try c.encode(uri, forKey: .uri)
        // `version` is required (integer | null) in a workspace report.
        if let version { try c.encode(version, forKey: .version) } else { try c.encodeNil(forKey: .version) }
        try c.encodeIfPresent(items, forKey: .items)
    }
}

public struct WorkspaceDiagnosticReport: Sendable, Codable, Hashable {
    public var items: [WorkspaceDocumentDiagnosticReport]
    public init(items: [WorkspaceDocumentDiagnosticReport]) { self.items = items }
}
