import Foundation
import HeapDiagnostics
import HeapLintKit
import HeapSyntax

/// The `.expected` rendering of one fixture's findings, compared by `FixtureTests`.
///
/// One block per finding, sorted by position, then code and message, so the text does not depend on the
/// order in which the model happens to discover cycles:
/// ```
/// HL101 12:9 Child stores its parent in self.parent ...
///   path: Tree.children (line 7) → list → Node; Node.parent (line 3) → Tree
///   also closed at: line 9 (Tree.children → list → Node; Node.parent → Tree)
///   size: ~688 B on CPython 3.12 (2 instances with __dict__)
///   fix (unsafe): Hold the parent through weakref.ref
///     --- HL1/HL101.py
///     +++ HL1/HL101.py
///     @@ -1,4 +1,4 @@
///     ...
/// ```
/// The path and size come from the finding's heap explanation; each fix is shown as the unified diff of
/// the source after applying it, so a snapshot catches a change in what is reported, where, why, and how
/// it would be fixed. Trailing whitespace is stripped from every line (a blank context line of a diff),
/// so the files survive editors and whitespace hooks unchanged.
enum FixtureSnapshot {
    static let updateVariable = "HEAPLINT_UPDATE_SNAPSHOTS"

    static var isUpdating: Bool { ProcessInfo.processInfo.environment[updateVariable] == "1" }

    static func render(_ diagnostics: [Diagnostic], source: SourceText, path: String) -> String {
        let ordered = diagnostics.sorted {
            ($0.row, $0.column, $0.code, $0.message, $0.endRow, $0.endColumn)
                < ($1.row, $1.column, $1.code, $1.message, $1.endRow, $1.endColumn)
        }
        var lines: [String] = []
        for d in ordered {
            lines.append("\(d.code) \(d.row):\(d.column) \(d.message)")
            if let explanation = d.explanation {
                if !explanation.path.isEmpty { lines.append("  path: " + explanation.pathSummary) }
                if !explanation.alsoClosedAt.isEmpty {
                    // One finding per cycle: the other statements closing it are part of what is reported.
                    lines.append("  also closed at: " + explanation.alsoClosedAt
                        .map { "line \($0.line) (\($0.summary))" }.joined(separator: ", "))
                }
                if let estimate = explanation.estimate {
                    lines.append("  size: \(estimate.summary) on \(estimate.version.displayName) (\(estimate.basis))")
                }
            }
            if let fix = d.fix {
                lines.append("  fix (\(fix.applicability.rawValue)): \(fix.title)")
                let before = source.text(0..<source.byteCount)
                let after = fix.applied(to: source)
                let diff = UnifiedDiff.make(old: before, new: after.text(0..<after.byteCount), path: path)
                    ?? "(no change)\n"
                for line in diff.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    lines.append("    " + line)
                }
            }
        }
        return lines.map { stripTrailingWhitespace($0) + "\n" }.joined()
    }

    /// A diff short enough for a test failure message: the first changed region, capped at `maxLines`.
    static func shortDiff(expected: String, actual: String, maxLines: Int = 40) -> String {
        guard let diff = UnifiedDiff.make(old: expected, new: actual, path: "expected → actual") else { return "" }
        let lines = diff.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count <= maxLines { return diff }
        return lines.prefix(maxLines).joined(separator: "\n") + "\n… (\(lines.count - maxLines) more diff lines)\n"
    }

    private static func stripTrailingWhitespace(_ line: String) -> String {
        var scalars = Substring(line)
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
