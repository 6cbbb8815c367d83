/// A TOML 1.0 reader (https://toml.io/en/v1.0.0): the whole syntax a pyproject.toml may hold, so other tools'
/// tables parse too, with the spec's rules against defining a key or table twice. No Foundation: the release
/// binary links no ICU data (issue 27).
public enum TOMLDocument {
    /// The document's root table. Throws `TOMLError` (with line and column) for anything that is not TOML 1.0.
    public static func parse(_ text: String) throws -> [String: TOMLValue] {
        var parser = TOMLParser(text)
        return try parser.document()
    }
}

/// One part of a (possibly dotted) key, with where it was written for error messages.
private struct KeyPart {
    let name: String
    let offset: Int
}

/// A table while the document is read: its entries and how it came to exist, which decides what may still
/// add to it (the spec's "defining a table twice" rules).
private struct DraftTable {
    enum Origin {
        /// Created as the parent of a `[a.b]` header: `[a]` may still define it, once.
        case implicit
        /// Defined by its own `[header]` (or the root).
        case header
        /// Created by a dotted key (`a.b = 1`): no header may define it, though `[a.sub]` may add sub-tables.
        case dotted
    }

    indirect enum Entry {
        /// A plain value, including static arrays and inline tables (both closed to later additions).
        case value(TOMLValue)
        case table(DraftTable)
        case arrayOfTables([DraftTable])
    }

    var origin: Origin
    var entries: [String: Entry] = [:]

    var value: [String: TOMLValue] {
        entries.mapValues { entry in
            switch entry {
            case let .value(value): value
            case let .table(table): .table(table.value)
            case let .arrayOfTables(tables): .array(tables.map { .table($0.value) })
            }
        }
    }
}

private func quoted(_ path: [String]) -> String {
    "`" + path.map { name in
        !name.isEmpty && name.unicodeScalars.allSatisfy { isBareKeyByte($0.value) } ? name : "\"\(name)\""
    }.joined(separator: ".") + "`"
}

