/// The bytes of one Python source file and the index that turns byte offsets into positions.
///
/// Core positions are UTF-8 byte offsets. Lines and columns (UTF-8 bytes, Unicode scalars for
/// display, UTF-16 code units for LSP) are computed on demand from the line index, so the tree
/// stays small and nothing is converted until a front end asks.
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    public let lineIndex: LineIndex

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.lineIndex = LineIndex(bytes)
    }

    public init(_ string: String) {
        self.init(bytes: Array(string.utf8))
    }

    public var byteCount: Int { bytes.count }

    /// The text of a byte range, decoded leniently (invalid UTF-8 becomes U+FFFD).
    public func text(_ range: Range<Int>) -> String {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }

    /// Whether the bytes in `range` equal `literal`, without allocating a String.
    public func bytes(_ range: Range<Int>, equal literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard range.count == count, range.upperBound <= bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            var i = 0
            while i < count {
                if bytes[range.lowerBound + i] != buffer[i] { return false }
                i += 1
            }
            return true
        }
    }

    /// Whether the bytes in `range` equal the UTF-8 of `string`, without allocating.
    public func bytes(_ range: Range<Int>, equal string: String) -> Bool {
        var string = string
        return string.withUTF8 { bytes(range, equal: $0) }
    }

    /// Whether the bytes in `range` equal `buffer`.
    public func bytes(_ range: Range<Int>, equal buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == buffer.count, range.lowerBound >= 0, range.upperBound <= bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { source in
            var i = 0
            while i < buffer.count {
                if source[range.lowerBound + i] != buffer[i] { return false }
                i += 1
            }
            return true
        }
    }

    public func position(of byteOffset: Int) -> SourcePosition {
        lineIndex.position(of: byteOffset, in: bytes)
    }

    /// The text of the 0-based line `line` without its line ending.
    public func lineText(_ line: Int) -> String {
        text(lineIndex.lineRange(line, in: bytes))
    }
}

/// A position in a source file. `line` is 0-based; columns are 0-based in three units.
public struct SourcePosition: Sendable, Hashable, Comparable {
    public let byteOffset: Int
    public let line: Int
    public let utf8Column: Int
    /// Unicode scalars from the start of the line: the column a person counts (ruff's `column` - 1).
    public let scalarColumn: Int
    /// UTF-16 code units from the start of the line: the LSP default `character`.
    public let utf16Column: Int

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool { lhs.byteOffset < rhs.byteOffset }
}

/// Byte offsets where each line starts. Python ends lines at `\n`, `\r\n` and a lone `\r`.
public struct LineIndex: Sendable {
    public let lineStarts: [Int]
    /// Per line: whether it holds a byte >= 0x80. ASCII lines (most lines of most files) get their
    /// columns in O(1) in `position(of:)`; others are scanned from the line start.
    let lineHasNonASCII: [Bool]

    public init(_ bytes: [UInt8]) {
        var starts = [0]
        var nonASCII: [Bool] = []
        starts.reserveCapacity(bytes.count / 32 + 1)
        nonASCII.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            var i = 0
            let n = buffer.count
            var high: UInt8 = 0
            while i < n {
                let b = buffer[i]
                high |= b
                if b == 0x0A {
                    starts.append(i + 1)
                    nonASCII.append(high & 0x80 != 0)
                    high = 0
                } else if b == 0x0D {
                    if i + 1 < n, buffer[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                    nonASCII.append(high & 0x80 != 0)
                    high = 0
                }
                i += 1
            }
            nonASCII.append(high & 0x80 != 0)
        }
        lineStarts = starts
        lineHasNonASCII = nonASCII
        // Long non-ASCII lines (minified or generated code): running counts every `checkpointStride`
        // bytes, so a column costs at most two short scans instead of a scan of the whole line.
        var needsCheckpoints = false
        for line in 0..<nonASCII.count where nonASCII[line] {
            let end = line + 1 < starts.count ? starts[line + 1] : bytes.count
            if end - starts[line] > 2 * Self.checkpointStride { needsCheckpoints = true; break }
        }
        var checkpoints: [Counts] = []
        if needsCheckpoints {
            checkpoints.reserveCapacity(bytes.count / Self.checkpointStride + 1)
            bytes.withUnsafeBufferPointer { buffer in
                var counts = Counts()
                for chunk in stride(from: 0, to: buffer.count, by: Self.checkpointStride) {
                    checkpoints.append(counts)
                    Self.advance(&counts, over: buffer, from: chunk, to: min(chunk + Self.checkpointStride, buffer.count))
                }
            }
        }
        self.checkpoints = checkpoints
    }

    static let checkpointStride = 1024
    /// `Counts` before byte `k * checkpointStride`, from the start of the file; empty unless needed.
    let checkpoints: [Counts]

