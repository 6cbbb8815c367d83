import HeapModel
import HeapRules
import HeapSyntax

/// A finding placed in a file: what the front ends render. Positions are resolved once, here.
public struct Diagnostic: Sendable, Hashable {
    /// The path as the user should see it (relative to the working directory when possible).
    public let path: String
    public let finding: Finding
    public let start: SourcePosition
    public let end: SourcePosition
    /// 0-based line whose `# noqa` applies: the start line, or the last line of a multi-line string
    /// or backslash-continued statement the finding starts in (ruff's rule).
    public private(set) var noqaLine: Int

    public init(path: String, finding: Finding, source: SourceText) {
        self.path = path
        self.finding = finding
        self.start = source.position(of: finding.range.start)
        self.end = source.position(of: finding.range.end)
        self.noqaLine = start.line
    }

    public func withNoqaLine(_ line: Int) -> Diagnostic {
        var copy = self
        copy.noqaLine = line
        return copy
    }

    public var code: String { finding.code }
    public var message: String { finding.message }
    public var severity: Severity { finding.severity }
    public var explanation: HeapExplanation? { finding.explanation }
    public var fix: Fix? { finding.fix }
    public var url: String? { RuleRegistry.rule(code: code)?.metadata.url }
    public func url(base: String) -> String? { RuleRegistry.rule(code: code)?.metadata.url(base: base) }
    /// 1-based line where a `# noqa` comment suppresses this diagnostic.
    public var noqaRow: Int { noqaLine + 1 }
    /// 1-based line and column (Unicode scalars), as ruff prints them.
    public var row: Int { start.line + 1 }
    public var column: Int { start.scalarColumn + 1 }
    public var endRow: Int { end.line + 1 }
    public var endColumn: Int { end.scalarColumn + 1 }

    /// The finding without its fix (for text `--fix` cannot write back, such as a notebook's cells).
    public func withoutFix() -> Diagnostic {
        guard finding.fix != nil else { return self }
        let bare = Finding(code: finding.code, range: finding.range, message: finding.message, severity: finding.severity,
                           explanation: finding.explanation, fix: nil)
        return Diagnostic(path: path, finding: bare, start: start, end: end, noqaLine: noqaLine)
    }

    /// The same finding under another display path (the Kit relativises paths once).
    public func withPath(_ newPath: String) -> Diagnostic {
        Diagnostic(path: newPath, finding: finding, start: start, end: end, noqaLine: noqaLine)
    }

    init(path: String, finding: Finding, start: SourcePosition, end: SourcePosition, noqaLine: Int) {
        self.path = path
        self.finding = finding
        self.start = start
        self.end = end
        self.noqaLine = noqaLine
    }

    /// Stable output order: file, then position, then code.
    public static func ordered(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        if lhs.start.byteOffset != rhs.start.byteOffset { return lhs.start.byteOffset < rhs.start.byteOffset }
        return lhs.code < rhs.code
    }
}
