/// A zero-based position; `character` counts units of the negotiated `positionEncoding`.
public struct Position: Sendable, Codable, Hashable, Comparable {
    public var line: Int
    public var character: Int
    public init(line: Int, character: Int) { self.line = line; self.character = character }
    public static func < (lhs: Position, rhs: Position) -> Bool {
        (lhs.line, lhs.character) < (rhs.line, rhs.character)
    }
}

public struct LSPRange: Sendable, Codable, Hashable {
    public var start: Position
    public var end: Position
    public init(start: Position, end: Position) { self.start = start; self.end = end }
}

public struct Location: Sendable, Codable, Hashable {
    public var uri: String
    public var range: LSPRange
    public init(uri: String, range: LSPRange) { self.uri = uri; self.range = range }
}

public struct TextDocumentIdentifier: Sendable, Codable, Hashable {
    public var uri: String
    public init(uri: String) { self.uri = uri }
}

public struct VersionedTextDocumentIdentifier: Sendable, Codable, Hashable {
    public var uri: String
    public var version: Int
    public init(uri: String, version: Int) { self.uri = uri; self.version = version }
}

public struct TextDocumentItem: Sendable, Codable, Hashable {
    public var uri: String
    public var languageId: String
    public var version: Int
    public var text: String
    public init(uri: String, languageId: String, version: Int, text: String) {
        self.uri = uri; self.languageId = languageId; self.version = version; self.text = text
    }
}

/// An edit of an open document: a range replaced by text, or (no range) the whole text.
public struct TextDocumentContentChangeEvent: Sendable, Codable, Hashable {
    public var range: LSPRange?
    public var text: String
    public init(range: LSPRange? = nil, text: String) { self.range = range; self.text = text }
}

public struct LSPTextEdit: Sendable, Codable, Hashable {
    public var range: LSPRange
    public var newText: String
    public init(range: LSPRange, newText: String) { self.range = range; self.newText = newText }
}

public struct WorkspaceEdit: Sendable, Codable, Hashable {
    public var changes: [String: [LSPTextEdit]]
    public init(changes: [String: [LSPTextEdit]]) { self.changes = changes }
}

public struct MarkupContent: Sendable, Codable, Hashable {
    public var kind: String
    public var value: String
    public init(kind: String = "markdown", value: String) { self.kind = kind; self.value = value }
}

public struct WorkspaceFolder: Sendable, Codable, Hashable {
    public var uri: String
    public var name: String
    public init(uri: String, name: String) { self.uri = uri; self.name = name }
}

public enum PositionEncoding {
    public static let utf8 = "utf-8"
    public static let utf16 = "utf-16"
    public static let utf32 = "utf-32"
}

public enum MessageType: Int, Sendable, Codable { case error = 1, warning, info, log }

public struct LogMessageParams: Sendable, Codable, Hashable {
    public var type: MessageType
    public var message: String
    public init(type: MessageType, message: String) { self.type = type; self.message = message }
}
