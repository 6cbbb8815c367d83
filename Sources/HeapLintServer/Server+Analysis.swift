#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapLintKit
import HeapSyntax
import LSPProtocol
import LSPTransport

/// Analysis of open documents: a snapshot taken on the actor, parsed and analysed off it, stored
/// back when it is still current, and the project index that other modules' analyses read.
extension HeapLintServer {
    /// Schedules an analysis that pushes diagnostics. At most one is waiting per document: it takes
    /// every edit made until it starts, so a burst of keystrokes costs one analysis, not one each.
    func scheduleAnalysis(_ uri: String) {
        guard var document = store[uri], !document.isQueued else { return }
        document.isQueued = true
        let previous = document.tail
        let debounce = options.debounce
        document.tail = Task {
            await previous?.value
            if debounce > .zero { try? await Task.sleep(for: debounce) }
            guard let result = await self.analyze(uri, fromQueue: true) else { return }
            self.publish(uri, result)
        }
        store[uri] = document
    }

    /// The analysis of the document's current content: the cached one, or a new one queued behind
    /// whatever analysis is running for it.
    func currentAnalysis(_ uri: String) async -> AnalysisResult? {
        guard let document = store[uri] else { return nil }
        // A result is current only when nothing is pending, queued or still running for the document.
        if !document.isDirty, !document.isAnalysing, !document.isQueued, let latest = document.latest { return latest }
        let previous = document.tail
        let task = Task { () -> AnalysisResult? in
            await previous?.value
            return await self.analyze(uri, fromQueue: false)
        }
        store[uri]?.tail = Task { _ = await task.value }
        return await task.value
    }

    func analyze(_ uri: String, fromQueue: Bool) async -> AnalysisResult? {
        let layout = store[uri]?.notebook
        guard let job = takeJob(uri, fromQueue: fromQueue) else { return store[uri]?.latest }
        var (result, parsed) = await Self.run(job)
        result.notebook = layout
        return keepResult(of: job, result, parsed)
    }

    func takeJob(_ uri: String, fromQueue: Bool) -> AnalysisJob? {
        guard var document = store[uri] else { return nil }
        if fromQueue { document.isQueued = false }
        guard document.isDirty || document.latest == nil else {
            store[uri] = document
            return nil
        }
        let job = AnalysisJob(uri: uri, path: document.path, generation: document.generation,
                              version: document.version, settingsGeneration: settingsGeneration,
                              text: document.text, base: document.base, pending: document.pending,
                              analyzer: analyzer(forPath: document.path),
                              module: document.module, workspace: workspaceIndex, indexGeneration: indexGeneration,
                              maxFileBytes: options.maxFileBytes,
                              isExcluded: configuration(forPath: document.path).isExcluded(path: document.path),
                              triesBracketJoin: document.needsBracketJoin,
                              cells: document.notebook.map { layout in
                                  NotebookCellMap(cells: layout.cells.map { .init(number: $0.number, firstLine: $0.firstLine) })
                              })
        document.pending = []
        document.isDirty = false
        document.isAnalysing = true
        store[uri] = document
        return job
    }

    /// Parsing and rules run here, on the global executor, never on the actor.
    nonisolated static func run(_ job: AnalysisJob) async -> (AnalysisResult, ParsedDocument?) {
        job.run()
    }

    func keepResult(of job: AnalysisJob, _ result: AnalysisResult, _ parsed: ParsedDocument?) -> AnalysisResult? {
        store[job.uri]?.isAnalysing = false
        guard var document = store[job.uri], document.generation == job.generation else { return nil }
        if let reason = result.skippedReason, document.latest?.skippedReason == nil { log(.warning, reason) }
        document.base = parsed
        if parsed == nil {
            // Not parsed (too large): the next analysis starts from the text again.
            document.pending = []
        }
        document.latest = result
        if result.usedBracketJoin { document.needsBracketJoin = true }
        else if !result.incrementalTreeHadErrors { document.needsBracketJoin = false }
        store[job.uri] = document
        // A notebook cannot be imported: its classes stay out of the project index (as in `heaplint check`).
        if result.skippedReason == nil, document.notebook == nil, workspaceIndex.update(module: document.module, interface: result.interface) {
            indexGeneration += 1
            reanalyseDependents(of: document.module.name, except: job.uri)
        }
        // The index changed while this analysis ran: one that asked it something is repeated.
        if job.indexGeneration != indexGeneration, result.interface?.importedCallees.isEmpty == false {
            store[job.uri]?.isDirty = true
            scheduleAnalysis(job.uri)
        }
        return result
    }

    /// Open documents whose last analysis asked about a class of `module` are analysed again: the
    /// module's classes changed.
    func reanalyseDependents(of module: String, except changed: String? = nil) {
        for (uri, document) in store.all where uri != changed && WorkspaceIndex.depends(document.latest?.interface, on: module) {
            store[uri]?.isDirty = true
            scheduleAnalysis(uri)
        }
    }

    /// The workspace's class summaries, read off the files on disk once (off the actor); then every open
    /// document that asked the index something is analysed again.
    func indexWorkspace() {
        let files = workspaceFiles()
        guard !files.isEmpty else { return }
        let maxFileBytes = options.maxFileBytes
        let parseBudget = options.parseBudget
        Task.detached(priority: .utility) {
            let modules = WorkspaceIndex.scan(files, maxFileBytes: maxFileBytes, parseBudget: parseBudget)
            await self.mergeDiskIndex(modules, fileCount: files.count)
        }
    }

    func mergeDiskIndex(_ modules: WorkspaceIndex.DiskModules, fileCount: Int) {
        workspaceIndex.setDisk(modules)
        indexGeneration += 1
        log(.info, "heaplint: project index of \(fileCount) files, \(modules.count) modules with classes")
        for (uri, document) in store.all where document.latest?.interface?.importedCallees.isEmpty == false {
            store[uri]?.isDirty = true
            scheduleAnalysis(uri)
        }
    }

    // MARK: Inspection (tests)

    /// Whether the document's latest result came from the comment-edit shortcut.
    func isCommentOnly(_ uri: String) -> Bool? {
        store[uri].map { $0.latest?.elapsedSeconds == 0 && !$0.pending.isEmpty }
    }

    /// The current text of an open document.
    func documentText(_ uri: String) -> String? {
        store[uri].map { String(decoding: $0.text.bytes, as: UTF8.self) }
    }

    /// Waits for the document's analyses to finish and returns the text its tree was parsed from.
    func parsedText(_ uri: String) async -> String? {
        guard let result = await currentAnalysis(uri) else { return nil }
        return String(decoding: result.text.bytes, as: UTF8.self)
    }
}
