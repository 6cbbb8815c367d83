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

    public init(path: String, finding: Finding, source: SourceText) {
        self.path = path
        self.finding = finding
        self.start = source.position(of: finding.range.start)
        self.end = source.position(of: finding.range.end)
    }

    public var code: String { finding.code }
    public var message: String { finding.message }
    public var severity: Severity { finding.severity }
    public var explanation: HeapExplanation? { finding.explanation }
    public var fix: Fix? { finding.fix }
    public var url: String? { RuleRegistry.rule(code: code)?.metadata.url }

    /// Stable output order: file, then position, then code.
    public static func ordered(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        if lhs.start.byteOffset != rhs.start.byteOffset { return lhs.start.byteOffset < rhs.start.byteOffset }
        return lhs.code < rhs.code
    }
}