    /// Scalars and UTF-16 units counted so far, and how many continuation bytes the last lead byte still covers.
    struct Counts: Sendable {
        var scalars = 0
        var utf16 = 0
        var pending = 0
    }

    /// Counts bytes `from..<to`. Scalars are counted by their lead bytes; a 4-byte scalar is two UTF-16
    /// units. Stray continuation bytes (invalid UTF-8) count as one unit each, as a decoder's U+FFFD would.
    @inline(__always)
    static func advance(_ counts: inout Counts, over buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) {
        var i = from
        while i < to {
            let b = buffer[i]
            if b < 0x80 {
                counts.scalars += 1
                counts.utf16 += 1
                counts.pending = 0
            } else if b & 0xC0 != 0x80 {
                counts.scalars += 1
                counts.utf16 += b >= 0xF0 ? 2 : 1
                counts.pending = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1
            } else if counts.pending > 0 {
                counts.pending -= 1
            } else {
                counts.scalars += 1
                counts.utf16 += 1
            }
            i += 1
        }
    }

    /// Counts from the start of the file to `offset` (checkpoints must exist).
    private func counts(upTo offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Counts {
        let k = min(offset / Self.checkpointStride, checkpoints.count - 1)
        var counts = checkpoints[k]
        Self.advance(&counts, over: buffer, from: k * Self.checkpointStride, to: offset)
        return counts
    }

    public var lineCount: Int { lineStarts.count }

    /// The 0-based line holding `byteOffset` (offsets past the end fall on the last line).
    public func line(of byteOffset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= byteOffset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The byte range of a line's content, without its terminator.
    public func lineRange(_ line: Int, in bytes: [UInt8]) -> Range<Int> {
        guard line >= 0, line < lineStarts.count else { return bytes.count..<bytes.count }
        let start = lineStarts[line]
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    public func position(of byteOffset: Int, in bytes: [UInt8]) -> SourcePosition {
        let offset = max(0, min(byteOffset, bytes.count))
        let line = line(of: offset)
        let start = lineStarts[line]
        if !lineHasNonASCII[line] {
            return SourcePosition(byteOffset: offset, line: line, utf8Column: offset - start,
                                  scalarColumn: offset - start, utf16Column: offset - start)
        }
        var scalars = 0, utf16 = 0
        bytes.withUnsafeBufferPointer { buffer in
            if offset - start > 2 * Self.checkpointStride && !checkpoints.isEmpty && buffer.count >= offset {
                // A line starts with no pending continuation bytes (the previous one ended in CR or LF).
                let before = counts(upTo: start, in: buffer), after = counts(upTo: offset, in: buffer)
                scalars = after.scalars - before.scalars
                utf16 = after.utf16 - before.utf16
            } else {
                var counts = Counts()
                Self.advance(&counts, over: buffer, from: start, to: offset)
                scalars = counts.scalars
                utf16 = counts.utf16
            }
        }
        return SourcePosition(byteOffset: offset, line: line, utf8Column: offset - start,
                              scalarColumn: scalars, utf16Column: utf16)
    }

    /// Inverse of `position(of:)` for LSP: a (line, UTF-16 column) to a byte offset, clamped to the line.
    public func byteOffset(line: Int, utf16Column: Int, in bytes: [UInt8]) -> Int {
        if line < 0 { return 0 }
        if line >= lineStarts.count { return bytes.count }
        let range = lineRange(line, in: bytes)
        var units = 0
        var i = range.lowerBound
        while i < range.upperBound && units < utf16Column {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            units += length == 4 ? 2 : 1
            i = min(i + length, range.upperBound)
        }
        return i
    }

    /// Inverse of `position(of:)` for byte columns (LSP's utf-8 encoding), clamped to the line.
    public func byteOffset(line: Int, utf8Column: Int, in bytes: [UInt8]) -> Int {
        if line < 0 { return 0 }
        if line >= lineStarts.count { return bytes.count }
        let range = lineRange(line, in: bytes)
        return min(range.lowerBound + max(0, utf8Column), range.upperBound)
    }
}

/// A half-open byte range in a source file.
public struct SourceRange: Sendable, Hashable, Comparable, Codable {
    public let start: Int
    public let end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = max(start, end) }
    /// For ranges known to be ordered (a node's): no clamping.
    @inlinable public init(uncheckedStart start: Int, end: Int) { self.start = start; self.end = end }
    public init(_ range: Range<Int>) { self.init(start: range.lowerBound, end: range.upperBound) }
    @inlinable public var range: Range<Int> { start..<end }
    @inlinable public func contains(_ offset: Int) -> Bool { offset >= start && offset < end }
    public static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}
