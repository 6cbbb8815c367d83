import HeapDiagnostics
import HeapRules
import HeapSyntax

/// `heaplint check --add-noqa`: a `# noqa: CODE` for every current finding, as ruff's `--add-noqa`
/// does, so a project can adopt heaplint now and fix the findings later. A line that already has a
/// `# noqa: E501` (another tool's, or heaplint's) gets the code added to that list; any other comment
/// on the line stays and the directive follows it (`# type: ignore  # noqa: HL101`). Running it again
/// adds nothing: the findings it covered are suppressed.
public enum NoqaAdder {
    /// Codes a `# noqa` cannot or should not cover: a syntax error and an unreadable file are not
    /// findings about code, and an unused suppression is fixed by removing it.
    static let skippedCodes: Set<String> = [SyntaxErrorRule.metadata.code, UnusedSuppression.metadata.code,
                                            UnreadableFile.metadata.code]

    public struct Outcome: Sendable {
        /// Codes added, over all files.
        public var added = 0
        /// Files that could not be written (path, why), reported as warnings.
        public var failures: [(path: String, reason: String)] = []
    }

    /// The edits that suppress `diagnostics` in `source` (the text they were found in), one per line.
    public static func edits(for diagnostics: [Diagnostic], in source: SourceText, parseBudget: ParseBudget = .standard) -> (edits: [TextEdit], added: Int) {
        var codesByLine: [Int: [String]] = [:]
        for d in diagnostics where !skippedCodes.contains(d.code) {
            if !(codesByLine[d.noqaLine]?.contains(d.code) ?? false) { codesByLine[d.noqaLine, default: []].append(d.code) }
        }
        guard !codesByLine.isEmpty else { return ([], 0) }
        let directives = Suppressions(tree: PythonParser(budget: parseBudget).parse(source)).directives
        var edits: [TextEdit] = []
        var added = 0
        for (line, codes) in codesByLine {
            let sorted = codes.sorted()
            if let directive = directives[line] {
                // A blanket `# noqa` already covers everything; a list gets the missing codes.
                guard let present = directive.codes else { continue }
                let missing = sorted.filter { code in !present.contains { $0.code == code } }
                guard !missing.isEmpty else { continue }
                let at = directive.range.end
                edits.append(TextEdit(range: at..<at, replacement: Array(missing.map { ", \($0)" }.joined().utf8)))
                added += missing.count
            } else {
                let lineRange = source.lineIndex.lineRange(line, in: source.bytes)
                var end = lineRange.upperBound
                // After the code (and any comment), not after trailing blanks.
                while end > lineRange.lowerBound, source.bytes[end - 1] == 0x20 || source.bytes[end - 1] == 0x09 { end -= 1 }
                let separator = end == lineRange.lowerBound ? "" : "  "
                edits.append(TextEdit(range: end..<lineRange.upperBound,
                                      replacement: Array("\(separator)# noqa: \(sorted.joined(separator: ", "))".utf8)))
                added += sorted.count
            }
        }
        return (edits.sorted { $0.range.lowerBound < $1.range.lowerBound }, added)
    }

    /// Adds the directives to the files of `results` (from a report-mode check). A file is written
    /// only if it still holds the text that was checked, and never when it was transcoded from a
    /// legacy encoding (the bytes written back would not be the user's encoding).
    public static func apply(to results: [FileResult], parseBudget: ParseBudget = .standard) -> Outcome {
        var outcome = Outcome()
        for result in results where !result.diagnostics.isEmpty && result.path != "-" {
            guard let checked = result.source else { continue }
            let (edits, added) = edits(for: result.diagnostics, in: checked, parseBudget: parseBudget)
            guard added > 0 else { continue }
            let (loaded, raw) = SourceLoader.loadKeepingBytes(path: result.path)
            guard case let .text(source, encoding) = loaded, let raw, source.bytes == checked.bytes else {
                outcome.failures.append((result.path, "it changed on disk while heaplint was checking it"))
                continue
            }
            guard encoding.isWritable else {
                outcome.failures.append((result.path, encoding.notebookCells != nil
                    ? "heaplint does not write into notebooks (.ipynb) yet"
                    : "it is not UTF-8 and heaplint writes only UTF-8 files"))
                continue
            }
            var bytes = source.bytes
            for edit in edits.reversed() { bytes.replaceSubrange(edit.range, with: edit.replacement) }
            if encoding == .utf8WithBOM { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            switch FileReplacement.replace(path: result.path, expecting: raw, with: bytes) {
            case .replaced: outcome.added += added
            case .changedOnDisk: outcome.failures.append((result.path, "it changed on disk while heaplint was checking it"))
            case .refused(let reason): outcome.failures.append((result.path, reason))
            case .changedDuringFix:
                // The comments were written, but another program wrote in the same instant: its change may be lost.
                outcome.added += added
                outcome.failures.append((result.path, "it changed during the write; re-run"))
            }
        }
        return outcome
    }
}
