import HeapRules
import HeapSyntax

/// One `# noqa` directive found in a comment node: `# noqa` (blanket) or `# noqa: HL101, E501`.
///
/// Only real comment nodes of the syntax tree are read, so `"# noqa"` inside a string never counts.
/// As in ruff, codes are matched exactly (no prefixes); the `noqa` keyword is case-insensitive and
/// codes are normalised to upper case.
public struct NoqaDirective: Sendable, Hashable {
    /// The whole comment node holding the directive.
    public let comment: SourceRange
    /// From the `#` that starts the directive to the end of its last code.
    public let range: SourceRange
    /// 0-based line of the comment.
    public let line: Int
    /// Nil for a blanket `# noqa`.
    public let codes: [Code]?

    public struct Code: Sendable, Hashable {
        public let code: String
        public let range: SourceRange
    }

    public var isBlanket: Bool { codes == nil }

    public func suppresses(_ code: String) -> Bool {
        guard let codes else { return true }
        return codes.contains { $0.code == code }
    }
}

/// A file-level `# heaplint: noqa` (every finding of the file) or `# heaplint: noqa: HL101` (those codes).
public struct FileExemption: Sendable, Hashable {
    public let range: SourceRange
    /// Nil: every code.
    public let codes: [String]?

    public func exempts(_ code: String) -> Bool { codes?.contains(code) ?? true }
}

/// Every suppression comment of one file.
public struct Suppressions: Sendable {
    public private(set) var directives: [Int: NoqaDirective] = [:]
    public private(set) var exemptions: [FileExemption] = []
    /// Multi-line string nodes and comment nodes, for `noqaLineRedirects(in:)`.
    private(set) var multilineStrings: [SourceRange] = []
    private(set) var comments: [SourceRange] = []

    public init(tree: SyntaxTree) {
        let source = tree.source
        let lineIndex = source.lineIndex
        var comments: [SourceRange] = []
        var multilineStrings: [SourceRange] = []
        for node in tree.nodes(ofKinds: .comment, .string) {
            if node.kind == .string {
                let range = node.range
                let first = lineIndex.line(of: range.start), last = lineIndex.line(of: range.end)
                if last > first { multilineStrings.append(range) }
                continue
            }
            comments.append(node.range)
            var range = node.range
            // The grammar's comment token can swallow the `\r` of a CRLF line ending; keep it out.
            while range.end > range.start, source.bytes[range.end - 1] == 0x0D || source.bytes[range.end - 1] == 0x0A {
                range = SourceRange(start: range.start, end: range.end - 1)
            }
            let bytes = Array(source.bytes[range.start..<range.end])
            let line = source.lineIndex.line(of: range.start)
            if let exemption = Self.fileExemption(in: bytes, base: range.start) {
                exemptions.append(exemption)
                continue
            }
            if directives[line] == nil, let directive = Self.noqa(in: bytes, base: range.start, comment: range, line: line) {
                directives[line] = directive
            }
        }
        self.comments = comments
        self.multilineStrings = multilineStrings
    }

    /// Lines inside a multi-line string or a backslash-continued statement → the line whose `# noqa`
    /// covers them (the last one), as in ruff. Computed only for files with findings or directives.
    public func noqaLineRedirects(in source: SourceText) -> [Int: Int] {
        let lineIndex = source.lineIndex
        var redirects: [Int: Int] = [:]
        for range in multilineStrings {
            let first = lineIndex.line(of: range.start), last = lineIndex.line(of: range.end)
            for line in first..<last { redirects[line] = max(redirects[line] ?? last, last) }
        }
        // Backslash continuations: `x = a + \` joins the next line; the statement's last line gets the noqa.
        let bytes = source.bytes
        var continued: [Int] = []
        func flush(to line: Int) {
            for pending in continued { redirects[pending] = max(redirects[pending] ?? line, line) }
            continued.removeAll()
        }
        for line in 0..<max(0, lineIndex.lineCount - 1) {
            let end = lineIndex.lineRange(line, in: bytes).upperBound
            guard end > 0, end > lineIndex.lineStarts[line], bytes[end - 1] == 0x5C else { flush(to: line); continue }
            let offset = end - 1
            if comments.contains(where: { $0.contains(offset) }) || multilineStrings.contains(where: { $0.contains(offset) }) {
                flush(to: line)
            } else {
                continued.append(line)
            }
        }
        flush(to: lineIndex.lineCount - 1)
        return redirects
    }

    public var isEmpty: Bool { directives.isEmpty && exemptions.isEmpty }

    // MARK: Parsing (byte level, ASCII only: directives and codes are ASCII)

