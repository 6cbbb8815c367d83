import HeapSyntax

/// HL001: the file does not parse. Reported at each place the parser had to recover; the rest of
/// the error-tolerant tree is still analysed, so other findings in the file are kept.
public struct SyntaxErrorRule: Rule {
    public static let metadata = RuleMetadata(
        code: "HL001", name: "syntax-error", family: .meta, status: .stable, severity: .error,
        summary: "The file has a syntax error; heaplint analyses the rest of it.",
        doc: RuleDoc(
            whatItFinds: "Source that the Python grammar cannot parse: a missing bracket, a stray token, bad indentation.",
            whyItMatters: "CPython would refuse to compile the module, so none of it runs. heaplint keeps analysing the parts that parse, but findings near the error may be incomplete.",
            example: "```python\ndef f(:\n    pass\n```",
            useInstead: "```python\ndef f():\n    pass\n```",
            whenItsFine: "Never in code that is meant to run. Test fixtures that are invalid on purpose can be excluded with `extend-exclude`."),
        examples: [
            .triggering("def f(↓:\n    pass\n"),
            .nonTriggering("def f():\n    pass\n"),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        var lastLine = -1
        for error in context.tree.syntaxErrors {
            // One finding per line: tree-sitter often recovers with several small errors in a row.
            let line = context.source.position(of: error.range.start).line
            if line == lastLine { continue }
            lastLine = line
            let message: String
            if let own = error.message {
                message = "Syntax error: \(own)"
            } else if error.isMissing, let expected = error.expected {
                message = "Syntax error: expected `\(expected)`"
            } else {
                let text = context.source.text(error.range.range)
                let snippet = text.count > 20 ? String(text.prefix(20)) + "…" : text
                message = snippet.trimmingCharactersInSetWhitespace().isEmpty
                    ? "Syntax error" : "Syntax error: unexpected `\(snippet.trimmingCharactersInSetWhitespace())`"
            }
            // An empty range (a missing token) still needs one column to show a caret.
            let range = error.range.end > error.range.start ? error.range
                : SourceRange(start: error.range.start, end: min(error.range.start + 1, context.source.byteCount))
            findings.append(Finding(Self.self, range: range, message: message))
        }
        return findings
    }
}

extension String {
    func trimmingCharactersInSetWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars.split(whereSeparator: \.isNewline).first ?? "")
    }
}
