// String helpers heaplint used from Foundation's NSString bridge, with the same results on the inputs
// heaplint gives them. They work on Unicode scalars, as NSString's literal operations work on code units.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Every occurrence of `target` replaced by `replacement`, left to right, matching scalar by scalar
    /// (`replacingOccurrences(of:with:)` for the literal patterns heaplint uses).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        let pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty else { return String(self) }
        let scalars = Array(unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == pattern[0], i + pattern.count <= scalars.count,
               scalars[i..<(i + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement.unicodeScalars)
                i += pattern.count
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Without leading and trailing spaces and tabs (Unicode general category Zs, and U+0009), as
    /// `trimmingCharacters(in: .whitespaces)`.
    public func trimmingWhitespace() -> String { trimming { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator } }

    /// Without leading and trailing white space and newlines (Zs, U+0009–U+000D, U+0085, U+2028, U+2029),
    /// as `trimmingCharacters(in: .whitespacesAndNewlines)`.
    public func trimmingWhitespaceAndNewlines() -> String {
        trimming {
            ("\u{09}"..."\u{0D}").contains($0) || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}"
                || $0.properties.generalCategory == .spaceSeparator
        }
    }

    private func trimming(_ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !drop($0) })!
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}

extension String {
    /// The range of the first occurrence of `target`, matching scalar by scalar.
    public func firstScalarRange(of target: String) -> Range<String.Index>? { scalarRange(of: target, backwards: false) }

    /// The range of the last occurrence of `target` (`range(of:options: .backwards)`).
    public func lastScalarRange(of target: String) -> Range<String.Index>? { scalarRange(of: target, backwards: true) }

    private func scalarRange(of target: String, backwards: Bool) -> Range<String.Index>? {
        let pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty else { return nil }
        let view = unicodeScalars
        let indices = Array(view.indices)
        guard pattern.count <= indices.count else { return nil }
        let starts = 0...(indices.count - pattern.count)
        func matches(at start: Int) -> Bool {
            for k in 0..<pattern.count where view[indices[start + k]] != pattern[k] { return false }
            return true
        }
        guard let start = backwards ? starts.reversed().first(where: matches) : starts.first(where: matches) else { return nil }
        let end = start + pattern.count < indices.count ? indices[start + pattern.count] : endIndex
        return indices[start]..<end
    }
}

/// `value` with exactly `digits` digits after the decimal point, rounded as printf's `%.Nf` rounds.
public func fixedDecimal(_ value: Double, digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    let written = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(digits)f", $0) }
    guard written >= 0 else { return "\(value)" }
    return String(decoding: buffer.prefix(Int(min(written, Int32(buffer.count - 1)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// `value` in decimal, left-padded with zeros to `width` digits (`%02d`).
public func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value.magnitude)
    let padded = String(repeating: "0", count: max(0, width - digits.count - (value < 0 ? 1 : 0))) + digits
    return value < 0 ? "-" + padded : padded
}

/// In `CharacterSet.letters`: Unicode general categories L* and M*.
public func isLetterOrMark(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
         .nonspacingMark, .spacingMark, .enclosingMark: return true
    default: return false
    }
}

/// In `CharacterSet.decimalDigits`' wider cousin used by `alphanumerics`: general categories N*.
public func isNumberCategory(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .decimalNumber, .letterNumber, .otherNumber: return true
    default: return false
    }
}

extension StringProtocol {
    /// Percent-encoded for a URL path: every UTF-8 byte outside `CharacterSet.urlPathAllowed`
    /// (ASCII letters, digits and `!$&'()*+,-./=@_~`) written as `%XX` with upper-case hex digits.
    public func percentEncodedForURLPath() -> String {
        let allowed = Set("!$&'()*+,-./=@_~".utf8)
        var out = ""
        for byte in utf8 {
            let isAlphanumeric = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if isAlphanumeric || allowed.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
