#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import LSPProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An incoming message after framing: its envelope (method, id) and the raw JSON to decode params from.
public struct IncomingMessage: Sendable {
    public let envelope: IncomingEnvelope
    public let body: Data

    public init(envelope: IncomingEnvelope, body: Data) {
        self.envelope = envelope
        self.body = body
    }

    /// Decodes `params` as `P`. Missing params decode as `P` from `{}` when possible.
    public func params<P: Decodable>(_ type: P.Type) throws -> P {
        try JSONDecoder().decode(ParamsEnvelope<P>.self, from: body).params
    }
}

/// What the reading loop delivers.
public enum TransportEvent: Sendable {
    case message(IncomingMessage)
    /// A frame that was not valid JSON-RPC; the connection already answered it with a parse error.
    case malformed(String)
}

/// Where outgoing messages go: stdout in the server, a collecting buffer in tests.
public protocol MessageSink: Sendable {
    func send<T: Encodable & Sendable>(_ value: T)
}

extension MessageSink {
    public func sendResponse<R: Encodable & Sendable>(id: RequestID?, result: R?) {
        send(ResponseMessage(id: id, result: result))
    }

    public func sendError(id: RequestID?, code: Int, message: String) {
        send(ResponseMessage<JSONValue>(id: id, error: ResponseError(code: code, message: message)))
    }

    public func sendNotification<P: Encodable & Sendable>(_ method: String, _ params: P) {
        send(NotificationMessage(method: method, params: params))
    }

    public func sendRequest<P: Encodable & Sendable>(id: RequestID, method: String, params: P) {
        send(RequestMessage(id: id, method: method, params: params))
    }
}

/// Writes framed messages to a file descriptor. Thread-safe: replies from concurrent tasks never
/// interleave inside a frame.
public final class MessageWriter: MessageSink, @unchecked Sendable {
    private let fd: Int32
    private let lock = Lock()
    private let encoder: JSONEncoder
    private var broken = false

    public init(fileDescriptor: Int32) {
        fd = fileDescriptor
        encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
    }

    public func send<T: Encodable & Sendable>(_ value: T) {
        let body: Data
        do {
            body = try lock.withLock { try encoder.encode(value) }
        } catch {
            return
        }
        writeFramed([UInt8](body))
    }

    public func writeFramed(_ body: [UInt8]) {
        let bytes = frame(body)
        lock.withLock {
            guard !broken else { return }
            var offset = 0
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                while offset < raw.count {
                    let n = write(fd, base + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        // The client went away; further writes are pointless.
                        broken = true
                        return
                    }
                    offset += n
                }
            }
        }
    }
}


/// Reads frames from a file descriptor on its own thread (blocking reads must not occupy Swift's
/// cooperative pool) and yields them as an `AsyncStream`. The stream finishes at end of input, so a
/// vanished client ends the server cleanly.
public enum MessageReader {
    public static func events(fileDescriptor fd: Int32, writer: MessageWriter) -> AsyncStream<TransportEvent> {
        let (stream, continuation) = AsyncStream<TransportEvent>.makeStream(bufferingPolicy: .unbounded)
        startDetachedThread(stackSize: 1 << 22) {
            var framer = MessageFramer()
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let decoder = JSONDecoder()
            while true {
                let n = chunk.withUnsafeMutableBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return read(fd, base, buffer.count)
                }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                framer.append(chunk[0..<n])
                while let event = framer.next() {
                    switch event {
                    case .malformed(let reason):
                        writer.sendError(id: nil, code: ResponseError.parseError, message: "Malformed frame: \(reason)")
                        continuation.yield(.malformed(reason))
                    case .message(let body):
                        let data = Data(LoneSurrogates.replaced(in: body))
                        do {
                            let envelope = try decoder.decode(IncomingEnvelope.self, from: data)
                            continuation.yield(.message(IncomingMessage(envelope: envelope, body: data)))
                        } catch {
                            let reason = "body is not a JSON-RPC message (\(body.count) bytes)"
                            writer.sendError(id: nil, code: ResponseError.parseError, message: "Parse error: \(reason)")
                            continuation.yield(.malformed(reason))
                        }
                    }
                }
            }
            continuation.finish()
        }
        return stream
    }
}
