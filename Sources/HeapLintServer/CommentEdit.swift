import HeapDiagnostics
import HeapSyntax

/// Typing inside a comment changes no finding: rules read the syntax tree and the semantic model,
/// where a comment is inert, and the one comment that matters — a suppression — is excluded here.
/// For such an edit the server shifts the previous diagnostics instead of re-parsing and re-analysing,
/// and keeps the edit pending for the next real analysis. Anything unusual takes the normal path.
enum CommentEdit {
    /// Comment text that changes what is reported: suppressions and pragmas.
    private static let pragmas = ["noqa", "heaplint", "type:", "pragma"]
    /// Bound the edits kept unparsed, so the next real analysis stays incremental-sized.
    private static let maxPending = 200

    static func shiftedResult(_ document: OpenDocument, _ edit: TextEdit, version: Int) -> AnalysisResult? {
        guard let base = document.base, let latest = document.latest, latest.skippedReason == nil,
              !document.isDirty, !document.isAnalysing, !document.isQueued, latest.version == document.version,
              document.pending.count < maxPending,
              !edit.replacement.contains(where: { $0 == 0x0A || $0 == 0x0D }),
              edit.range.lowerBound > 0 else { return nil }
        let text = document.text
        // Both ends on one line: a newline removed would join the comment with code.
        let line = text.lineIndex.line(of: edit.range.lowerBound)
        let lineRange = text.lineIndex.lineRange(line, in: text.bytes)
        guard edit.range.upperBound <= lineRange.upperBound else { return nil }
        // The tree is older than the text by `pending` (comment edits only): map offsets back to it.
        let start = baseOffset(edit.range.lowerBound, through: document.pending)
        let end = baseOffset(edit.range.upperBound, through: document.pending)
        guard start > 0 else { return nil }
        // Strictly after the `#` and within the comment (inserting at its end is fine).
        guard let node = comment(containing: start - 1, in: base.syntax),
              start > node.range.start, end <= node.range.end else { return nil }
        let newText = edit.applied(to: text)
        let before = text.text(lineRange).lowercased()
        let after = newText.lineText(line).lowercased()
        guard !pragmas.contains(where: { before.contains($0) || after.contains($0) }) else { return nil }
        let diagnostics = latest.diagnostics.map { shifted($0, by: edit, in: newText) }
        return AnalysisResult(version: version, settingsGeneration: latest.settingsGeneration, text: newText,
                              diagnostics: diagnostics, skippedReason: nil, elapsedSeconds: 0)
    }

    /// The comment token holding `offset` (the syntax layer finds it; the server walks no tree).
    static func comment(containing offset: Int, in tree: SyntaxTree) -> Node? {
        tree.comment(containing: offset)
    }

    /// An offset in the current text mapped to the text the tree was parsed from, undoing `pending`.
    static func baseOffset(_ offset: Int, through pending: [TextEdit]) -> Int {
        var o = offset
        for e in pending.reversed() {
            let insertedEnd = e.range.lowerBound + e.replacement.count
            if o >= insertedEnd { o += e.range.count - e.replacement.count }
            else if o > e.range.lowerBound { o = e.range.lowerBound }
        }
        return o
    }

    static func shifted(_ d: Diagnostic, by edit: TextEdit, in newText: SourceText) -> Diagnostic {
        let delta = edit.replacement.count - edit.range.count
        func map(_ o: Int) -> Int {
            o >= edit.range.upperBound ? o + delta : (o > edit.range.lowerBound ? edit.range.lowerBound : o)
        }
        func map(_ r: SourceRange) -> SourceRange { SourceRange(start: map(r.start), end: map(r.end)) }
        let f = d.finding
        var explanation = f.explanation
        if var e = explanation {
            e.path = e.path.map { step in
                var step = step
                step.site = step.site.map(map)
                return step
            }
            explanation = e
        }
        let fix = f.fix.map { fix in
            Fix(title: fix.title, applicability: fix.applicability, edits: fix.edits.map { e in
                TextEdit(range: map(e.range.lowerBound)..<max(map(e.range.lowerBound), map(e.range.upperBound)),
                         replacement: e.replacement)
            })
        }
        let finding = Finding(code: f.code, range: map(f.range), message: f.message, severity: f.severity,
                              explanation: explanation, fix: fix)
        return Diagnostic(path: d.path, finding: finding, source: newText)
    }
}
