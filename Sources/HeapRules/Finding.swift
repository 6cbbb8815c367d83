import HeapModel
import HeapSyntax

/// One problem a rule found in one file, before suppression and rendering.
public struct Finding: Sendable, Hashable {
    public let code: String
    public let range: SourceRange
    public let message: String
    public let severity: Severity
    public let explanation: HeapExplanation?
    public let fix: Fix?

    public init<R: Rule>(_ rule: R.Type, range: SourceRange, message: String,
                         explanation: HeapExplanation? = nil, fix: Fix? = nil, severity: Severity? = nil) {
        self.code = R.metadata.code
        self.range = range
        self.message = message
        self.severity = severity ?? R.metadata.severity
        self.explanation = explanation
        self.fix = fix
    }

    /// For findings that no rule type produces (file errors reported by the Kit).
    public init(code: String, range: SourceRange, message: String, severity: Severity,
                explanation: HeapExplanation? = nil, fix: Fix? = nil) {
        self.code = code
        self.range = range
        self.message = message
        self.severity = severity
        self.explanation = explanation
        self.fix = fix
    }
}

/// Sorted, non-overlapping byte edits against the source the finding was computed from.
public struct Fix: Sendable, Hashable {
    public let title: String
    public let applicability: FixApplicability
    public let edits: [TextEdit]

    public init(title: String, applicability: FixApplicability, edits: [TextEdit]) {
        self.title = title
        self.applicability = applicability
        self.edits = edits.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The source with every edit applied (edits are applied back to front so offsets hold).
    public func applied(to source: SourceText) -> SourceText {
        var bytes = source.bytes
        for edit in edits.reversed() {
            let lower = max(0, min(edit.range.lowerBound, bytes.count))
            let upper = max(lower, min(edit.range.upperBound, bytes.count))
            bytes.replaceSubrange(lower..<upper, with: edit.replacement)
        }
        return SourceText(bytes: bytes)
    }
}

/// Safe: same meaning, applied by `--fix`. Unsafe: may change behaviour, only with `--unsafe-fixes`.
/// Display-only: shown, never applied.
public enum FixApplicability: String, Sendable, Codable { case safe, unsafe, displayOnly = "display-only" }

extension String {
    /// The text with its first letter upper-cased: a phrase used as a message's opening ("Builds a list …").
    public var sentenceCased: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
