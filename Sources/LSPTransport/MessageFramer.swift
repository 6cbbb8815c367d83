#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// LSPTransport: JSON-RPC messages over a byte stream with `Content-Length` framing, as LSP's base
/// protocol defines it. It knows frames and envelopes, not heaplint: the server gets decoded frames and
/// hands back encodable values.

/// What the framer found in the bytes so far.
public enum FrameEvent: Sendable, Equatable {
    /// One message body (JSON bytes, not yet decoded).
    case message([UInt8])
    /// Bytes that were not a valid frame and were skipped; the reader answers with a parse error.
    case malformed(String)
}

/// Splits a byte stream into frames. Tolerant by design: garbage before a header, a header without
/// `Content-Length`, or a body whose length was wrong are reported as `.malformed` and the framer
/// re-synchronises at the next `Content-Length:` header instead of giving up or waiting forever.
public struct MessageFramer: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where to continue looking for an embedded header inside a pending body (avoids rescanning).
    private var bodyScanFrom = 0
    /// Headers longer than this without a blank line are garbage.
    public static let maxHeaderBytes = 8 * 1024
    /// Bodies announced larger than this are refused (a 50 MB document fits).
    public static let maxBodyBytes = 256 * 1024 * 1024

    private static let headerName = Array("content-length:".utf8)

    public init() {}

    public mutating func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received but not yet framed.
    public var pendingByteCount: Int { buffer.count - start }

    /// The next complete event, or nil when more bytes are needed.
    public mutating func next() -> FrameEvent? {
        defer { compact() }
        // Skip blank lines between frames (some clients send a trailing newline).
        while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A { start += 1 }
        guard start < buffer.count else { return nil }
        guard let headerEnd = findHeaderEnd() else {
            if buffer.count - start > Self.maxHeaderBytes {
                return skipToNextHeader(after: start + 1, reason: "header longer than \(Self.maxHeaderBytes) bytes")
            }
            // A header may still be arriving, unless the bytes so far cannot be one.
            if !couldBeHeaderPrefix() {
                return skipToNextHeader(after: start + 1, reason: "bytes outside a frame")
            }
            return nil
        }
        guard let length = parseContentLength(start..<headerEnd.lowerBound) else {
            return skipToNextHeader(after: start + 1, reason: "header without a valid Content-Length")
        }
        if length > Self.maxBodyBytes {
            return skipToNextHeader(after: start + 1, reason: "Content-Length \(length) too large")
        }
        let bodyStart = headerEnd.upperBound
        let available = buffer.count - bodyStart
        if available >= length {
            // A body that does not end in `}` cannot be a JSON-RPC object. If the length was too large
            // and swallowed the start of the next frame, cut at that frame's header instead.
            if !endsWithBrace(bodyStart..<(bodyStart + length)) {
                let bodyEnd = bodyStart + length
                var candidates: [Int] = []
                var searchFrom = bodyStart
                while let embedded = findHeaderName(from: searchFrom, to: bodyEnd) {
                    candidates.append(embedded)
                    searchFrom = embedded + 1
                }
                // The swallowed part may end inside the header name ("Content-Le").
                for k in stride(from: min(Self.headerName.count - 1, length), through: 1, by: -1)
                where zip(buffer[(bodyEnd - k)..<bodyEnd], Self.headerName).allSatisfy({ Self.lower($0) == $1 }) {
                    candidates.append(bodyEnd - k)
                    break
                }
                for embedded in candidates {
                    let prefix = Array(buffer[bodyStart..<embedded])
                    guard isCompleteJSON(prefix) else { continue }
                    start = embedded
                    bodyScanFrom = 0
                    return .message(prefix)
                }
            }
            let body = Array(buffer[bodyStart..<(bodyStart + length)])
            // A body that is too short for its JSON (Content-Length too small) leaves the rest of the
            // JSON behind as garbage; that is reported when it is reached.
            start = bodyStart + length
            bodyScanFrom = 0
            return .message(body)
        }
        // Content-Length too large: if another frame's header already follows inside the would-be
        // body, the length was wrong. Hand back the bytes before it as a message (they may still be
        // valid JSON) and continue at that header.
        let scanFrom = max(bodyStart, bodyScanFrom)
        var searchFrom = scanFrom
        while let embedded = findHeaderName(from: searchFrom, to: buffer.count) {
            searchFrom = embedded + 1
            // The same words may sit inside a document's text; only a complete JSON value before them
            // proves that the announced length was wrong.
            let body = Array(buffer[bodyStart..<embedded])
            guard isCompleteJSON(body) else { continue }
            start = embedded
            bodyScanFrom = 0
            return .message(body)
        }
        bodyScanFrom = max(bodyStart, buffer.count - Self.headerName.count)
        return nil
    }

    private func endsWithBrace(_ range: Range<Int>) -> Bool {
        var i = range.upperBound - 1
        while i >= range.lowerBound, buffer[i] == 0x20 || buffer[i] == 0x0A || buffer[i] == 0x0D || buffer[i] == 0x09 { i -= 1 }
        return i >= range.lowerBound && buffer[i] == UInt8(ascii: "}")
    }

    private func isCompleteJSON(_ bytes: [UInt8]) -> Bool {
        guard let last = bytes.last(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
              last == UInt8(ascii: "}") else { return false }
        return (try? JSONText.parse(bytes)) != nil
    }

    private mutating func compact() {
        if start > 64 * 1024 && start > buffer.count / 2 {
            buffer.removeFirst(start)
            bodyScanFrom = max(0, bodyScanFrom - start)
            start = 0
        } else if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.count < 1 << 20)
            start = 0
            bodyScanFrom = 0
        }
    }

    /// The range of the `\r\n\r\n` that ends the header block starting at `start`.
    private func findHeaderEnd() -> Range<Int>? {
        var i = start
        let limit = min(buffer.count, start + Self.maxHeaderBytes + 4)
        while i + 3 < limit {
            if buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
                return i..<(i + 4)
            }
            i += 1
        }
        return nil
    }

    /// Whether the pending bytes look like the start of a header block (printable ASCII and CR/LF).
    private func couldBeHeaderPrefix() -> Bool {
        for i in start..<min(buffer.count, start + Self.maxHeaderBytes) {
            let b = buffer[i]
            if !(b == 0x0D || b == 0x0A || b == 0x09 || (b >= 0x20 && b < 0x7F)) { return false }
        }
        // A JSON body without a header ("{...") is garbage, not a header.
        return buffer[start] != UInt8(ascii: "{")
    }

    private func parseContentLength(_ range: Range<Int>) -> Int? {
        let text = String(decoding: buffer[range], as: UTF8.self)
        var length: Int?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingSpaces.lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            if name == "content-length" {
                guard let parsed = Int(value), parsed >= 0 else { return nil }
                length = parsed
            }
        }
        return length
    }

    private mutating func skipToNextHeader(after index: Int, reason: String) -> FrameEvent {
        let from = start
        if let next = findHeaderName(from: index, to: buffer.count) {
            start = next
        } else {
            // Keep a possible partial "Content-Length:" at the very end; drop the rest.
            var keep = buffer.count
            let longest = min(Self.headerName.count - 1, buffer.count - index)
            if longest > 0 {
                for k in stride(from: longest, through: 1, by: -1) {
                    let tail = buffer[(buffer.count - k)...]
                    if zip(tail, Self.headerName).allSatisfy({ Self.lower($0) == $1 }) {
                        keep = buffer.count - k
                        break
                    }
                }
            }
            start = keep
        }
        bodyScanFrom = 0
        return .malformed("\(reason); skipped \(start - from) bytes")
    }

    private func findHeaderName(from: Int, to end: Int) -> Int? {
        let name = Self.headerName
        var i = from
        while i + name.count <= end {
            if Self.lower(buffer[i]) == name[0] {
                var j = 1
                while j < name.count && Self.lower(buffer[i + j]) == name[j] { j += 1 }
                if j == name.count { return i }
            }
            i += 1
        }
        return nil
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

/// Frames a body for writing.
public func frame(_ body: [UInt8]) -> [UInt8] {
    Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
}
