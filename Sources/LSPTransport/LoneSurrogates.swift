/// JSON lets a string hold a lone UTF-16 surrogate escape (`"\ud800"`: JavaScript clients send one
/// when an editor buffer holds half a pair), but Foundation's decoder rejects the whole message. The
/// server would then drop an edit and its copy of the document would go out of sync, so every lone
/// surrogate escape becomes `\ufffd` before decoding, as Python's `errors="replace"` does.
enum LoneSurrogates {
    /// `body` with each lone `\uD800`–`\uDFFF` escape replaced by `\uFFFD`; the same bytes (no copy)
    /// when there is none. Pairs (a high escape directly followed by a low one) are kept.
    static func replaced(in body: [UInt8]) -> [UInt8] {
        var output: [UInt8]? = nil
        var i = 0
        let n = body.count
        while i < n {
            guard body[i] == UInt8(ascii: "\\"), i + 1 < n else { i += 1; continue }
            // Any escape: skip both bytes, so `\\ud800` (an escaped backslash) is not read as one.
            guard body[i + 1] == UInt8(ascii: "u"), let unit = hexUnit(body, at: i + 2) else { i += 2; continue }
            if unit >= 0xD800 && unit <= 0xDBFF, i + 11 < n, body[i + 6] == UInt8(ascii: "\\"),
               body[i + 7] == UInt8(ascii: "u"), let low = hexUnit(body, at: i + 8), low >= 0xDC00 && low <= 0xDFFF {
                i += 12
                continue
            }
            if unit >= 0xD800 && unit <= 0xDFFF {
                if output == nil { output = body }
                output!.replaceSubrange((i + 2)..<(i + 6), with: Array("FFFD".utf8))
            }
            i += 6
        }
        return output ?? body
    }

    private static func hexUnit(_ bytes: [UInt8], at start: Int) -> Int? {
        guard start + 4 <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[start..<(start + 4)] {
            guard let digit = Int(String(UnicodeScalar(byte)), radix: 16) else { return nil }
            value = value * 16 + digit
        }
        return value
    }
}
