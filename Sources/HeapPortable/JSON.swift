// JSON for `[String: Any]` trees, in the exact text swift-corelibs-foundation's JSONSerialization writes
// with `.sortedKeys` (and `.prettyPrinted`, `.withoutEscapingSlashes`), and a strict reader that builds such
// trees (objects `[String: Any]`, arrays `[Any]`, `String`, `Int` or `Double`, `Bool`, `JSONNull`).

/// JSON's `null` inside an `Any` tree (what `NSNull()` was).
public struct JSONNull: Sendable, Equatable {
    public init() {}
}

public struct JSONError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum JSONText {
    public struct Options: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let prettyPrinted = Options(rawValue: 1)
        public static let sortedKeys = Options(rawValue: 2)
        public static let withoutEscapingSlashes = Options(rawValue: 4)
    }

    /// The UTF-8 JSON text of `value`; throws for values JSON cannot hold (non-finite numbers, other types).
    public static func data(_ value: Any, options: Options = []) throws -> [UInt8] {
        var writer = Writer(options: options)
        try writer.value(value)
        return Array(writer.out.utf8)
    }

    public static func string(_ value: Any, options: Options = []) throws -> String {
        var writer = Writer(options: options)
        try writer.value(value)
        return writer.out
    }

    /// The value of a JSON text (any value at the top level, like `.fragmentsAllowed`).
    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws -> Any where Bytes.Element == UInt8 {
        var reader = Reader(bytes: Array(bytes))
        return try reader.document()
    }

    /// Keys in JSONSerialization's `.sortedKeys` order, which is ICU's root collation with numeric digit
    /// runs, case-insensitive: space and ASCII punctuation (in the table's order) before digits, digits
    /// (compared as numbers) before letters, letters alphabetically; then lower case before upper case and
    /// fewer leading zeros first; then code points. Exact for ASCII keys (heaplint's keys are ASCII
    /// identifiers); other scalars sort after ASCII letters by code point.
    public static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let x = collationElements(a), y = collationElements(b)
        for (p, q) in zip(x, y) where p.primary != q.primary { return p.primary.lexicographicallyPrecedes(q.primary) }
        if x.count != y.count { return x.count < y.count }
        for (p, q) in zip(x, y) where p.tertiary != q.tertiary { return p.tertiary < q.tertiary }
        return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    private static let punctuationOrder = Array(" _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$".unicodeScalars)

    /// One element per punctuation mark, letter or digit run: a primary key (class, then value) and a
    /// tertiary one (case, leading zeros).
    private static func collationElements(_ s: String) -> [(primary: [UInt32], tertiary: Int)] {
        let scalars = Array(s.unicodeScalars)
        var out: [(primary: [UInt32], tertiary: Int)] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c.value >= 0x30 && c.value <= 0x39 {
                var end = i
                while end < scalars.count && scalars[end].value >= 0x30 && scalars[end].value <= 0x39 { end += 1 }
                let run = scalars[i..<end]
                let significant = run.drop { $0 == "0" }
                out.append((primary: [1, UInt32(significant.count)] + significant.map { $0.value }, tertiary: run.count - significant.count))
                i = end
                continue
            }
            if let rank = punctuationOrder.firstIndex(of: c) {
                out.append((primary: [0, UInt32(rank)], tertiary: 0))
            } else if (0x41...0x5A).contains(c.value) {
                out.append((primary: [2, c.value + 0x20], tertiary: 1))
            } else if (0x61...0x7A).contains(c.value) {
                out.append((primary: [2, c.value], tertiary: 0))
            } else {
                out.append((primary: [3, c.value], tertiary: 0))
            }
            i += 1
        }
        return out
    }

    struct Writer {
        let options: Options
        var out = ""
        var indent = 0

        mutating func value(_ value: Any) throws {
            switch value {
            case let s as String: string(s)
            case let b as Bool: out += b ? "true" : "false"
            case let n as Int: out += String(n)
            case let n as Int32: out += String(n)
            case let n as Int64: out += String(n)
            case let n as UInt: out += String(n)
            case let n as UInt8: out += String(n)
            case let n as UInt32: out += String(n)
            case let n as UInt64: out += String(n)
            case let n as Double: try double(n)
            case let n as Float: try double(Double(n))
            case is JSONNull: out += "null"
            case let array as [Any]: try self.array(array)
            case let object as [String: Any]: try self.object(object)
            case let optional as Optional<Any>:
                guard case .some(let wrapped) = optional else { out += "null"; return }
                try self.value(wrapped)
            default: throw JSONError("cannot write a value of type \(type(of: value)) as JSON")
            }
        }

        mutating func double(_ n: Double) throws {
            guard n.isFinite else { throw JSONError("cannot write a non-finite number as JSON") }
            var text = n.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            out += text
        }

        mutating func string(_ s: String) {
            out += "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/": out += options.contains(.withoutEscapingSlashes) ? "/" : "\\/"
                case "\u{8}": out += "\\b"
                case "\u{c}": out += "\\f"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{0}"..."\u{f}": out += "\\u000" + String(scalar.value, radix: 16)
                case "\u{10}"..."\u{1f}": out += "\\u00" + String(scalar.value, radix: 16)
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }

        var pretty: Bool { options.contains(.prettyPrinted) }
        mutating func writeIndent() { out += String(repeating: " ", count: indent) }

        mutating func array(_ array: [Any]) throws {
            out += "["
            if pretty { out += "\n"; indent += 2 }
            var first = true
            for element in array {
                if first { first = false } else { out += pretty ? ",\n" : "," }
                if pretty { writeIndent() }
                try value(element)
            }
            if pretty { out += "\n"; indent -= 2; writeIndent() }
            out += "]"
        }

        mutating func object(_ object: [String: Any]) throws {
            out += "{"
            if pretty { out += "\n"; indent += 2 }
            var first = true
            let pairs = options.contains(.sortedKeys)
                ? object.sorted { JSONText.keyPrecedes($0.key, $1.key) } : Array(object)
            for (key, element) in pairs {
                if first { first = false } else if pretty { out += ",\n" } else { out += "," }
                if pretty { writeIndent() }
                string(key)
                out += pretty ? " : " : ":"
                try value(element)
            }
            if pretty { out += "\n"; indent -= 2; writeIndent() }
            out += "}"
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var i = 0
        var depth = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte order mark is allowed before the text.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ what: String) -> JSONError {
            var line = 1, column = 1
            for b in bytes[..<min(i, bytes.count)] { if b == 0x0A { line += 1; column = 1 } else { column += 1 } }
            return JSONError("\(what) at line \(line), column \(column)")
        }

        mutating func document() throws -> Any {
            skipSpace()
            let result = try value()
            skipSpace()
            guard i == bytes.count else { throw fail("Unexpected text after the JSON value") }
            return result
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }

        mutating func value() throws -> Any {
            guard i < bytes.count else { throw fail("Unexpected end of file") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return try string()
            case UInt8(ascii: "t"): try literal("true"); return true
            case UInt8(ascii: "f"): try literal("false"); return false
            case UInt8(ascii: "n"): try literal("null"); return JSONNull()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw fail("Unexpected character '\(Unicode.Scalar(bytes[i]))'")
            }
        }

        mutating func literal(_ word: String) throws {
            let w = Array(word.utf8)
            guard bytes.count - i >= w.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("Invalid literal (expected `\(word)`)") }
            i += w.count
        }

        mutating func nested<T>(_ body: (inout Reader) throws -> T) throws -> T {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 512 else { throw fail("Too many nested arrays or objects") }
            return try body(&self)
        }

        mutating func object() throws -> Any {
            try nested { r in
                r.i += 1
                var result: [String: Any] = [:]
                r.skipSpace()
                if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "}") { r.i += 1; return result }
                while true {
                    r.skipSpace()
                    // A trailing comma is accepted, as Foundation's reader accepts it.
                    if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "}"), !result.isEmpty { r.i += 1; return result }
                    guard r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "\"") else { throw r.fail("Expected a string key") }
                    let key = try r.string()
                    r.skipSpace()
                    guard r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: ":") else { throw r.fail("Expected `:` after an object key") }
                    r.i += 1
                    r.skipSpace()
                    result[key] = try r.value()
                    r.skipSpace()
                    guard r.i < r.bytes.count else { throw r.fail("Unexpected end of file in an object") }
                    if r.bytes[r.i] == UInt8(ascii: ",") { r.i += 1; continue }
                    if r.bytes[r.i] == UInt8(ascii: "}") { r.i += 1; return result }
                    throw r.fail("Expected `,` or `}` in an object")
                }
            }
        }

        mutating func array() throws -> Any {
            try nested { r in
                r.i += 1
                var result: [Any] = []
                r.skipSpace()
                if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "]") { r.i += 1; return result }
                while true {
                    r.skipSpace()
                    if r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "]"), !result.isEmpty { r.i += 1; return result }
                    result.append(try r.value())
                    r.skipSpace()
                    guard r.i < r.bytes.count else { throw r.fail("Unexpected end of file in an array") }
                    if r.bytes[r.i] == UInt8(ascii: ",") { r.i += 1; continue }
                    if r.bytes[r.i] == UInt8(ascii: "]") { r.i += 1; return result }
                    throw r.fail("Expected `,` or `]` in an array")
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard bytes.count - i >= 4 else { throw fail("Unexpected end of file in a \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let d: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw fail("Invalid \\u escape")
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }

        mutating func string() throws -> String {
            i += 1
            var raw: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("Unexpected end of file in a string") }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { i += 1; break }
                if b < 0x20 { throw fail("Unescaped control character in a string") }
                if b != UInt8(ascii: "\\") { raw.append(b); i += 1; continue }
                i += 1
                guard i < bytes.count else { throw fail("Unexpected end of file in a string") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(e)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard bytes.count - i >= 6, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw fail("Unpaired UTF-16 surrogate in a \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("Unpaired UTF-16 surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw fail("Unpaired UTF-16 surrogate in a \\u escape")
                    }
                    raw.append(contentsOf: Array(String(Unicode.Scalar(code)!).utf8))
                default: throw fail("Invalid escape sequence in a string")
                }
            }
            guard let text = String(validating: raw, as: UTF8.self) else { throw fail("Invalid UTF-8 in a string") }
            return text
        }

        mutating func number() throws -> Any {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            func digits(_ r: inout Reader) -> Int {
                let s = r.i
                while r.i < r.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(r.bytes[r.i]) { r.i += 1 }
                return r.i - s
            }
            let integerStart = i
            guard digits(&self) > 0 else { throw fail("Invalid number") }
            if bytes[integerStart] == UInt8(ascii: "0") && i - integerStart > 1 { throw fail("Invalid number (leading zero)") }
            var isInteger = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1; isInteger = false
                guard digits(&self) > 0 else { throw fail("Invalid number (no digits after `.`)") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1; isInteger = false
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits(&self) > 0 else { throw fail("Invalid number (no digits in the exponent)") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if isInteger, let n = Int(text) { return n }
            guard let d = Double(text) else { throw fail("Invalid number") }
            return d
        }
    }
}
