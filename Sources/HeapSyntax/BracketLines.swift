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

    /// The longest run of prefix operators (`-`, `+`, `~`, `not`, `await`, `lambda`) kept: CPython's
    /// parser gives up far below it (3.11: 7,000 `-` before an operand is already "too complex").
    static let maximumPrefixRun = 10_000

    /// Where and why `cappingNesting` changed the bytes.
    struct TooDeep: Sendable, Equatable {
        let offset: Int
        let message: String
    }

    /// `bytes` with every bracket nested deeper than `maximumNesting` (and the bracket closing it),
    /// and every prefix operator past `maximumPrefixRun` in a row, turned into spaces, and where the
    /// first such token was; nil when there is none. Why: tree-sitter 0.20.7 corrupts its heap when a
    /// parse ends in an error with about 65,535 unreduced entries on its stack (`x = ` and 65,533 `(`,
    /// or 65,534 `-` with no operand, abort in `ts_tree_delete`, in tree-sitter alone too), and
    /// unclosed brackets and operand-less prefix runs are the ways to get there. CPython rejects such
    /// a file anyway; the capped bytes keep every offset, so the rest still analyses.
    static func cappingNesting(_ bytes: [UInt8]) -> (bytes: [UInt8], tooDeep: TooDeep)? {
        var copy: [UInt8]? = nil
        var first: TooDeep? = nil
        var depth = 0
        var run = 0  // prefix operators in a row (blanks between them)
        var i = 0
        let n = bytes.count
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        func blank(_ range: Range<Int>, _ message: @autoclosure () -> String) {
            if copy == nil { copy = bytes }
            if first == nil { first = TooDeep(offset: range.lowerBound, message: message()) }
            for j in range { copy![j] = UInt8(ascii: " ") }
        }
        func prefix(_ range: Range<Int>) {
            run += 1
            if run > maximumPrefixRun { blank(range, "too many nested operators (more than \(maximumPrefixRun) in a row)") }
        }
        while i < n {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                run = 0
                depth += 1
                if depth > maximumNesting { blank(i..<(i + 1), "too many nested parentheses (more than \(maximumNesting))") }
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                run = 0
                if depth > maximumNesting { copy![i] = UInt8(ascii: " ") }
                depth = max(0, depth - 1)
            case UInt8(ascii: "#"):
                while i < n, bytes[i] != newline, bytes[i] != carriageReturn { i += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                run = 0
                i = endOfString(bytes, from: i)
                continue
            case UInt8(ascii: "\\"):
                i += 2
                continue
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "~"):
                prefix(i..<(i + 1))
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ":"), 0x0C:
                break  // blanks, and a lambda's colon, continue a run
            case newline, carriageReturn:
                if depth == 0 { run = 0 }
            default:
                if isIdentifierByte(byte) {
                    // A whole word, so `not_done` or `x.await_` is no operator.
                    var end = i
                    while end < n, isIdentifierByte(bytes[end]) { end += 1 }
                    if Self.isPrefixWord(bytes[i..<end]) { prefix(i..<end) } else { run = 0 }
                    i = end
                    continue
                }
                run = 0
            }
            i += 1
        }
        // Second line of defence, blind to strings: where this scanner and tree-sitter disagree about
        // where a (broken) string ends, brackets it skipped can still be tokens to tree-sitter. Real
        // code never opens thousands of brackets in a row, so such a run is cut wherever it is. No
        // error is added for it: inside a real string it is no error, and outside one the parse
        // reports the broken code around it.
        var inRow = 0
        for j in 0..<n {
            switch bytes[j] {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                inRow += 1
                if inRow > maximumPrefixRun {
                    if copy == nil { copy = bytes }
                    copy![j] = UInt8(ascii: " ")
                }
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                break
            default:
                inRow = 0
            }
        }
        guard let copy else { return nil }
        return (copy, first ?? TooDeep(offset: -1, message: ""))
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isPrefixWord(_ word: ArraySlice<UInt8>) -> Bool {
        word.elementsEqual("not".utf8) || word.elementsEqual("await".utf8) || word.elementsEqual("lambda".utf8)
    }
}