    private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    private static func isAlpha(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static func matches(_ bytes: [UInt8], at index: Int, _ word: String) -> Bool {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count else { return false }
        for k in 0..<w.count where lower(bytes[index + k]) != w[k] { return false }
        return true
    }

    /// `# heaplint: noqa` or `# heaplint: noqa: HL101, HL102`, as the whole comment.
    static func fileExemption(in bytes: [UInt8], base: Int) -> FileExemption? {
        var i = 0
        guard i < bytes.count, bytes[i] == 0x23 else { return nil }
        i += 1
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        guard matches(bytes, at: i, "heaplint") else { return nil }
        i += 8
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        guard i < bytes.count, bytes[i] == 0x3A else { return nil }
        i += 1
        while i < bytes.count, isSpace(bytes[i]) { i += 1 }
        guard matches(bytes, at: i, "noqa") else { return nil }
        i += 4
        if i < bytes.count, isAlpha(bytes[i]) || isDigit(bytes[i]) { return nil }
        let range = SourceRange(start: base, end: base + bytes.count)
        var j = i
        while j < bytes.count, isSpace(bytes[j]) { j += 1 }
        guard j < bytes.count, bytes[j] == 0x3A else { return FileExemption(range: range, codes: nil) }
        let codes = parseCodes(bytes, from: j + 1, base: base).codes.map(\.code)
        // `# heaplint: noqa:` with no codes is malformed; like ruff, ignore it rather than exempt everything.
        return codes.isEmpty ? nil : FileExemption(range: range, codes: codes)
    }

    /// The first `# noqa` directive in a comment (it may follow other text: `# type: ignore  # noqa: HL101`).
    static func noqa(in bytes: [UInt8], base: Int, comment: SourceRange, line: Int) -> NoqaDirective? {
        var hash = 0
        while hash < bytes.count {
            guard bytes[hash] == 0x23 else { hash += 1; continue }
            var i = hash + 1
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            if matches(bytes, at: i, "noqa"), i + 4 == bytes.count || !(isAlpha(bytes[i + 4]) || isDigit(bytes[i + 4])) {
                i += 4
                var j = i
                while j < bytes.count, isSpace(bytes[j]) { j += 1 }
                if j < bytes.count, bytes[j] == 0x3A {
                    let (codes, end) = parseCodes(bytes, from: j + 1, base: base)
                    // `# noqa:` followed by no code: ruff warns and ignores it; so do we.
                    guard !codes.isEmpty else { return nil }
                    return NoqaDirective(comment: comment, range: SourceRange(start: base + hash, end: base + end),
                                         line: line, codes: codes)
                }
                return NoqaDirective(comment: comment, range: SourceRange(start: base + hash, end: base + i),
                                     line: line, codes: nil)
            }
            hash += 1
        }
        return nil
    }

    /// Codes separated by commas and/or spaces: `HL101, HL102 E501`. Stops at anything else.
    static func parseCodes(_ bytes: [UInt8], from start: Int, base: Int) -> (codes: [NoqaDirective.Code], end: Int) {
        var codes: [NoqaDirective.Code] = []
        var i = start
        var end = start
        while true {
            while i < bytes.count, isSpace(bytes[i]) || bytes[i] == 0x2C { i += 1 }
            let codeStart = i
            while i < bytes.count, isAlpha(bytes[i]) { i += 1 }
            let letters = i - codeStart
            let digitsStart = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            guard letters > 0, i > digitsStart, i == bytes.count || !(isAlpha(bytes[i])) else { break }
            let code = String(decoding: bytes[codeStart..<i], as: UTF8.self).uppercased()
            codes.append(.init(code: code, range: SourceRange(start: base + codeStart, end: base + i)))
            end = i
        }
        return (codes, end)
    }
}

/// Applies suppressions to a file's diagnostics and, when asked, reports unused `# noqa` as HL002.
public struct SuppressionPass: Sendable {
    /// Codes whose rules ran on this file: a noqa code outside it is "non-enabled".
    public let selectedCodes: Set<String>
    /// Whether HL002 is selected.
    public let reportsUnused: Bool

    public init(selectedCodes: Set<String>, reportsUnused: Bool) {
        self.selectedCodes = selectedCodes
        self.reportsUnused = reportsUnused
    }

    public static let unusedCode = UnusedSuppression.metadata.code

