#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import Dispatch
import HeapDiagnostics
import HeapLintKit
import HeapSyntax

/// One open file. `text` is always the current content (edits are applied to it in order, on the
/// message loop, so LSP positions can be converted). Parsing lags behind: `base` is the last parsed
/// tree and `pending` the byte edits since, which the next analysis applies with incremental re-parses.
struct OpenDocument {
    let uri: String
    let path: String
    /// The document's module in the project (for the project index).
    let module: ModuleIdentity
    /// Changes on open and on a full-text replacement; a result from an older generation is dropped.
    var generation: Int
    var version: Int
    var text: SourceText
    var base: ParsedDocument?
    var pending: [TextEdit] = []
    /// Content or settings changed since the last analysis.
    var isDirty = true
    /// An analysis is scheduled that has not yet taken its snapshot: new edits will be picked up by it.
    var isQueued = false
    var latest: AnalysisResult?
    /// A snapshot has been taken and its result is not stored yet.
    var isAnalysing = false
    /// The last analysis task; the next one starts after it, so one document is analysed in order.
    var tail: Task<Void, Never>?
    /// The document parses cleanly only with the newlines inside brackets joined (the grammar's
    /// dedent-inside-brackets bug, `BracketLines`): its analyses try that parse while the incremental
    /// tree has errors. Other documents try it only on a fresh parse, so typing broken code in them
    /// costs no second parse per keystroke. Cleared once the incremental tree has no error.
    var needsBracketJoin = false
    /// For an open notebook (`uri` is the notebook's): where each analysed cell sits in `text`.
    var notebook: NotebookLayout?
}

/// What one analysis of one document produced, with the text its positions refer to.
struct AnalysisResult: Sendable {
    let version: Int
    let settingsGeneration: Int
    let text: SourceText
    let diagnostics: [Diagnostic]
    /// Set when the document was not analysed (too large).
    let skippedReason: String?
    let elapsedSeconds: Double
    /// Of `elapsedSeconds`, the time spent re-parsing (the rest is semantics and rules).
    var parseSeconds: Double = 0
    /// The analysed tree came from the bracket-joined parse (the incremental tree had errors).
    var usedBracketJoin = false
    /// The incremental tree had syntax errors (whichever tree was analysed).
    var incrementalTreeHadErrors = false
    /// What the document gives the project index and asked of it.
    var interface: ModuleInterface?
    /// For a notebook: the cell layout of `text`, to show each diagnostic on its cell.
    var notebook: NotebookLayout?

    var resultID: String { "\(version)-\(settingsGeneration)" }
}

/// A snapshot taken on the message loop and analysed off it.
struct AnalysisJob: Sendable {
    let uri: String
    let path: String
    let generation: Int
    let version: Int
    let settingsGeneration: Int
    let text: SourceText
    let base: ParsedDocument?
    let pending: [TextEdit]
    let analyzer: Analyzer
    let module: ModuleIdentity
    /// The project's other modules as the server knows them now.
    let workspace: WorkspaceIndex
    let indexGeneration: Int
    let maxFileBytes: Int
    /// Matched by the project's `exclude`/`extend-exclude`: kept in sync, never reported on (as
    /// `heaplint check --force-exclude` would skip it).
    let isExcluded: Bool
    /// Try the bracket-joined parse when the tree has errors (see `OpenDocument.needsBracketJoin`).
    var triesBracketJoin = false
    /// For a notebook: where its cells start in `text` (rules about cells, such as HL407, read it).
    var cells: NotebookCellMap? = nil

    /// The single edit that turns `old` into `new`.
    static func difference(from old: SourceText, to new: SourceText) -> TextEdit {
        let a = old.bytes, b = new.bytes
        var prefix = 0
        let limit = min(a.count, b.count)
        while prefix < limit && a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < limit - prefix && a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        return TextEdit(range: prefix..<(a.count - suffix), replacement: Array(b[prefix..<(b.count - suffix)]))
    }

    /// Re-parses incrementally (or from scratch when there is no tree yet) and analyses.
    func run() -> (AnalysisResult, ParsedDocument?) {
        let started = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
        if isExcluded {
            return (AnalysisResult(version: version, settingsGeneration: settingsGeneration, text: text,
                                   diagnostics: [], skippedReason: nil, elapsedSeconds: elapsed()), nil)
        }
        if text.byteCount > maxFileBytes {
            let reason = "\(path) is \(text.byteCount / 1_000_000) MB, over the \(maxFileBytes / 1_000_000) MB analysis limit (setting `maxFileBytes`); not analysed"
            return (AnalysisResult(version: version, settingsGeneration: settingsGeneration, text: text,
                                   diagnostics: [], skippedReason: reason, elapsedSeconds: elapsed()), nil)
        }
        let parser = analyzer.makeParser()
        var document: ParsedDocument
        if let base {
            // Each re-parse rebuilds the flat tree, so several pending edits become one: the span
            // between the texts' common prefix and suffix.
            let edits = pending.count > 1 ? [Self.difference(from: base.source, to: text)] : pending
            document = base
            for edit in edits { document = parser.reparse(document, applying: edit) }
            // Defensive: the tree must describe exactly the current text, or it is rebuilt.
            if document.source.bytes != text.bytes { document = parser.parseDocument(text) }
        } else {
            document = parser.parseDocument(text)
        }
        // The incremental tree stays the base for the next edit; a clean bracket-joined parse only
        // replaces it for this analysis.
        var tree = document.syntax
        var joined = false
        if tree.hasErrors, triesBracketJoin || base == nil, let clean = parser.parseJoiningBracketLines(document.source) {
            tree = clean
            joined = true
        }
        let parsed = elapsed()
        let analysis = analyzer.analyze(tree: tree, path: path, module: module, workspace: workspace, cells: cells)
        var result = AnalysisResult(version: version, settingsGeneration: settingsGeneration, text: document.source,
                                    diagnostics: analysis.diagnostics, skippedReason: nil, elapsedSeconds: elapsed())
        result.parseSeconds = parsed
        result.usedBracketJoin = joined
        result.incrementalTreeHadErrors = document.syntax.hasErrors
        result.interface = analysis.interface
        return (result, document)
    }
}
