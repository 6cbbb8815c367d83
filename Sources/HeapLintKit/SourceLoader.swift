#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapSyntax

/// A file's bytes turned into analysable UTF-8 text, or the reason it cannot be.
public enum LoadedSource: Sendable {
    case text(SourceText, encoding: SourceEncoding)
    /// The file cannot be analysed: an HL003 diagnostic with this message.
    case unreadable(String)
}

/// How the bytes on disk relate to the UTF-8 text heaplint analyses. Fixes are written back in the
/// same form (BOM re-added); files transcoded from a legacy encoding are never rewritten.
public enum SourceEncoding: Sendable, Equatable {
    case utf8
    case utf8WithBOM
    /// Declared by a PEP 263 coding cookie and transcoded to UTF-8.
    case transcoded(String)
    /// A Jupyter notebook's code cells joined into one module. `--fix` does not write notebooks: the
    /// text is not the file's bytes.
    case notebook(NotebookCellMap)

    public var isWritable: Bool {
        switch self {
        case .utf8, .utf8WithBOM: true
        case .transcoded, .notebook: false
        }
    }
    public var notebookCells: NotebookCellMap? { if case .notebook(let map) = self { return map } else { return nil } }
    public var isTranscoded: Bool { if case .transcoded = self { return true } else { return false } }
}

/// Reads and decodes Python source files.
public enum SourceLoader {
    public static func load(path: String) -> LoadedSource { loadKeepingBytes(path: path).source }

    /// `load`, refusing files over `maxBytes` by the size of what the path resolves to (a symlink's
    /// target, not the link), before reading any of it: the language server's cap, so one huge
    /// generated file cannot take seconds and gigabytes.
    public static func load(path: String, maxBytes: Int) -> LoadedSource {
        switch readBytes(path: path, maxBytes: maxBytes) {
        case .unreadable(let message): return .unreadable(message)
        case .bytes(let raw): return decode(raw, path: path)
        }
    }

    /// `load`, and the file's bytes as read (nil when it could not be read): `--fix` writes only over
    /// a file that still holds them.
    public static func loadKeepingBytes(path: String) -> (source: LoadedSource, raw: [UInt8]?) {
        switch readBytes(path: path) {
        case .unreadable(let message): return (.unreadable(message), nil)
        case .bytes(let raw): return (decode(raw, path: path), raw)
        }
    }

    private enum ReadResult {
        case bytes([UInt8])
        case unreadable(String)
    }

    private static func readBytes(path: String, maxBytes: Int = .max) -> ReadResult {
        var info = stat()
        if stat(path, &info) != 0 {
            let error = errno
            if error == ELOOP {
                return .unreadable("Cannot read file: it is a symbolic link loop")
            }
            var linkInfo = stat()
            if lstat(path, &linkInfo) == 0 && linkInfo.st_mode & S_IFMT == S_IFLNK {
                return .unreadable("Cannot read file: it is a symbolic link to a missing file")
            }
            return .unreadable("Cannot read file: \(errorText(errno))")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            return .unreadable("Cannot read file: it is a directory")
        }
        if info.st_mode & S_IFMT != S_IFREG {
            // A FIFO, socket or device named `*.py`: opening a FIFO would block forever.
            return .unreadable("Cannot read file: it is not a regular file (\(fileTypeName(info.st_mode)))")
        }
        if info.st_size > maxBytes { return tooLarge(Int(info.st_size), maxBytes) }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .unreadable("Cannot read file: \(errorText(errno))") }
        defer { close(fd) }
        // Read to EOF rather than trusting st_size (which is 0 for some special files).
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(info.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .unreadable("Cannot read file: \(errorText(errno))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            // Grown since the stat: stop reading rather than follow a file that keeps growing.
            if bytes.count > maxBytes { return tooLarge(bytes.count, maxBytes) }
        }
        return .bytes(bytes)
    }