    /// The diagnostics that survive suppression, plus HL002 findings (sorted in stable order).
    public func apply(to diagnostics: [Diagnostic], tree: SyntaxTree, path: String) -> [Diagnostic] {
        let source = tree.source
        let suppressions = Suppressions(tree: tree)
        // Cheap exit first: most files have neither findings nor `noqa` comments.
        if diagnostics.isEmpty && suppressions.directives.isEmpty { return diagnostics }
        let redirects = suppressions.noqaLineRedirects(in: source)
        var used: [Int: Set<String>] = [:]
        var kept: [Diagnostic] = []
        for original in diagnostics {
            if suppressions.exemptions.contains(where: { $0.exempts(original.code) }) { continue }
            let line = redirects[original.start.line] ?? original.start.line
            let diagnostic = line == original.noqaLine ? original : original.withNoqaLine(line)
            if let directive = suppressions.directives[line], directive.suppresses(diagnostic.code) {
                used[line, default: []].insert(diagnostic.code)
                continue
            }
            kept.append(diagnostic)
        }
        guard reportsUnused, !suppressions.exemptions.contains(where: { $0.exempts(Self.unusedCode) }) else {
            return kept
        }
        for (line, directive) in suppressions.directives.sorted(by: { $0.key < $1.key }) {
            if directive.suppresses(Self.unusedCode) && !directive.isBlanket { continue }
            if let finding = unusedFinding(directive, used: used[line] ?? [], source: source) {
                kept.append(Diagnostic(path: path, finding: finding, source: source))
            }
        }
        return kept.sorted(by: Diagnostic.ordered)
    }

    private func unusedFinding(_ directive: NoqaDirective, used: Set<String>, source: SourceText) -> Finding? {
        guard let codes = directive.codes else {
            guard used.isEmpty else { return nil }
            return Finding(UnusedSuppression.self, range: directive.range, message: "Unused blanket `noqa` directive",
                           fix: Fix(title: "Remove unused `noqa` directive", applicability: .safe,
                                    edits: [removal(of: directive, source: source)]))
        }
        // Only heaplint's own codes are judged; `E501` belongs to another tool.
        let ours = codes.filter { $0.code.hasPrefix("HL") && $0.code != Self.unusedCode }
        let unused = ours.filter { !used.contains($0.code) }
        guard !unused.isEmpty else { return nil }
        var unknown: [String] = [], disabled: [String] = [], unmatched: [String] = []
        for code in unused.map(\.code) {
            if RuleRegistry.rule(code: code) == nil { unknown.append(code) }
            else if !selectedCodes.contains(code) { disabled.append(code) }
            else { unmatched.append(code) }
        }
        var parts: [String] = []
        if !unmatched.isEmpty { parts.append("unused: " + unmatched.map { "`\($0)`" }.joined(separator: ", ")) }
        if !disabled.isEmpty { parts.append("non-enabled: " + disabled.map { "`\($0)`" }.joined(separator: ", ")) }
        if !unknown.isEmpty { parts.append("unknown: " + unknown.map { "`\($0)`" }.joined(separator: ", ")) }
        let message = "Unused `noqa` directive (\(parts.joined(separator: "; ")))"
        let remaining = codes.filter { code in !unused.contains(code) }
        let edit: TextEdit
        let title: String
        if remaining.isEmpty {
            edit = removal(of: directive, source: source)
            title = "Remove unused `noqa` directive"
        } else {
            // Rewrite the code list, keeping the directive's own `# noqa` spelling.
            let head = source.text(directive.range.start..<codes[0].range.start)
            let text = head.trimmingTrailingSpaces() + " " + remaining.map(\.code).joined(separator: ", ")
            edit = TextEdit(range: directive.range.start..<directive.range.end, replacement: text)
            title = "Remove unused code" + (unused.count > 1 ? "s" : "") + " " + unused.map(\.code).joined(separator: ", ")
        }
        return Finding(UnusedSuppression.self, range: directive.range, message: message,
                       fix: Fix(title: title, applicability: .safe, edits: [edit]))
    }

    /// Removes the directive and the blanks before it; the whole comment when the directive is all of it.
    private func removal(of directive: NoqaDirective, source: SourceText) -> TextEdit {
        let bytes = source.bytes
        var start = directive.range.start
        var end = directive.range.end
        if directive.range.start == directive.comment.start {
            // The rest of the comment after the directive (`# noqa: HL101 because ...`) goes too.
            end = directive.comment.end
        }
        let lineStart = source.lineIndex.lineStarts[directive.line]
        while start > lineStart, bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09 { start -= 1 }
        if start == lineStart {
            // An own-line comment: keep the (now empty) line's indentation out; remove the comment only.
            start = directive.range.start
        }
        return TextEdit(range: start..<end, replacement: "")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
}