private func isBareKeyByte<T: BinaryInteger>(_ c: T) -> Bool {
    (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
}

private func describe(_ entry: DraftTable.Entry) -> String {
    switch entry {
    case let .value(value):
        switch value {
        case .table: "an inline table (inline tables are complete as written)"
        case .array: "an array value"
        default: "a value"
        }
    case .table: "a table"
    case .arrayOfTables: "an array of tables"
    }
}

/// The thrown failure before it is placed: a message at a byte offset.
private struct Failure: Error {
    let offset: Int
    let message: String
}

extension DraftTable {
    /// `[path]` (or `[[path]]` when `arrayOfTables`), below this table.
    mutating func open(_ keys: ArraySlice<KeyPart>, prefix: [String], arrayOfTables: Bool) throws(Failure) {
        let key = keys[keys.startIndex]
        let rest = keys.dropFirst()
        let path = prefix + [key.name]
        if rest.isEmpty {
            switch entries[key.name] {
            case nil:
                entries[key.name] = arrayOfTables ? .arrayOfTables([DraftTable(origin: .header)])
                                                  : .table(DraftTable(origin: .header))
            case var .table(table)? where !arrayOfTables && table.origin == .implicit:
                table.origin = .header
                entries[key.name] = .table(table)
            case var .arrayOfTables(tables)? where arrayOfTables:
                tables.append(DraftTable(origin: .header))
                entries[key.name] = .arrayOfTables(tables)
            case let .table(table)? where !arrayOfTables:
                throw Failure(offset: key.offset, message: table.origin == .dotted
                              ? "table \(quoted(path)) was already defined by dotted keys; it cannot get a [header] too"
                              : "table \(quoted(path)) is defined twice")
            case let existing?:
                throw Failure(offset: key.offset, message: arrayOfTables
                              ? "cannot append to \(quoted(path)) with [[...]]: it is already \(describe(existing))"
                              : "cannot define table \(quoted(path)): it is already \(describe(existing))")
            }
            return
        }
        switch entries[key.name] {
        case nil:
            var table = DraftTable(origin: .implicit)
            try table.open(rest, prefix: path, arrayOfTables: arrayOfTables)
            entries[key.name] = .table(table)
        case var .table(table)?:
            try table.open(rest, prefix: path, arrayOfTables: arrayOfTables)
            entries[key.name] = .table(table)
        case var .arrayOfTables(tables)?:
            var last = tables.removeLast()
            try last.open(rest, prefix: path, arrayOfTables: arrayOfTables)
            tables.append(last)
            entries[key.name] = .arrayOfTables(tables)
        case let existing?:
            throw Failure(offset: key.offset, message: "cannot define a table inside \(quoted(path)): it is already \(describe(existing))")
        }
    }

    /// `a.b.c = value` in this table.
    mutating func insert(_ keys: ArraySlice<KeyPart>, prefix: [String], value: TOMLValue) throws(Failure) {
        let key = keys[keys.startIndex]
        let rest = keys.dropFirst()
        let path = prefix + [key.name]
        if rest.isEmpty {
            if let existing = entries[key.name] {
                throw Failure(offset: key.offset, message: {
                    if case .value = existing { return "key \(quoted(path)) is defined twice" }
                    return "key \(quoted(path)) is defined twice (it is already \(describe(existing)))"
                }())
            }
            entries[key.name] = .value(value)
            return
        }
        switch entries[key.name] {
        case nil:
            var table = DraftTable(origin: .dotted)
            try table.insert(rest, prefix: path, value: value)
            entries[key.name] = .table(table)
        case var .table(table)? where table.origin != .header:
            table.origin = .dotted
            try table.insert(rest, prefix: path, value: value)
            entries[key.name] = .table(table)
        case .table?:
            throw Failure(offset: key.offset,
                          message: "table \(quoted(path)) was defined by a [header]; dotted keys cannot add to it")
        case let existing?:
            throw Failure(offset: key.offset, message: "cannot add keys to \(quoted(path)): it is already \(describe(existing))")
        }
    }

    /// Runs `body` on the table a `[header]` named (the last table of an array of tables).
    mutating func withSection(_ path: ArraySlice<String>, _ body: (inout DraftTable) throws(Failure) -> Void) throws(Failure) {
        guard let name = path.first else { return try body(&self) }
        switch entries[name] {
        case var .table(table)?:
            try table.withSection(path.dropFirst(), body)
            entries[name] = .table(table)
        case var .arrayOfTables(tables)?:
            var last = tables.removeLast()
            try last.withSection(path.dropFirst(), body)
            tables.append(last)
            entries[name] = .arrayOfTables(tables)
        default:
            preconditionFailure("a section's path always names tables the header created")
        }
    }
}

private enum Byte {
    static let tab: UInt8 = 0x09, newline: UInt8 = 0x0A, carriageReturn: UInt8 = 0x0D, space: UInt8 = 0x20
    static let quote: UInt8 = 0x22, hash: UInt8 = 0x23, apostrophe: UInt8 = 0x27, plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C, minus: UInt8 = 0x2D, dot: UInt8 = 0x2E, colon: UInt8 = 0x3A
    static let equals: UInt8 = 0x3D, openBracket: UInt8 = 0x5B, backslash: UInt8 = 0x5C
    static let closeBracket: UInt8 = 0x5D, underscore: UInt8 = 0x5F, openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D, delete: UInt8 = 0x7F

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
    /// Control characters TOML forbids unescaped (tab is allowed everywhere text is).
    static func isForbiddenControl(_ c: UInt8) -> Bool { (c < 0x20 && c != tab) || c == delete }
}

private struct TOMLParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    /// Bounds on nesting, so no input can exhaust the stack: arrays and inline tables inside each other, and
    /// the parts of one dotted key (real files use a handful of each).
    private static let maximumDepth = 64
    private static let maximumKeyParts = 32

    init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    mutating func document() throws(TOMLError) -> [String: TOMLValue] {
        do {
            return try parseDocument()
        } catch {
            throw place(error)
        }
    }

    /// Line and column (in Unicode scalars, 1-based) of a byte offset.
    private func place(_ failure: Failure) -> TOMLError {
        var line = 1, lineStart = 0
        let end = min(failure.offset, bytes.count)
        for position in 0..<end where bytes[position] == Byte.newline {
            line += 1
            lineStart = position + 1
        }
        let column = 1 + bytes[lineStart..<end].filter { $0 & 0xC0 != 0x80 }.count
        return TOMLError(line: line, column: column, message: failure.message)
    }

    // MARK: Structure

    private mutating func parseDocument() throws(Failure) -> [String: TOMLValue] {
        var root = DraftTable(origin: .header)
        var section: [String] = []
        while true {
            skipSpaces()
            guard let byte = peek() else { break }
            switch byte {
            case Byte.newline:
                index += 1
                continue
            case Byte.carriageReturn where peek(1) == Byte.newline:
                index += 2
                continue
            case Byte.hash:
                try skipComment()
                continue
            case Byte.openBracket:
                let isArray = peek(1) == Byte.openBracket
                index += isArray ? 2 : 1
                skipSpaces()
                let keys = try key()
                skipSpaces()
                try expect(Byte.closeBracket, isArray ? "expected `]]` to close the array-of-tables header"
                                                      : "expected `]` to close the table header")
                if isArray {
                    try expect(Byte.closeBracket, "expected `]]` to close the array-of-tables header")
                }
                try root.open(keys[...], prefix: [], arrayOfTables: isArray)
                section = keys.map(\.name)
            default:
                let keys = try key()
                skipSpaces()
                try expect(Byte.equals, "expected `=` after the key")
                skipSpaces()
                let value = try self.value()
                try root.withSection(section[...]) { (table: inout DraftTable) throws(Failure) in
                    try table.insert(keys[...], prefix: section, value: value)
                }
            }
            try endOfLine()
        }
        return root.value
    }

    /// After a key/value pair or a header: spaces, an optional comment, then a newline or the end.
    private mutating func endOfLine() throws(Failure) {
        skipSpaces()
        guard let byte = peek() else { return }
        if byte == Byte.hash { return try skipComment() }
        if byte == Byte.newline || (byte == Byte.carriageReturn && peek(1) == Byte.newline) { return }
        throw Failure(offset: index, message: "expected a newline or a comment after the value, found \(found())")
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == Byte.space || byte == Byte.tab { index += 1 }
    }

    /// `#` to the end of the line (the newline stays).
    private mutating func skipComment() throws(Failure) {
        index += 1
        while let byte = peek(), byte != Byte.newline {
            if Byte.isForbiddenControl(byte), !(byte == Byte.carriageReturn && peek(1) == Byte.newline) {
                throw Failure(offset: index, message: "control character \(hex(byte)) is not allowed in a comment")
            }
            index += 1
        }
    }

    /// Spaces, newlines and comments, as arrays allow between their values.
    private mutating func skipBlank() throws(Failure) {
        while let byte = peek() {
            if byte == Byte.space || byte == Byte.tab || byte == Byte.newline {
                index += 1
            } else if byte == Byte.carriageReturn && peek(1) == Byte.newline {
                index += 2
            } else if byte == Byte.hash {
                try skipComment()
            } else {
                return
            }
        }
    }

    // MARK: Keys

    private mutating func key() throws(Failure) -> [KeyPart] {
        var parts = [try simpleKey()]
        while true {
            let save = index
            skipSpaces()
            guard peek() == Byte.dot else {
                index = save
                return parts
            }
            index += 1
            skipSpaces()
            guard parts.count < Self.maximumKeyParts else {
                throw Failure(offset: index, message: "a dotted key may have at most \(Self.maximumKeyParts) parts")
            }
            parts.append(try simpleKey())
        }
    }

    private mutating func simpleKey() throws(Failure) -> KeyPart {
        let start = index
        switch peek() {
        case Byte.quote?:
            if startsWith(#"""""#) {
                throw Failure(offset: start, message: "a multi-line string cannot be a key")
            }
            return KeyPart(name: try basicString(), offset: start)
        case Byte.apostrophe?:
            if startsWith("'''") {
                throw Failure(offset: start, message: "a multi-line string cannot be a key")
            }
            return KeyPart(name: try literalString(), offset: start)
        default:
            while let byte = peek(), isBareKeyByte(byte) { index += 1 }
            guard index > start else {
                throw Failure(offset: start, message: "expected a key (letters, digits, `_`, `-`, or a quoted string), found \(found())")
            }
            return KeyPart(name: String(decoding: bytes[start..<index], as: UTF8.self), offset: start)
        }
    }

    // MARK: Values

    private mutating func value() throws(Failure) -> TOMLValue {
        guard let byte = peek() else {
            throw Failure(offset: index, message: "expected a value, found the end of the file")
        }
        switch byte {
        case Byte.quote:
            return .string(startsWith(#"""""#) ? try multiLineBasicString() : try basicString())
        case Byte.apostrophe:
            return .string(startsWith("'''") ? try multiLineLiteralString() : try literalString())
        case Byte.openBracket:
            return try nested { (parser: inout TOMLParser) throws(Failure) in try parser.array() }
        case Byte.openBrace:
            return try nested { (parser: inout TOMLParser) throws(Failure) in try parser.inlineTable() }
        default:
            if startsWith("true") { index += 4; return .boolean(true) }
            if startsWith("false") { index += 5; return .boolean(false) }
            if Byte.isDigit(byte) || byte == Byte.plus || byte == Byte.minus || startsWith("inf") || startsWith("nan") {
                return try numberOrDateTime()
            }
            throw Failure(offset: index, message: "expected a value (a string, number, boolean, date-time, array or inline table), found \(found())")
        }
    }

    private mutating func nested(_ parse: (inout TOMLParser) throws(Failure) -> TOMLValue) throws(Failure) -> TOMLValue {
        guard depth < Self.maximumDepth else {
            throw Failure(offset: index, message: "arrays and inline tables nest more than \(Self.maximumDepth) deep")
        }
        depth += 1
        defer { depth -= 1 }
        return try parse(&self)
    }

    private mutating func array() throws(Failure) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek() == Byte.closeBracket {
                index += 1
                return .array(items)
            }
            items.append(try value())
            try skipBlank()
            switch peek() {
            case Byte.comma?:
                index += 1
            case Byte.closeBracket?:
                index += 1
                return .array(items)
            default:
                throw Failure(offset: index, message: "expected `,` or `]` in the array, found \(found())")
            }
        }
    }

    private mutating func inlineTable() throws(Failure) -> TOMLValue {
        index += 1
        var table = DraftTable(origin: .header)
        skipSpaces()
        if peek() == Byte.closeBrace {
            index += 1
            return .table([:])
        }
        while true {
            skipSpaces()
            let keys = try key()
            skipSpaces()
            try expect(Byte.equals, "expected `=` after the key")
            skipSpaces()
            let value = try self.value()
            try table.insert(keys[...], prefix: [], value: value)
            skipSpaces()
            switch peek() {
            case Byte.comma?:
                index += 1
                skipSpaces()
                if peek() == Byte.closeBrace {
                    throw Failure(offset: index, message: "an inline table cannot end with a trailing comma")
                }
            case Byte.closeBrace?:
                index += 1
                return .table(table.value)
            case Byte.newline?, Byte.carriageReturn?, Byte.hash?:
                throw Failure(offset: index, message: "an inline table must stay on one line (use a [table] for more)")
            default:
                throw Failure(offset: index, message: "expected `,` or `}` in the inline table, found \(found())")
            }
        }
    }

    // MARK: Strings

    private mutating func basicString() throws(Failure) -> String {
        let start = index
        index += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw Failure(offset: start, message: "unterminated string (no closing `\"`)")
            }
            switch byte {
            case Byte.quote:
                index += 1
                return String(decoding: out, as: UTF8.self)
            case Byte.backslash:
                try escape(into: &out)
            case Byte.newline, Byte.carriageReturn:
                throw Failure(offset: index, message: "a single-line string cannot span lines (use `\"\"\"` for a multi-line string)")
            default:
                try appendBasicText(byte, into: &out)
            }
        }
    }

    /// A byte of a basic string's text as written: control characters other than tab must be escaped.
    private mutating func appendBasicText(_ byte: UInt8, into out: inout [UInt8]) throws(Failure) {
        if Byte.isForbiddenControl(byte) {
            throw Failure(offset: index, message: "control character \(hex(byte)) must be escaped in a string")
        }
        out.append(byte)
        index += 1
    }

    private mutating func multiLineBasicString() throws(Failure) -> String {
        let start = index
        index += 3
        skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw Failure(offset: start, message: "unterminated multi-line string (no closing `\"\"\"`)")
            }
            switch byte {
            case Byte.quote:
                if closeMultiLine(Byte.quote, into: &out) { return String(decoding: out, as: UTF8.self) }
            case Byte.backslash:
                // A backslash ending a line joins it to the next non-blank text.
                var look = index + 1
                while look < bytes.count, bytes[look] == Byte.space || bytes[look] == Byte.tab { look += 1 }
                if lineEndLength(at: look) > 0 {
                    index = look
                    while let next = peek() {
                        if next == Byte.space || next == Byte.tab {
                            index += 1
                        } else if case let length = lineEndLength(at: index), length > 0 {
                            index += length
                        } else {
                            break
                        }
                    }
                } else {
                    try escape(into: &out)
                }
            case _ where lineEndLength(at: index) > 0:
                appendLineEnd(into: &out)
            default:
                try appendBasicText(byte, into: &out)
            }
        }
    }

    private mutating func literalString() throws(Failure) -> String {
        let start = index
        index += 1
        let contentStart = index
        while true {
            guard let byte = peek() else {
                throw Failure(offset: start, message: "unterminated literal string (no closing `'`)")
            }
            if byte == Byte.apostrophe {
                index += 1
                return String(decoding: bytes[contentStart..<(index - 1)], as: UTF8.self)
            }
            if byte == Byte.newline || byte == Byte.carriageReturn {
                throw Failure(offset: index, message: "a literal string cannot span lines (use `'''` for a multi-line string)")
            }
            if Byte.isForbiddenControl(byte) {
                throw Failure(offset: index, message: "control character \(hex(byte)) is not allowed in a literal string")
            }
            index += 1
        }
    }

    private mutating func multiLineLiteralString() throws(Failure) -> String {
        let start = index
        index += 3
        skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw Failure(offset: start, message: "unterminated multi-line literal string (no closing `'''`)")
            }
            if byte == Byte.apostrophe {
                if closeMultiLine(Byte.apostrophe, into: &out) { return String(decoding: out, as: UTF8.self) }
            } else if lineEndLength(at: index) > 0 {
                appendLineEnd(into: &out)
            } else if Byte.isForbiddenControl(byte) {
                throw Failure(offset: index, message: "control character \(hex(byte)) is not allowed in a literal string")
            } else {
                out.append(byte)
                index += 1
            }
        }
    }

    /// A newline right after the opening delimiter is not part of a multi-line string.
    private mutating func skipFirstNewline() {
        index += lineEndLength(at: index)
    }

    /// TOML's newline is LF or CRLF (a lone CR is not one): the length of the one at `position`, else 0.
    private func lineEndLength(at position: Int) -> Int {
        guard position < bytes.count else { return 0 }
        if bytes[position] == Byte.newline { return 1 }
        if bytes[position] == Byte.carriageReturn, position + 1 < bytes.count, bytes[position + 1] == Byte.newline { return 2 }
        return 0
    }

    /// A line end inside a multi-line string is read as one LF whichever form the file uses.
    private mutating func appendLineEnd(into out: inout [UInt8]) {
        out.append(Byte.newline)
        index += lineEndLength(at: index)
    }

    /// At a run of quotes in a multi-line string: fewer than three are content; three or more close it, with up
    /// to two more before them as content (`""""` ends with one quote). True when the string closed.
    private mutating func closeMultiLine(_ quote: UInt8, into out: inout [UInt8]) -> Bool {
        var run = 0
        while peek(run) == quote { run += 1 }
        if run < 3 {
            out.append(contentsOf: repeatElement(quote, count: run))
            index += run
            return false
        }
        let extra = min(run - 3, 2)
        out.append(contentsOf: repeatElement(quote, count: extra))
        index += 3 + extra
        return true
    }

    private mutating func escape(into out: inout [UInt8]) throws(Failure) {
        let start = index
        index += 1
        guard let byte = peek() else {
            throw Failure(offset: start, message: "unterminated escape sequence")
        }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(Byte.tab)
        case UInt8(ascii: "n"): out.append(Byte.newline)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(Byte.carriageReturn)
        case Byte.quote: out.append(Byte.quote)
        case Byte.backslash: out.append(Byte.backslash)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard index + count <= bytes.count, bytes[index..<(index + count)].allSatisfy(Byte.isHexDigit),
                  let code = UInt32(String(decoding: bytes[index..<(index + count)], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code) else {
                throw Failure(offset: start, message: "`\\\(Character(Unicode.Scalar(byte)))` must be followed by \(count) hex digits naming a Unicode scalar value")
            }
            index += count
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            let shown = byte < 0x80 && !Byte.isForbiddenControl(byte) ? "`\\\(Character(Unicode.Scalar(byte)))`" : "a backslash"
            throw Failure(offset: start, message: "invalid escape sequence \(shown) (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    // MARK: Numbers and date-times

    private mutating func numberOrDateTime() throws(Failure) -> TOMLValue {
        let start = index
        func isTokenByte(_ c: UInt8) -> Bool {
            isBareKeyByte(c) || c == Byte.plus || c == Byte.dot || c == Byte.colon
        }
        while let byte = peek(), isTokenByte(byte) { index += 1 }
        // `1979-05-27 07:32:00`: a space may separate a date from its time.
        if index - start == 10, isDate(bytes[start..<index]), peek() == Byte.space,
           let hour1 = peek(1), let hour2 = peek(2), Byte.isDigit(hour1), Byte.isDigit(hour2), peek(3) == Byte.colon {
            index += 1
            while let byte = peek(), isTokenByte(byte) { index += 1 }
        }
        let token = bytes[start..<index]
        let text = String(decoding: token, as: UTF8.self)
        if token.contains(Byte.colon) || (token.count >= 10 && isDate(token.prefix(10))) {
            guard let valid = dateTimeProblem(token) else { return .dateTime(text) }
            throw Failure(offset: start, message: "invalid date-time `\(text)`: \(valid)")
        }
        switch number(text) {
        case let .value(value): return value
        case .outOfRange: throw Failure(offset: start, message: "integer `\(text)` does not fit in 64 bits")
        case .invalid: throw Failure(offset: start, message: "invalid number `\(text)`")
        }
    }

    private enum NumberReading {
        case value(TOMLValue)
        case invalid
        /// Integer syntax, but beyond 64 bits (TOML 1.0 requires an error rather than a lossy value).
        case outOfRange
    }

    private func number(_ text: String) -> NumberReading {
        func integer(_ digits: String, radix: Int) -> NumberReading {
            Int(digits, radix: radix).map { .value(.integer($0)) } ?? .outOfRange
        }
        switch text {
        case "inf", "+inf": return .value(.float(.infinity))
        case "-inf": return .value(.float(-.infinity))
        case "nan", "+nan", "-nan": return .value(.float(.nan))
        default: break
        }
        let scalars = Array(text.utf8)
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
            let digits = scalars.dropFirst(2)
            guard digitsWithUnderscores(digits, radix: radix) else { return .invalid }
            return integer(String(decoding: digits.filter { $0 != Byte.underscore }, as: UTF8.self), radix: radix)
        }
        var rest = scalars[...]
        if let first = rest.first, first == Byte.plus || first == Byte.minus { rest = rest.dropFirst() }
        let integerEnd = rest.firstIndex { $0 == Byte.dot || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? rest.endIndex
        let integerPart = rest[..<integerEnd]
        guard digitsWithUnderscores(integerPart, radix: 10) else { return .invalid }
        // No leading zeros: `0`, `-0` and `0.5` are fine, `01` and `0_1` are not.
        if integerPart.first == UInt8(ascii: "0"), integerPart.count > 1 { return .invalid }
        var tail = rest[integerEnd...]
        let clean = String(decoding: scalars.filter { $0 != Byte.underscore }, as: UTF8.self)
        if tail.isEmpty { return integer(clean, radix: 10) }
        if tail.first == Byte.dot {
            tail = tail.dropFirst()
            let fractionEnd = tail.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? tail.endIndex
            guard digitsWithUnderscores(tail[..<fractionEnd], radix: 10) else { return .invalid }
            tail = tail[fractionEnd...]
        }
        if let marker = tail.first {
            guard marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") else { return .invalid }
            tail = tail.dropFirst()
            if let sign = tail.first, sign == Byte.plus || sign == Byte.minus { tail = tail.dropFirst() }
            guard digitsWithUnderscores(tail, radix: 10) else { return .invalid }
        }
        return Double(clean).map { .value(.float($0)) } ?? .invalid
    }

    /// Digits of `radix`, each `_` between two digits.
    private func digitsWithUnderscores(_ digits: ArraySlice<UInt8>, radix: Int) -> Bool {
        func isDigit(_ c: UInt8) -> Bool {
            switch radix {
            case 16: Byte.isHexDigit(c)
            case 8: c >= 0x30 && c <= 0x37
            case 2: c == 0x30 || c == 0x31
            default: Byte.isDigit(c)
            }
        }
        guard let first = digits.first, let last = digits.last, isDigit(first), isDigit(last) else { return false }
        var previousUnderscore = false
        for c in digits {
            if c == Byte.underscore {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if isDigit(c) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    private func isDate(_ token: ArraySlice<UInt8>) -> Bool {
        let t = Array(token)
        return t.count == 10 && t[4] == Byte.minus && t[7] == Byte.minus
            && [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { Byte.isDigit(t[$0]) }
    }

    /// Nil when `token` is a TOML date-time (offset or local), local date or local time; else what is wrong.
    private func dateTimeProblem(_ token: ArraySlice<UInt8>) -> String? {
        let t = Array(token)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= t.count, t[from..<(from + count)].allSatisfy(Byte.isDigit) else { return nil }
            return t[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        var position = 0
        if t.count >= 10, isDate(token.prefix(10)) {
            let year = number(0, 4)!, month = number(5, 2)!, day = number(8, 2)!
            guard (1...12).contains(month) else { return "month \(month) is not 1 to 12" }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            guard (1...days).contains(day) else { return "day \(day) is not in month \(month) of \(year)" }
            if t.count == 10 { return nil }
            guard [UInt8(ascii: "T"), UInt8(ascii: "t"), Byte.space].contains(t[10]) else {
                return "expected `T` or a space between the date and the time"
            }
            position = 11
        }
        guard let hour = number(position, 2), position + 2 < t.count, t[position + 2] == Byte.colon,
              let minute = number(position + 3, 2), position + 5 < t.count, t[position + 5] == Byte.colon,
              let second = number(position + 6, 2) else {
            return "expected a time as HH:MM:SS"
        }
        guard hour < 24, minute < 60, second <= 60 else { return "the time is out of range" }
        position += 8
        if position < t.count, t[position] == Byte.dot {
            position += 1
            let digitsStart = position
            while position < t.count, Byte.isDigit(t[position]) { position += 1 }
            if position == digitsStart { return "expected digits after the decimal point of the seconds" }
        }
        if position == t.count { return nil }
        guard position > 10 else { return "a local time has no offset" }
        if t[position] == UInt8(ascii: "Z") || t[position] == UInt8(ascii: "z") {
            return position + 1 == t.count ? nil : "unexpected text after the offset"
        }
        guard t[position] == Byte.plus || t[position] == Byte.minus,
              let offsetHour = number(position + 1, 2), position + 3 < t.count, t[position + 3] == Byte.colon,
              let offsetMinute = number(position + 4, 2), position + 6 == t.count else {
            return "expected an offset as Z or ±HH:MM"
        }
        guard offsetHour < 24, offsetMinute < 60 else { return "the offset is out of range" }
        return nil
    }

    // MARK: Reading

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    private func startsWith(_ text: String) -> Bool {
        let expected = Array(text.utf8)
        return index + expected.count <= bytes.count && bytes[index..<(index + expected.count)].elementsEqual(expected)
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
        guard peek() == byte else { throw Failure(offset: index, message: "\(message), found \(found())") }
        index += 1
    }

    /// What is at the current position, for messages.
    private func found() -> String {
        guard let byte = peek() else { return "the end of the file" }
        if byte == Byte.newline || (byte == Byte.carriageReturn && peek(1) == Byte.newline) { return "the end of the line" }
        if byte == Byte.carriageReturn { return "a carriage return without a newline after it" }
        if byte == Byte.space { return "a space" }
        if byte == Byte.tab { return "a tab" }
        if Byte.isForbiddenControl(byte) { return "control character \(hex(byte))" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "`" + String(decoding: bytes[index..<end], as: UTF8.self) + "`"
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
