/// The JSON-RPC 2.0 envelope. Incoming messages are decoded in two passes over the same bytes: first
/// this envelope (method and id), then the params as the type the method calls for.
public struct IncomingEnvelope: Sendable, Decodable {
    public let id: RequestID?
    public let method: String?
    /// Present on responses to requests the server sent (e.g. `window/workDoneProgress/create`).
    public let error: ResponseError?
    /// An `id` member that is neither a string, an integer nor null.
    public let hasInvalidID: Bool

    private enum CodingKeys: String, CodingKey { case id, method, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // A malformed id (an object, a float, a boolean) does not fail the message: it is flagged, so
        // the server can answer Invalid Request with a null id, as JSON-RPC 2.0 requires.
        id = try? container.decodeIfPresent(RequestID.self, forKey: .id)
        hasInvalidID = id == nil && container.contains(.id) && (try? container.decodeNil(forKey: .id)) != true
        method = try container.decodeIfPresent(String.self, forKey: .method)
        error = try? container.decodeIfPresent(ResponseError.self, forKey: .error)
    }

    public var isResponse: Bool { method == nil && id != nil }
}

/// Decodes `params` of a message; params may be absent for methods such as `shutdown`.
public struct ParamsEnvelope<Params: Decodable>: Decodable {
    public let params: Params
}

public struct ResponseError: Sendable, Codable, Hashable, Error {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    public static let serverNotInitialized = -32002
    public static let requestCancelled = -32800
    public static let contentModified = -32801
}

/// An outgoing response. `result` is encoded even when nil (`"result": null`), as JSON-RPC requires.
public struct ResponseMessage<Result: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public let id: RequestID?
    public let result: Result?
    public let error: ResponseError?

    public init(id: RequestID?, result: Result?) {
        self.id = id
        self.result = result
        self.error = nil
    }

    public init(id: RequestID?, error: ResponseError) {
        self.id = id
        self.result = nil
        self.error = error
    }

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, result, error }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jsonrpc, forKey: .jsonrpc)
        if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
        if let error { try container.encode(error, forKey: .error) }
        else if let result { try container.encode(result, forKey: .result) }
        else { try container.encodeNil(forKey: .result) }
    }
}

public struct NotificationMessage<Params: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public let method: String
    public let params: Params

    public init(method: String, params: Params) {
        self.method = method
        self.params = params
    }

    private enum CodingKeys: String, CodingKey { case jsonrpc, method, params }
}

public struct RequestMessage<Params: Encodable & Sendable>: Encodable, Sendable {
    public let jsonrpc = "2.0"
    public let id: RequestID
    public let method: String
    public let params: Params

    public init(id: RequestID, method: String, params: Params) {
        self.id = id
        self.method = method
        self.params = params
    }

    private enum CodingKeys: String, CodingKey { case jsonrpc, id, method, params }
}

/// `$/cancelRequest`.
public struct CancelParams: Sendable, Codable, Hashable {
    public var id: RequestID
    public init(id: RequestID) { self.id = id }
}

/// `$/setTrace`.
public struct SetTraceParams: Sendable, Codable, Hashable {
    public var value: String
    public init(value: String) { self.value = value }
}

/// `$/logTrace`.
public struct LogTraceParams: Sendable, Codable, Hashable {
    public var message: String
    public init(message: String) { self.message = message }
}
