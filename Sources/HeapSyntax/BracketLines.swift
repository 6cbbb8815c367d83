/// Python joins the physical lines inside brackets into one logical line, so an indentation inside a
/// bracket means nothing (PEP 8 calls it a continuation line, and it may even dedent below the
/// enclosing block):
///
///     def f():
///         (bar.
///     baz)
///
/// tree-sitter-python 0.23.6 gets this wrong: its external scanner decides whether it is inside
/// brackets from which tokens the parser would accept next, and right after `bar.` no closing bracket
/// is acceptable, so it emits a DEDENT there and the rest of the file becomes an error (seen on
/// CPython's own test/test_compile.py). The fix belongs in the grammar, whose source heaplint does not
/// carry; `joined(_:)` is the workaround `PythonParser.parseJoiningBracketLines` applies when a parse
/// has errors (the CLI on every such file, the language server as `OpenDocument.needsBracketJoin` says): the same bytes
/// with every newline inside brackets turned into a space, which changes no offset, and is what
/// CPython's tokenizer sees anyway. Newlines that end a comment (the comment would swallow the next
/// line), that sit inside strings, or that follow a backslash are left alone.
enum BracketLines {
    /// `bytes` with the newlines inside brackets replaced by spaces; nil when there is none.
    static func joined(_ bytes: [UInt8]) -> [UInt8]? {
        var copy: [UInt8]? = nil
        var depth = 0
        var i = 0
        let n = bytes.count
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), backslash = UInt8(ascii: "\\")
        while i < n {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            case UInt8(ascii: "#"):
                // To the end of the line; the newline after a comment stays.
                while i < n, bytes[i] != newline, bytes[i] != carriageReturn { i += 1 }
                if i < n, bytes[i] == carriageReturn { i += 1 }
                if i < n, bytes[i] == newline { i += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                i = endOfString(bytes, from: i)
                continue
            case backslash:
                i += 2  // a line continuation (or a stray backslash): the next byte is not ours
                continue
            case newline, carriageReturn:
                if depth > 0 {
                    if copy == nil { copy = bytes }
                    copy![i] = UInt8(ascii: " ")
                }
            default:
                break
            }
            i += 1
        }
        return copy
    }

    /// One past the end of the string literal whose opening quote is at `start` (or the end of the
    /// line for an unterminated single-quoted one, where tokenizers resume too).
    static func endOfString(_ bytes: [UInt8], from start: Int) -> Int {
        let quote = bytes[start]
        let n = bytes.count
        let triple = start + 2 < n && bytes[start + 1] == quote && bytes[start + 2] == quote
        var i = start + (triple ? 3 : 1)
        while i < n {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\\") { i += 2; continue }
            if byte == quote {
                if !triple { return i + 1 }
                if i + 2 < n, bytes[i + 1] == quote, bytes[i + 2] == quote { return i + 3 }
            } else if !triple, byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                return i
            }
            i += 1
        }
        return n
    }

    /// CPython's tokenizer limit on open brackets (`MAXLEVEL` in Parser/tokenizer.c): the 201st nested
    /// bracket is "too many nested parentheses".
    static let maximumNesting = 200

    /// Where and why `cappingNesting` changed the bytes.
    struct TooDeep: Sendable, Equatable {
        let offset: Int
        let message: String
    }

    /// `bytes` with every bracket nested deeper than `maximumNesting` (and the bracket closing it)
    /// turned into spaces, and where the first such bracket was; nil when there is none. Why: CPython's
    /// tokenizer rejects the 201st nested bracket, so the file is HL001 there whatever follows, and the
    /// capped bytes keep every offset, so the rest still analyses with trees no deeper than CPython's.
    /// (This is no longer what keeps tree-sitter alive: the 0.23.2 runtime heaplint compiles parses
    /// long unreduced error runs, which Debian's 0.20.7 aborted on, without any cap; issue 26.)
    static func cappingNesting(_ bytes: [UInt8]) -> (bytes: [UInt8], tooDeep: TooDeep)? {
        var copy: [UInt8]? = nil
        var first: TooDeep? = nil
        var depth = 0
        var i = 0
        let n = bytes.count
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        while i < n {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maximumNesting {
                    if copy == nil { copy = bytes }
                    if first == nil {
                        first = TooDeep(offset: i, message: "too many nested parentheses (more than \(maximumNesting))")
                    }
                    copy![i] = UInt8(ascii: " ")
                }
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth > maximumNesting { copy![i] = UInt8(ascii: " ") }
                depth = max(0, depth - 1)
            case UInt8(ascii: "#"):
                while i < n, bytes[i] != newline, bytes[i] != carriageReturn { i += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                i = endOfString(bytes, from: i)
                continue
            case UInt8(ascii: "\\"):
                i += 2
                continue
            default:
                break
            }
            i += 1
        }
        guard let copy, let first else { return nil }
        return (copy, first)
    }
}
