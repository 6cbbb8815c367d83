import HeapDiagnostics
import HeapLintKit
import HeapSyntax
import LSPProtocol

/// heaplint `Diagnostic` → LSP diagnostic, hover text.
public struct DiagnosticMapping: Sendable {
    public let positions: PositionMapping
    /// Where rule links point (`rule-url-base` of the document's configuration).
    public var ruleURLBase: String

    public init(positions: PositionMapping, ruleURLBase: String = RuleMetadata.defaultURLBase) {
        self.positions = positions
        self.ruleURLBase = ruleURLBase
    }

    /// The same mapping with rule links under `base`.
    public func linking(to base: String) -> DiagnosticMapping {
        DiagnosticMapping(positions: positions, ruleURLBase: base)
    }

    public func lspDiagnostic(_ d: Diagnostic, uri: String, source: SourceText) -> LSPDiagnostic {
        let related: [DiagnosticRelatedInformation] = (d.explanation?.path ?? []).compactMap { step in
            guard let site = step.site else { return nil }
            return DiagnosticRelatedInformation(
                location: Location(uri: uri, range: positions.range(site, in: source)), message: step.summary)
        } + (d.explanation?.alsoClosedAt ?? []).map { other in
            DiagnosticRelatedInformation(location: Location(uri: uri, range: positions.range(other.site, in: source)),
                                         message: "also closes this cycle: \(other.summary)")
        }
        var tags: [DiagnosticTag] = []
        // An unused suppression is dead text: editors grey it out.
        if d.code == UnusedSuppression.metadata.code { tags.append(.unnecessary) }
        return LSPDiagnostic(
            range: LSPRange(start: positions.position(d.start), end: positions.position(d.end)),
            severity: Self.severity(of: d),
            code: d.code,
            codeDescription: d.url(base: ruleURLBase).map(CodeDescription.init(href:)),
            source: "heaplint",
            message: d.message,
            tags: tags.isEmpty ? nil : tags,
            relatedInformation: related.isEmpty ? nil : related)
    }

    /// A cycle made once per process is a fixed cost, not a leak, and one only test-support code makes
    /// never arises in the program's own runs: shown as a hint, which editors draw faintly and leave out of
    /// the problems count, so it is there without asking for action.
    public static func severity(of d: Diagnostic) -> DiagnosticSeverity {
        if d.explanation?.lifetime?.kind.isHiddenByDefault ?? false { return .hint }
        return severity(d.severity)
    }

    public static func severity(_ s: Severity) -> DiagnosticSeverity {
        switch s {
        case .error: .error
        case .warning: .warning
        case .info: .information
        }
    }

    /// The hover for the diagnostics whose ranges hold `offset`: the heap-model explanation in markdown.
    public func hover(at offset: Int, diagnostics: [Diagnostic], source: SourceText) -> Hover? {
        let hits = diagnostics.filter { d in
            let r = d.finding.range
            // An empty or one-column range still answers a hover on its first column.
            return r.contains(offset) || (offset == r.start) || (r.isEmpty && offset == r.end)
        }
        guard let first = hits.first else { return nil }
        let markdown = hits.map { Self.markdown($0, ruleURLBase: ruleURLBase) }.joined(separator: "\n\n---\n\n")
        var range = first.finding.range
        for d in hits.dropFirst() {
            range = SourceRange(start: min(range.start, d.finding.range.start), end: max(range.end, d.finding.range.end))
        }
        return Hover(contents: MarkupContent(kind: "markdown", value: markdown),
                     range: positions.range(range, in: source))
    }

    public static func markdown(_ d: Diagnostic, ruleURLBase: String = RuleMetadata.defaultURLBase) -> String {
        let metadata = RuleRegistry.rule(code: d.code)?.metadata
        var lines: [String] = []
        let name = metadata.map { " (\($0.name))" } ?? ""
        lines.append("**heaplint \(d.code)**\(Self.escaped(name)): \(Self.escaped(d.message))")
        if let explanation = d.explanation {
            if !explanation.path.isEmpty {
                lines.append("")
                lines.append("**Reference path**: `" + ReferenceGraph(path: explanation.path).arrowChain + "`")
                lines.append("")
                for (i, step) in explanation.path.enumerated() {
                    lines.append("\(i + 1). \(Self.codeSpan(step.summary))")
                }
            }
            if let lifetime = explanation.lifetime {
                lines.append("")
                lines.append("**Lifetime**: \(lifetime.kind.label) — \(lifetime.reason)")
            }
            if let estimate = explanation.estimate {
                lines.append("")
                lines.append("**Size**: \(Self.escaped("\(estimate.summary) on \(estimate.version.displayName) (\(estimate.basis))"))")
            }
            if !explanation.mechanism.isEmpty {
                lines.append("")
                lines.append("**Freed by**: \(Self.escaped(explanation.mechanism))")
            }
            if !explanation.remedy.isEmpty {
                lines.append("")
                lines.append("**Remedy**: \(Self.escaped(explanation.remedy))")
            }
        }
        if let fix = d.fix {
            lines.append("")
            lines.append("**Fix** (\(fix.applicability.rawValue)): \(Self.escaped(fix.title))")
        }
        if let metadata {
            lines.append("")
            lines.append("\(Self.escaped(metadata.summary)) [\(d.code) documentation](\(metadata.url(base: ruleURLBase)))")
        }
        return lines.joined(separator: "\n")
    }

    /// Characters that markdown would read as emphasis, links, HTML, headings, tables or escapes.
    private static let active: Set<Character> = ["\\", "*", "_", "[", "]", "<", ">", "#", "~", "|", "!", "&"]

    /// `text` as literal markdown: backtick code spans are kept as written (their content is already
    /// literal), everything outside them is backslash-escaped, so `__dict__` is not bold "dict".
    /// An unpaired backtick is escaped too.
    public static func escaped(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "`") {
            out += escapePlain(rest[..<open])
            // The delimiter is the whole run of backticks; the span closes at an equal run.
            var afterOpen = open
            while afterOpen < rest.endIndex, rest[afterOpen] == "`" { afterOpen = rest.index(after: afterOpen) }
            let delimiter = rest[open..<afterOpen]
            if let close = closingRun(of: delimiter.count, in: rest[afterOpen...]) {
                out += rest[open..<close.upperBound]
                rest = rest[close.upperBound...]
            } else {
                out += String(repeating: "\\`", count: delimiter.count)
                rest = rest[afterOpen...]
            }
        }
        return out + escapePlain(rest)
    }

    /// `text` as one code span, whatever backticks it holds.
    public static func codeSpan(_ text: String) -> String {
        var longest = 0, run = 0
        for c in text { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
        return fence + pad + text + pad + fence
    }

    private static func escapePlain(_ text: Substring) -> String {
        var out = ""
        for c in text {
            if active.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    private static func closingRun(of length: Int, in text: Substring) -> Range<Substring.Index>? {
        var i = text.startIndex
        while i < text.endIndex {
            guard text[i] == "`" else { i = text.index(after: i); continue }
            var j = i
            while j < text.endIndex, text[j] == "`" { j = text.index(after: j) }
            if text.distance(from: i, to: j) == length { return i..<j }
            i = j
        }
        return nil
    }
}

extension SourceRange {
    var isEmpty: Bool { start == end }
}
