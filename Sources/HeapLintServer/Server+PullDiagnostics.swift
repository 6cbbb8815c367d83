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

/// Pulled diagnostics: `textDocument/diagnostic` for one document (open, or read from disk) and
/// `workspace/diagnostic` for every file of the workspace folders, with result ids so unchanged
/// files are answered `unchanged`.
extension HeapLintServer {
    func documentDiagnostic(_ params: DocumentDiagnosticParams) async throws -> DocumentDiagnosticReport {
        let uri = params.textDocument.uri
        if let notebook = store.notebookURI(ofCell: uri) {
            guard let result = await currentAnalysis(notebook), let layout = result.notebook else {
                return .full(resultId: nil, items: [])
            }
            try Task.checkCancellation()
            if params.previousResultId == result.resultID { return .unchanged(resultId: result.resultID) }
            let items = result.diagnostics.map { mapping(for: notebook).lspDiagnostic($0, uri: notebook, source: result.text) }
            return .full(resultId: result.resultID,
                         items: layout.diagnosticsByCell(items, source: result.text, positions: mapping.positions)[uri] ?? [])
        }
        if store.isOpen(uri) {
            guard let result = await currentAnalysis(uri) else { return .full(resultId: nil, items: []) }
            try Task.checkCancellation()
            if params.previousResultId == result.resultID { return .unchanged(resultId: result.resultID) }
            return .full(resultId: result.resultID,
                         items: result.diagnostics.map { mapping(for: uri).lspDiagnostic($0, uri: uri, source: result.text) })
        }
        // Not open: analyse the file on disk.
        guard let path = Self.path(fromURI: uri) else { return .full(resultId: nil, items: []) }
        let report = try await diskReport(uri: uri, path: path, previous: params.previousResultId)
        return report.kind == "unchanged" ? .unchanged(resultId: report.resultId ?? "")
            : .full(resultId: report.resultId, items: report.items ?? [])
    }

    /// A file on disk read with the CLI's loader (PEP 263 cookies, BOMs; NUL bytes, bad UTF-8,
    /// unreadable or dangling paths and files over `maxFileBytes` are HL003), so the editor shows what
    /// `heaplint check` prints.
    func diskReport(uri: String, path: String, previous: String?) async throws -> WorkspaceDocumentDiagnosticReport {
        // The target's identity (stat follows symlinks): a re-pointed link or an edited target changes it.
        var info = stat()
        let resultID = stat(path, &info) == 0
            ? "disk-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_size)-\(info.st_ino)-\(settingsGeneration)"
            : "disk-none-\(settingsGeneration)"
        if previous == resultID {
            return WorkspaceDocumentDiagnosticReport(kind: "unchanged", resultId: resultID, uri: uri, version: nil, items: nil)
        }
        let analyzer = analyzer(forPath: path)
        let source: SourceText
        let diagnostics: [Diagnostic]
        switch await Self.loadFile(path, maxBytes: options.maxFileBytes) {
        case .unreadable(let message):
            source = SourceText(bytes: [])
            diagnostics = analyzer.unreadableFileDiagnostics(path: path, message: message)
        case .text(let text, _):
            source = text
            diagnostics = await Self.analyzeFile(analyzer, source: text, path: path).diagnostics
        }
        let items = diagnostics.map { mapping(for: uri).lspDiagnostic($0, uri: uri, source: source) }
        return WorkspaceDocumentDiagnosticReport(kind: "full", resultId: resultID, uri: uri, version: nil, items: items)
    }

    /// Reading and transcoding run off the actor, like analysis.
    nonisolated static func loadFile(_ path: String, maxBytes: Int) async -> LoadedSource {
        SourceLoader.load(path: path, maxBytes: maxBytes)
    }

    nonisolated static func analyzeFile(_ analyzer: Analyzer, source: SourceText, path: String) async -> FileAnalysis {
        analyzer.analyze(source: source, path: path)
    }

    func workspaceDiagnostic(_ params: WorkspaceDiagnosticParams) async throws -> WorkspaceDiagnosticReport {
        let previous = Dictionary((params.previousResultIds ?? []).map { ($0.uri, $0.value) }, uniquingKeysWith: { a, _ in a })
        let token = await progressToken(params.workDoneToken)
        let files = workspaceFiles()
        if let token {
            sink.sendNotification("$/progress", ProgressParams(token: token, value: WorkDoneProgressValue(
                kind: "begin", title: "heaplint: checking workspace", message: "\(files.count) files",
                percentage: 0, cancellable: false)))
        }
        defer {
            if let token {
                sink.sendNotification("$/progress", ProgressParams(token: token, value: WorkDoneProgressValue(
                    kind: "end", message: "\(files.count) files checked")))
            }
        }
        var items: [WorkspaceDocumentDiagnosticReport] = []
        var lastPercent = 0
        for (index, path) in files.enumerated() {
            try Task.checkCancellation()
            let uri = URL(fileURLWithPath: path).absoluteString
            if store.isOpen(uri), let result = await currentAnalysis(uri) {
                let id = result.resultID
                items.append(previous[uri] == id
                    ? WorkspaceDocumentDiagnosticReport(kind: "unchanged", resultId: id, uri: uri, version: result.version, items: nil)
                    : WorkspaceDocumentDiagnosticReport(kind: "full", resultId: id, uri: uri, version: result.version,
                        items: result.diagnostics.map { mapping(for: uri).lspDiagnostic($0, uri: uri, source: result.text) }))
            } else {
                items.append(try await diskReport(uri: uri, path: path, previous: previous[uri]))
            }
            let percent = files.isEmpty ? 100 : (index + 1) * 100 / files.count
            if let token, percent >= lastPercent + 5 {
                lastPercent = percent
                sink.sendNotification("$/progress", ProgressParams(token: token, value: WorkDoneProgressValue(
                    kind: "report", message: "\(index + 1)/\(files.count) files", percentage: percent)))
            }
        }
        // Open notebooks, one report per analysed cell (notebook sync gave the cells their URIs).
        for notebook in store.notebooks.keys.sorted() {
            try Task.checkCancellation()
            guard let result = await currentAnalysis(notebook), let layout = result.notebook else { continue }
            let id = result.resultID
            let all = result.diagnostics.map { mapping(for: notebook).lspDiagnostic($0, uri: notebook, source: result.text) }
            for (cell, cellItems) in layout.diagnosticsByCell(all, source: result.text, positions: mapping.positions)
                .sorted(by: { $0.key < $1.key }) {
                items.append(previous[cell] == id
                    ? WorkspaceDocumentDiagnosticReport(kind: "unchanged", resultId: id, uri: cell, version: nil, items: nil)
                    : WorkspaceDocumentDiagnosticReport(kind: "full", resultId: id, uri: cell, version: nil, items: cellItems))
            }
        }
        return WorkspaceDiagnosticReport(items: items)
    }

    /// The client's token, or one the server creates when the client supports server-initiated
    /// progress (waiting briefly for its answer, as the token may only be used after it).
    func progressToken(_ given: RequestID?) async -> RequestID? {
        if let given { return given }
        guard clientSupportsProgress else { return nil }
        let id = outgoingID()
        let token = RequestID.string("heaplint-workspace-\(id)")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            outgoing[id] = continuation
            sink.sendRequest(id: id, method: "window/workDoneProgress/create",
                             params: WorkDoneProgressCreateParams(token: token))
            Task {
                try? await Task.sleep(for: .seconds(2))
                self.outgoing.removeValue(forKey: id)?.resume()
            }
        }
        return token
    }
}