    private static func tooLarge(_ size: Int, _ maxBytes: Int) -> ReadResult {
        .unreadable("Cannot analyse file: it is \(size) bytes, over the analysis limit of \(maxBytes) bytes")
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    /// Bytes → the text to analyse: a notebook (`.ipynb`) by its code cells, anything else as Python source.
    public static func decode(_ raw: [UInt8], path: String) -> LoadedSource {
        NotebookLoader.isNotebookPath(path) ? NotebookLoader.decode(raw) : decode(raw)
    }

    /// Bytes → UTF-8 text: strips a BOM, honours a PEP 263 cookie for common single-byte encodings,
    /// and rejects NUL bytes (CPython refuses them: "source code cannot contain null bytes").
    public static func decode(_ raw: [UInt8]) -> LoadedSource {
        if let wide = wideEncodingBOM(raw) {
            return .unreadable("Cannot analyse file: it is \(wide) (byte order mark); Python source must be UTF-8 or declare an 8-bit encoding")
        }
        if let nul = raw.firstIndex(of: 0) {
            let line = raw[..<nul].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            return .unreadable("Cannot analyse file: it contains a NUL byte (line \(line)); binary content is not Python source")
        }
        var bytes = raw
        var hadBOM = false
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes.removeFirst(3)
            hadBOM = true
        }
        let cookie = codingCookie(bytes)
        if let cookie, !hadBOM, !isUTF8Name(cookie) {
            switch transcode(bytes, from: cookie) {
            case .success(let utf8):
                return .text(SourceText(bytes: utf8), encoding: .transcoded(cookie))
            case .failure(let problem):
                return .unreadable("Cannot analyse file: \(problem)")
            }
        }
        if let bad = firstInvalidUTF8(bytes) {
            let line = bytes[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let hex = String(bytes[bad], radix: 16, uppercase: true)
            return .unreadable("Cannot analyse file: invalid UTF-8 (byte 0x\(hex) on line \(line)) and no coding declaration; save it as UTF-8 or add `# -*- coding: latin-1 -*-`")
        }
        return .text(SourceText(bytes: bytes), encoding: hadBOM ? .utf8WithBOM : .utf8)
    }

    static func fileTypeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "an unknown file type"
        }
    }

    /// UTF-32 and UTF-16 byte order marks (UTF-32 LE first: it starts like UTF-16 LE).
    static func wideEncodingBOM(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16" }
        return nil
    }

    /// PEP 263: `coding[:=]\s*([-\w.]+)` in a comment on line 1 or 2 (line 2 only if line 1 is a comment or blank).
    static func codingCookie(_ bytes: [UInt8]) -> String? {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i < bytes.count && lines.count < 2 {
            if bytes[i] == 0x0A {
                lines.append(bytes[start..<i])
                start = i + 1
            }
            i += 1
        }
        if lines.count < 2 && start < bytes.count { lines.append(bytes[start..<min(bytes.count, start + 400)]) }
        for (number, line) in lines.prefix(2).enumerated() {
            let text = String(decoding: line, as: UTF8.self)
            let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\u{0C}" }
            if trimmed.hasPrefix("#") {
                if let name = cookieName(in: String(trimmed)) { return name }
            } else if number == 0 && !trimmed.trimmingWhitespaceAndNewlines().isEmpty {
                return nil
            }
        }
        return nil
    }

    private static func cookieName(in comment: String) -> String? {
        guard let range = comment.firstScalarRange(of: "coding") else { return nil }
        var rest = comment[range.upperBound...]
        guard let first = rest.first, first == ":" || first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
        return name.isEmpty ? nil : name.lowercased()
    }

    private static func isUTF8Name(_ name: String) -> Bool {
        ["utf-8", "utf8", "utf_8", "utf-8-sig", "u8"].contains(name) || name.hasPrefix("utf-8-")
    }

    struct TranscodingProblem: Error, CustomStringConvertible {
        let description: String
    }

    /// Legacy-encoded bytes to UTF-8 with the C library's iconv (any encoding glibc knows: latin-1,
    /// cp1252, koi8-r, shift_jis, ...). Python codec spellings are tried as given and with `-` for `_`.
    static func transcode(_ bytes: [UInt8], from name: String) -> Result<[UInt8], TranscodingProblem> {
        let aliases: [String: String] = ["latin-1": "LATIN1", "latin1": "LATIN1", "l1": "LATIN1", "8859": "LATIN1",
                                         "iso-latin-1": "LATIN1", "646": "ASCII", "us-ascii": "ASCII"]
        let dashed = name.replacingAll("_", with: "-")
        var handle: iconv_t? = nil
        for candidate in [aliases[dashed], name, dashed].compactMap({ $0 }) {
            let h = iconv_open("UTF-8", candidate.uppercased())
            if let h, Int(bitPattern: h) != -1 { handle = h; break }
        }
        guard let handle else {
            return .failure(TranscodingProblem(description: "unsupported source encoding `\(name)` (declared by its coding cookie)"))
        }
        defer { iconv_close(handle) }
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        var input = bytes
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                if inLeft == 0 { return 0 }
                let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 || inLeft != 0 { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let produced else {
            return .failure(TranscodingProblem(description: "bytes are not valid `\(name)` as its coding cookie declares"))
        }
        return .success(Array(output[0..<produced]))
    }

    /// The offset of the first byte that breaks UTF-8, if any.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let length: Int
            if b >= 0xC2 && b <= 0xDF { length = 2 }
            else if b >= 0xE0 && b <= 0xEF { length = 3 }
            else if b >= 0xF0 && b <= 0xF4 { length = 4 }
            else { return i }
            guard i + length <= n else { return i }
            for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            // Overlongs and surrogates: let Swift's decoder judge the (short) sequence.
            if b == 0xE0 || b == 0xED || b == 0xF0 || b == 0xF4 {
                if String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil { return i }
            }
            i += length
        }
        return nil
    }
}
