import HeapDiagnostics
import HeapRules
import HeapSyntax

/// `--fix` / `--diff` for one file: the passes that apply fixes until the text is stable, then the
/// write (`FileReplacement`) or the diff.
extension ProjectCheck {
    /// Analyses `original`, applies fixes until stable (`fixMode`), and with `.apply` writes the result
    /// to `target` if that file still holds `raw` (the bytes `original` was decoded from).
    func check(source original: SourceText, encoding: SourceEncoding, path: String, writeTo target: String?,
               readAs raw: [UInt8]?, parser: PythonParser) -> FileResult {
        let originalTree = parser.parse(original)
        // Files from disk take part in the project index; stdin text stands alone.
        let module = target.map { ModuleIdentity.of(path: $0) }
        var analysis = analyzer.analyze(tree: originalTree, path: path, module: module, cells: encoding.notebookCells)
        if originalTree.parseCutOff != nil {
            // Reported like an unreadable file: no source, so no snippet of the (often one huge) first line.
            var result = FileResult(path: path, source: analysis.diagnostics.isEmpty ? nil : SourceText(bytes: []),
                                    diagnostics: analysis.diagnostics, fixedCount: 0, diff: nil, fromCache: false)
            result.parseWasCutOff = true
            return result
        }
        let originalDiagnostics = analysis.diagnostics
        let interface = analysis.interface
        // A notebook's analysed text is its code cells, not the file's JSON: fixes are written back cell
        // by cell (`NotebookFixScope`), which needs the bytes as read (from the file or stdin).
        let isNotebook = encoding.notebookCells != nil
        // Also without --fix: a fix offered as `[*]` must be one `--fix` can write.
        var scope = isNotebook ? raw.flatMap { NotebookFixScope(raw: $0, module: original.bytes) } : nil
        if isNotebook, raw != nil, scope == nil {
            var result = FileResult(path: path, source: original, diagnostics: analysis.diagnostics.map { $0.withoutFix() },
                                    fixedCount: 0, diff: nil, fromCache: false, interface: interface)
            result.notebookFixNotes = ["\(path): fixes were not applied: heaplint could not find the code cells' `source` values in the notebook's JSON"]
            return result
        }
        guard fixMode != .report, !isNotebook || scope != nil, encoding.isWritable || isNotebook || target == nil else {
            let keeps = interface?.importedCallees.isEmpty == false && treeBudget.take(original.byteCount)
            let shown = scope.map { withoutUnwritableFixes(analysis.diagnostics, scope: $0, module: original.bytes, path: path).diagnostics }
            var result = FileResult(path: path, source: original, diagnostics: shown ?? analysis.diagnostics, fixedCount: 0, diff: nil,
                                    fromCache: false, interface: interface, tree: keeps ? originalTree : nil)
            result.projectIndependent = keeps ? analysis.projectIndependent : nil
            return result
        }
        var source = original
        var fixed = 0
        // Which rules' fixes were applied, for `--show-fixes`.
        var fixedCodes: [String: Int] = [:]
        var syntaxErrorCount = originalTree.syntaxErrors.count
        // Apply until stable: each pass takes every applicable fix that does not overlap an earlier one.
        for _ in 0..<Self.maxFixPasses {
            var chosen: [TextEdit] = []
            var placed: [(cell: Int, edit: TextEdit)] = []
            var taken: [String] = []
            var lastEnd = -1
            let fixes = analysis.diagnostics.compactMap { diagnostic in diagnostic.fix.map { (code: diagnostic.code, fix: $0) } }
                .filter { isApplicable($0.fix) }
                .sorted { ($0.fix.edits.first?.range.lowerBound ?? 0) < ($1.fix.edits.first?.range.lowerBound ?? 0) }
            for (code, fix) in fixes where !fix.edits.isEmpty {
                guard let first = fix.edits.first, first.range.lowerBound > lastEnd || (lastEnd == -1) else { continue }
                if let scope {
                    // In a notebook only a fix that can be written back into one cell is taken.
                    guard case .cell(let cell) = scope.place(fix.edits) else { continue }
                    placed += fix.edits.map { (cell, $0) }
                }
                chosen.append(contentsOf: fix.edits)
                lastEnd = fix.edits.map(\.range.upperBound).max() ?? lastEnd
                taken.append(code)
            }
            if chosen.isEmpty { break }
            var bytes = source.bytes
            for edit in chosen.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }).reversed() {
                let lower = max(0, min(edit.range.lowerBound, bytes.count))
                let upper = max(lower, min(edit.range.upperBound, bytes.count))
                bytes.replaceSubrange(lower..<upper, with: edit.replacement)
            }
            if bytes == source.bytes { break }
            let candidate = SourceText(bytes: bytes)
            let candidateTree = parser.parse(candidate)
            // A fix must never break the file: if this pass adds syntax errors, keep the previous text.
            // A parse cut off at its budget proves nothing about the fixed text: keep the previous one too.
            if candidateTree.parseCutOff != nil || candidateTree.syntaxErrors.count > syntaxErrorCount { break }
            syntaxErrorCount = candidateTree.syntaxErrors.count
            source = candidate
            scope?.apply(placed)
            fixed += taken.count
            for code in taken { fixedCodes[code, default: 0] += 1 }
            analysis = analyzer.analyze(tree: candidateTree, path: path, cells: scope?.cellMap(module: source.bytes))
        }
        // A notebook fix that cannot be written into one cell stays a finding, without a fix to offer,
        // and is named on stderr with the reason.
        var notes: [String] = []
        var remaining = analysis.diagnostics
        if let scope {
            (remaining, notes) = withoutUnwritableFixes(remaining, scope: scope, module: source.bytes, path: path)
        }
        guard fixed > 0 else {
            var result = FileResult(path: path, source: source, diagnostics: remaining, fixedCount: 0, diff: nil,
                                    fromCache: false, interface: interface)
            result.notebookFixNotes = notes
            return result
        }
        var diff: String? = nil
        var notebookBytes: [UInt8]? = nil
        if let scope, let raw {
            guard let (bytes, cellDiff) = scope.writeBack(raw: raw, module: source.bytes, path: path) else {
                var result = FileResult(path: path, source: original, diagnostics: originalDiagnostics.map { $0.withoutFix() },
                                        fixedCount: 0, diff: nil, fromCache: false, interface: interface)
                result.notebookFixNotes = ["\(path): fixes were not applied: a fixed cell has no `source` value in the notebook's JSON"]
                return result
            }
            notebookBytes = bytes
            if fixMode == .diff { diff = cellDiff.isEmpty ? nil : cellDiff }
        } else if fixMode == .diff || target == nil {
            diff = UnifiedDiff.make(old: original.text(0..<original.byteCount), new: source.text(0..<source.byteCount),
                                    path: path)
        }
        let fixedCells = scope?.cellMap(module: source.bytes)
        if fixMode == .apply, let target {
            let bytes = notebookBytes ?? (encoding == .utf8WithBOM ? [0xEF, 0xBB, 0xBF] + source.bytes : source.bytes)
            let message: String?
            var written = false
            switch raw.map({ FileReplacement.replace(path: target, expecting: $0, with: bytes) }) ?? .refused("it was not read") {
            case .replaced: message = nil
            case .changedOnDisk: message = "File changed on disk while heaplint was checking it; fixes were not written"
            case .refused(let reason): message = "Cannot write fixes to file: \(reason); it was left unchanged"
            case .changedDuringFix:
                message = "File changed during the fix; re-run: another program wrote to it in the instant heaplint replaced it, and that change may be lost"
                written = true
            }
            if let message, written {
                // The fixes are on disk: report them as applied, and the lost write beside them.
                let finding = Finding(code: UnreadableFile.metadata.code, range: SourceRange(start: 0, end: 0),
                                      message: message, severity: .error)
                var result = FileResult(path: path, source: source,
                                        diagnostics: [Diagnostic(path: path, finding: finding, source: source)] + remaining,
                                        fixedCount: fixed, diff: diff, fromCache: false, interface: interface)
                result.cells = fixedCells
                result.notebookFixNotes = notes
                result.fixedCodes = fixedCodes
                return result
            }
            if let message {
                let finding = Finding(code: UnreadableFile.metadata.code, range: SourceRange(start: 0, end: 0),
                                      message: message, severity: .error)
                return FileResult(path: path, source: original,
                                  diagnostics: [Diagnostic(path: path, finding: finding, source: original)] + originalDiagnostics,
                                  fixedCount: 0, diff: nil, fromCache: false, interface: interface)
            }
        }
        var result = FileResult(path: path, source: source, diagnostics: remaining, fixedCount: fixed, diff: diff,
                                fromCache: false, interface: interface)
        // The fixes moved lines: the remaining findings are placed by the fixed cells.
        result.cells = fixedCells
        result.notebookFixNotes = notes
        result.fixedNotebook = notebookBytes
        result.fixedCodes = fixedCodes
        return result
    }
}

extension ProjectCheck {
    /// A notebook's diagnostics with each fix that cannot be written into one cell removed (so it is not
    /// counted as fixable, safe or hidden), and a note for each one this run would have applied.
    func withoutUnwritableFixes(_ diagnostics: [Diagnostic], scope: NotebookFixScope, module: [UInt8],
                                path: String) -> (diagnostics: [Diagnostic], notes: [String]) {
        var notes: [String] = []
        var map: NotebookCellMap? = nil
        let kept = diagnostics.map { diagnostic -> Diagnostic in
            guard let fix = diagnostic.fix, case .refused(let reason) = scope.place(fix.edits) else { return diagnostic }
            if isApplicable(fix) {
                let cells = map ?? scope.cellMap(module: module)
                map = cells
                let (cell, line) = cells.locate(line: diagnostic.start.line)
                notes.append("\(path):cell \(cell):\(line + 1):\(diagnostic.column): \(diagnostic.code) fix not applied: \(reason)")
            }
            return diagnostic.withoutFix()
        }
        return (kept, notes)
    }
}
