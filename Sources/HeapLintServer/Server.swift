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

/// Tunables that are not user settings (tests and the benchmark change them).
public struct ServerOptions: Sendable {
    /// Quiet time after an edit before diagnostics are computed and pushed. Edits that arrive while an
    /// analysis runs are coalesced into the next one whatever this is, so typing never queues work.
    public var debounce: Duration = .zero
    /// Larger documents are kept in sync but not analysed (a 50 MB generated file would take seconds).
    public var maxFileBytes: Int = 10_000_000
    /// Files scanned by one `workspace/diagnostic`.
    public var maxWorkspaceFiles: Int = 20_000
    /// Bounds every parse of a document or workspace file (HEAPLINT_PARSE_TIMEOUT), so one document in
    /// a shape tree-sitter's error recovery takes minutes on cannot freeze the server.
    public var parseBudget: ParseBudget = .standard

    public init() {}
}

/// The language server. All state lives on this actor and every message is handled here in arrival
/// order, but nothing slow runs here: parsing and analysis run in tasks off the actor, so `shutdown`,
/// `$/cancelRequest` and edits are always handled promptly.
public actor HeapLintServer {
    public static let version = HeapLintVersion.string

    private let sink: any MessageSink
    private let projectConfiguration: any ProjectConfigurationSource
    private var options: ServerOptions

    private enum Lifecycle { case uninitialized, running, shutDown }
    private var lifecycle = Lifecycle.uninitialized
    private var mapping = DiagnosticMapping(positions: PositionMapping(encoding: .utf16))
    private var clientSupportsProgress = false
    /// Clients that pull diagnostics get no pushed copies (they would show each finding twice).
    private var pushesDiagnostics = true
    private var clientCanWatchFiles = false
    private var trace = "off"

    private var workspaceRoots: [String] = []
    private var editorLayer = SettingsLayer()
    /// Project configuration per directory, loaded on first use and dropped when a config file changes.
    private var configurations: [String: Configuration] = [:]
    /// Config errors already reported, so a broken pyproject.toml is logged once, not per keystroke.
    private var reportedConfigErrors: Set<String> = []
    /// Bumped whenever any setting changes; part of every pull-diagnostics result id.
    private var settingsGeneration = 0

    private var documents: [String: OpenDocument] = [:]
    /// Open notebooks by notebook URI; each is analysed as the document of the same URI in `documents`.
    private var notebooks: [String: OpenNotebook] = [:]
    /// Per notebook, the cells that were last sent diagnostics (to clear those no longer analysed).
    private var publishedCells: [String: Set<String>] = [:]
    /// Other modules' classes: the workspace's files (scanned after `initialized`) and open documents.
    private var workspaceIndex = WorkspaceIndex()
    /// Findings `heaplint verify --write-report` confirmed, marked in pushed diagnostics.
    private var verifyConfirmations = VerifyConfirmations()
    /// Bumped whenever `workspaceIndex` changes; a job remembers the one it was analysed with.
    private var indexGeneration = 0
    private var nextGeneration = 0
    private var requests: [RequestID: Task<Void, Never>] = [:]
    private var nextOutgoingID = 0
    private var outgoing: [RequestID: CheckedContinuation<Void, Never>] = [:]

    public init(sink: any MessageSink, projectConfiguration: any ProjectConfigurationSource = KitProjectConfiguration(),
                options: ServerOptions = ServerOptions()) {
        self.sink = sink
        self.projectConfiguration = projectConfiguration
        self.options = options
    }

    /// Handles messages until `exit` or the end of input. Returns the process exit code: 0 after
    /// `shutdown` + `exit` or when the client closed the pipe, 1 for `exit` without `shutdown` (LSP).
    public func run(_ events: AsyncStream<TransportEvent>) async -> Int32 {
        for await event in events {
            guard case .message(let message) = event else { continue }
            if let code = handle(message) { return code }
        }
        for task in requests.values { task.cancel() }
        return 0
    }

    // MARK: Dispatch

    /// Handles one message; returns an exit code when the server must stop.
    @discardableResult
    public func handle(_ message: IncomingMessage) -> Int32? {
        let envelope = message.envelope
        if envelope.hasInvalidID {
            // Not handled at all (not even as a notification): the client gets its one answer.
            sink.sendError(id: nil, code: ResponseError.invalidRequest,
                           message: "Invalid request: id must be a string, an integer or null")
            return nil
        }
        guard let method = envelope.method else {
            if let id = envelope.id {
                // A response to one of our requests (progress token creation, registration).
                outgoing.removeValue(forKey: id)?.resume()
            } else if envelope.error == nil {
                sink.sendError(id: nil, code: ResponseError.invalidRequest, message: "Invalid request: no method")
            }
            return nil
        }
        if let id = envelope.id {
            handleRequest(method, id: id, message: message)
            return nil
        }
        return handleNotification(method, message: message)
    }

    private func handleRequest(_ method: String, id: RequestID, message: IncomingMessage) {
        switch lifecycle {
        case .uninitialized where method != "initialize":
            sink.sendError(id: id, code: ResponseError.serverNotInitialized,
                           message: "Server not initialized: send `initialize` first")
            return
        case .shutDown:
            sink.sendError(id: id, code: ResponseError.invalidRequest, message: "Server is shutting down")
            return
        default: break
        }
        do {
            switch method {
            case "initialize":
                guard lifecycle == .uninitialized else {
                    sink.sendError(id: id, code: ResponseError.invalidRequest, message: "Server already initialized")
                    return
                }
                initialize(id: id, try message.params(InitializeParams.self))
            case "shutdown":
                lifecycle = .shutDown
                for pending in Array(requests.keys) { cancel(pending) }
                for document in documents.values { document.tail?.cancel() }
                sink.sendResponse(id: id, result: JSONValue?.none)
            case "textDocument/hover":
                let params = try message.params(TextDocumentPositionParams.self)
                spawn(id) { server in await server.hover(params) }
            case "textDocument/codeAction":
                let params = try message.params(CodeActionParams.self)
                spawn(id) { server in await server.codeActions(params) }
            case "textDocument/diagnostic":
                let params = try message.params(DocumentDiagnosticParams.self)
                spawn(id) { server in try await server.documentDiagnostic(params) }
            case "workspace/diagnostic":
                let params = (try? message.params(WorkspaceDiagnosticParams.self)) ?? WorkspaceDiagnosticParams()
                spawn(id) { server in try await server.workspaceDiagnostic(params) }
            default:
                sink.sendError(id: id, code: ResponseError.methodNotFound, message: "Method not found: \(method)")
            }
        } catch {
            sink.sendError(id: id, code: ResponseError.invalidParams, message: "Invalid params for \(method): \(error)")
        }
    }

    private func handleNotification(_ method: String, message: IncomingMessage) -> Int32? {
        if method == "exit" { return lifecycle == .shutDown ? 0 : 1 }
        // Before `initialize` only `exit` counts; other notifications are dropped (LSP 3.17).
        guard lifecycle == .running else { return nil }
        do {
            switch method {
            case "initialized": initialized()
            case "$/cancelRequest": cancel(try message.params(CancelParams.self).id)
            case "$/setTrace": trace = try message.params(SetTraceParams.self).value
            case "textDocument/didOpen": didOpen(try message.params(DidOpenTextDocumentParams.self))
            case "textDocument/didChange": didChange(try message.params(DidChangeTextDocumentParams.self))
            case "textDocument/didSave": didSave(try message.params(DidSaveTextDocumentParams.self))
            case "textDocument/didClose": didClose(try message.params(DidCloseTextDocumentParams.self))
            case "notebookDocument/didOpen": try didOpenNotebook(try message.params(DidOpenNotebookDocumentParams.self))
            case "notebookDocument/didChange": try didChangeNotebook(try message.params(DidChangeNotebookDocumentParams.self))
            case "notebookDocument/didSave": _ = try message.params(DidSaveNotebookDocumentParams.self)
            case "notebookDocument/didClose": didCloseNotebook(try message.params(DidCloseNotebookDocumentParams.self))
            case "workspace/didChangeConfiguration":
                didChangeConfiguration(try message.params(DidChangeConfigurationParams.self))
            case "workspace/didChangeWatchedFiles":
                didChangeWatchedFiles(try message.params(DidChangeWatchedFilesParams.self))
            case "workspace/didChangeWorkspaceFolders":
                didChangeWorkspaceFolders(try message.params(DidChangeWorkspaceFoldersParams.self))
            default: break  // Unknown notifications (including `$/…`) are ignored, as LSP requires.
            }
        } catch {
            log(.warning, "Ignored \(method): invalid params (\(error))")
        }
        return nil
    }

    /// Runs a request off the message loop; answers with its result, or `RequestCancelled`.
    private func spawn<R: Encodable & Sendable>(_ id: RequestID,
                                                 _ body: @escaping @Sendable (HeapLintServer) async throws -> R) {
        let task = Task {
            let outcome: Result<R, any Error>
            do { outcome = .success(try await body(self)) } catch { outcome = .failure(error) }
            self.finishRequest(id, outcome)
        }
        requests[id] = task
    }

    private func finishRequest<R: Encodable & Sendable>(_ id: RequestID, _ outcome: Result<R, any Error>) {
        // Already answered (cancelled): the client must get exactly one response.
        guard requests.removeValue(forKey: id) != nil else { return }
        switch outcome {
        case .success(let result):
            sink.sendResponse(id: id, result: result)
        case .failure(let error as ResponseError):
            sink.sendError(id: id, code: error.code, message: error.message)
        case .failure(_ as CancellationError):
            sink.sendError(id: id, code: ResponseError.requestCancelled, message: "Request cancelled")
        case .failure(let error):
            sink.sendError(id: id, code: ResponseError.internalError, message: "Internal error: \(error)")
        }
    }

    /// Answers a running request with `RequestCancelled` at once; its task stops at its next check.
    private func cancel(_ id: RequestID) {
        guard let task = requests.removeValue(forKey: id) else { return }
        task.cancel()
        sink.sendError(id: id, code: ResponseError.requestCancelled, message: "Request cancelled")
    }

    // MARK: Lifecycle

    private func initialize(id: RequestID, _ params: InitializeParams) {
        let positions = PositionMapping.negotiate(params.capabilities?.general?.positionEncodings)
        mapping = DiagnosticMapping(positions: positions)
        clientSupportsProgress = params.capabilities?.window?.workDoneProgress ?? false
        clientCanWatchFiles = params.capabilities?.workspace?.didChangeWatchedFiles?.dynamicRegistration ?? false
        trace = params.trace ?? "off"
        pushesDiagnostics = params.capabilities?.textDocument?.diagnostic == nil
        if let push = params.initializationOptions?["pushDiagnostics"]?.boolValue { pushesDiagnostics = push }
        if let folders = params.workspaceFolders, !folders.isEmpty {
            workspaceRoots = folders.compactMap { Self.path(fromURI: $0.uri) }
        } else if let root = params.rootUri.flatMap(Self.path(fromURI:)) ?? params.rootPath {
            workspaceRoots = [root]
        }
        let (layer, warnings) = SettingsLayer.fromEditor(params.initializationOptions)
        editorLayer = layer
        // Clamped: a client's number must not trap the conversion to Int.
        if let max = params.initializationOptions?["maxFileBytes"]?.doubleValue, max.isFinite {
            options.maxFileBytes = Int(Swift.min(Swift.max(max, 0), 1e12))
        }
        if let ms = params.initializationOptions?["debounceMs"]?.doubleValue, ms.isFinite {
            options.debounce = .milliseconds(Int(Swift.min(Swift.max(ms, 0), 10_000)))
        }
        loadProjectConfiguration()
        lifecycle = .running
        let capabilities = ServerCapabilities(
            positionEncoding: positions.encoding.rawValue,
            textDocumentSync: .init(openClose: true, change: 2, save: .init(includeText: false)),
            hoverProvider: true,
            codeActionProvider: .init(codeActionKinds: [CodeActionKind.quickFix, CodeActionKind.sourceFixAllHeapLint],
                                      resolveProvider: false),
            diagnosticProvider: .init(identifier: "heaplint", interFileDependencies: false,
                                      workspaceDiagnostics: true, workDoneProgress: true),
            workspace: .init(workspaceFolders: .init(supported: true, changeNotifications: true)),
            notebookDocumentSync: .init(notebookSelector: [.init(notebook: "jupyter-notebook", cells: [.init(language: "python")])],
                                        save: true))
        sink.sendResponse(id: id, result: InitializeResult(
            capabilities: capabilities, serverInfo: .init(name: "heaplint", version: Self.version)))
        for warning in warnings { log(.warning, "heaplint settings: \(warning)") }
    }

    private func initialized() {
        indexWorkspace()
        let rules = Configuration.isolated().overlaid(with: editorLayer.options).selectedRules.count
        log(.info, "heaplint \(Self.version) language server ready: \(rules) rules, position encoding \(mapping.positions.encoding.rawValue), \(workspaceRoots.count) workspace folder(s)")
        if clientCanWatchFiles {
            let options: JSONValue = .object(["watchers": .array(Self.configFileNames.map {
                .object(["globPattern": .string("**/\($0)")])
            })])
            let id = outgoingID()
            sink.sendRequest(id: id, method: "client/registerCapability", params: RegistrationParams(registrations: [
                Registration(id: "heaplint-pyproject", method: "workspace/didChangeWatchedFiles", registerOptions: options),
            ]))
        }
    }

    private func outgoingID() -> RequestID {
        nextOutgoingID += 1
        return .string("heaplint-\(nextOutgoingID)")
    }

    private func log(_ type: MessageType, _ message: String) {
        sink.sendNotification("window/logMessage", LogMessageParams(type: type, message: message))
    }

    // MARK: Settings

    static let configFileNames = ["pyproject.toml", "heaplint.toml", ".heaplint.toml"]

    static func isConfigFile(_ uri: String) -> Bool {
        configFileNames.contains { uri.hasSuffix("/" + $0) }
    }

    private func loadProjectConfiguration() {
        configurations = [:]
        reportedConfigErrors = []
        settingsGeneration += 1
    }

    /// The project's configuration for `path` with the editor's settings over it. A broken config file
    /// is reported once and the defaults apply until it is fixed.
    private func configuration(forPath path: String) -> Configuration {
        let directory = PathString.deletingLastComponent(path)
        let project: Configuration
        if let cached = configurations[directory] {
            project = cached
        } else {
            do {
                project = try projectConfiguration.configuration(forFile: path)
            } catch {
                if reportedConfigErrors.insert("\(error)").inserted {
                    log(.error, "heaplint: configuration error, using defaults: \(error)")
                }
                project = Configuration.isolated(root: directory)
            }
            configurations[directory] = project
        }
        return project.overlaid(with: editorLayer.options)
    }

    /// The mapping with rule links under the document's `rule-url-base`.
    private func mapping(for uri: String) -> DiagnosticMapping {
        guard let path = Self.path(fromURI: uri) else { return mapping }
        return mapping.linking(to: configuration(forPath: path).ruleURLBase)
    }

    private func analyzer(forPath path: String) -> Analyzer {
        Analyzer(configuration: configuration(forPath: path), parseBudget: options.parseBudget)
    }

    private func didChangeConfiguration(_ params: DidChangeConfigurationParams) {
        let (layer, warnings) = SettingsLayer.fromEditor(params.settings)
        for warning in warnings { log(.warning, "heaplint settings: \(warning)") }
        editorLayer = layer
        settingsChanged()
    }

    private func didChangeWatchedFiles(_ params: DidChangeWatchedFilesParams) {
        guard params.changes.contains(where: { Self.isConfigFile($0.uri) }) else { return }
        loadProjectConfiguration()
        settingsChanged()
    }

    private func didChangeWorkspaceFolders(_ params: DidChangeWorkspaceFoldersParams) {
        let removed = Set(params.event.removed.compactMap { Self.path(fromURI: $0.uri) })
        workspaceRoots.removeAll { removed.contains($0) }
        for folder in params.event.added {
            if let path = Self.path(fromURI: folder.uri), !workspaceRoots.contains(path) { workspaceRoots.append(path) }
        }
        loadProjectConfiguration()
        settingsChanged()
    }

    private func settingsChanged() {
        settingsGeneration += 1
        for uri in documents.keys {
            documents[uri]?.isDirty = true
            scheduleAnalysis(uri)
        }
    }

    // MARK: Documents

    private func didOpen(_ params: DidOpenTextDocumentParams) {
        let item = params.textDocument
        documents[item.uri]?.tail?.cancel()
        nextGeneration += 1
        let path = Self.path(fromURI: item.uri) ?? item.uri
        documents[item.uri] = OpenDocument(uri: item.uri, path: path, module: ModuleIdentity.of(path: path),
                                           generation: nextGeneration, version: item.version,
                                           text: SourceText(item.text))
        scheduleAnalysis(item.uri)
    }

    private func didChange(_ params: DidChangeTextDocumentParams) {
        let uri = params.textDocument.uri
        guard var document = documents[uri] else {
            log(.warning, "heaplint: didChange for \(uri), which is not open; ignored")
            return
        }
        if params.contentChanges.count == 1, let range = params.contentChanges[0].range {
            let edit = TextEdit(range: mapping.positions.byteRange(range, in: document.text),
                                replacement: params.contentChanges[0].text)
            if let result = CommentEdit.shiftedResult(document, edit, version: params.textDocument.version) {
                document.text = result.text
                document.pending.append(edit)
                document.version = params.textDocument.version
                document.latest = result
                documents[uri] = document
                publish(uri, result)
                return
            }
        }
        for change in params.contentChanges {
            if let range = change.range {
                let bytes = mapping.positions.byteRange(range, in: document.text)
                let edit = TextEdit(range: bytes, replacement: change.text)
                document.text = edit.applied(to: document.text)
                // Kept even before the first tree is stored: a running analysis will store a tree for
                // the text before these edits, and they apply on top of it.
                document.pending.append(edit)
            } else {
                // A full replacement: drop the tree; the next analysis parses from scratch.
                nextGeneration += 1
                document.generation = nextGeneration
                document.text = SourceText(change.text)
                document.base = nil
                document.pending = []
            }
        }
        document.version = params.textDocument.version
        document.isDirty = true
        documents[uri] = document
        scheduleAnalysis(uri)
    }

    private func didSave(_ params: DidSaveTextDocumentParams) {
        // Content is already in sync; a save matters for a pyproject.toml the client does not watch.
        if Self.isConfigFile(params.textDocument.uri) {
            loadProjectConfiguration()
            settingsChanged()
        }
    }

    private func didClose(_ params: DidCloseTextDocumentParams) {
        let uri = params.textDocument.uri
        let closed = documents.removeValue(forKey: uri)
        closed?.tail?.cancel()
        if let closed, workspaceIndex.update(module: closed.module, interface: nil) {
            indexGeneration += 1
            reanalyseDependents(of: closed.module.name)
        }
        guard pushesDiagnostics else { return }
        sink.sendNotification("textDocument/publishDiagnostics",
                              PublishDiagnosticsParams(uri: uri, version: nil, diagnostics: []))
    }

    // MARK: Notebooks

    /// The open notebook a cell belongs to.
    private func notebookURI(ofCell uri: String) -> String? {
        notebooks.first { $0.value.cell(uri) != nil }?.key
    }

    private func didOpenNotebook(_ params: DidOpenNotebookDocumentParams) throws {
        let notebook = try OpenNotebook(params.notebookDocument, texts: params.cellTextDocuments)
        let uri = notebook.uri
        if notebooks[uri] != nil { closeNotebook(uri) }
        notebooks[uri] = notebook
        documents[uri]?.tail?.cancel()
        nextGeneration += 1
        let path = Self.path(fromURI: uri) ?? uri
        let (text, layout) = notebook.joined()
        var document = OpenDocument(uri: uri, path: path, module: ModuleIdentity.of(path: path),
                                    generation: nextGeneration, version: notebook.version, text: text)
        document.notebook = layout
        documents[uri] = document
        scheduleAnalysis(uri)
    }

    /// Cell structure and cell text changes; metadata changes are ignored. A change that does not fit
    /// the notebook is rejected whole (logged), leaving the notebook as it was.
    private func didChangeNotebook(_ params: DidChangeNotebookDocumentParams) throws {
        let uri = params.notebookDocument.uri
        guard var notebook = notebooks[uri], var document = documents[uri] else {
            throw NotebookSyncError(description: "notebook \(uri) is not open")
        }
        var removed: [String] = []
        if let structure = params.change.cells?.structure { removed = try notebook.apply(structure) }
        for change in params.change.cells?.textContent ?? [] { try notebook.apply(change, positions: mapping.positions) }
        notebook.version = params.notebookDocument.version
        notebooks[uri] = notebook
        let (text, layout) = notebook.joined()
        if text.bytes == document.text.bytes && layout == document.notebook {
            // Metadata, outputs or markdown text: nothing heaplint analyses changed.
            document.version = notebook.version
            documents[uri] = document
            return
        }
        if text.bytes != document.text.bytes {
            // One edit over the joined module keeps the incremental re-parse.
            document.pending.append(AnalysisJob.difference(from: document.text, to: text))
            document.text = text
        }
        document.notebook = layout
        document.version = notebook.version
        document.isDirty = true
        documents[uri] = document
        clearDiagnostics(removed, of: uri)
        scheduleAnalysis(uri)
    }

    private func didCloseNotebook(_ params: DidCloseNotebookDocumentParams) {
        let uri = params.notebookDocument.uri
        guard notebooks[uri] != nil else {
            log(.warning, "heaplint: notebookDocument/didClose for \(uri), which is not open; ignored")
            return
        }
        closeNotebook(uri, alsoClearing: params.cellTextDocuments.map(\.uri))
    }

    private func closeNotebook(_ uri: String, alsoClearing extra: [String] = []) {
        let cells = (notebooks.removeValue(forKey: uri)?.cells.map(\.uri) ?? []) + extra
        documents.removeValue(forKey: uri)?.tail?.cancel()
        let published = publishedCells.removeValue(forKey: uri) ?? []
        clearDiagnostics(Array(Set(cells).union(published)).sorted(), of: nil)
    }

    private func clearDiagnostics(_ cells: [String], of notebook: String?) {
        if let notebook { publishedCells[notebook]?.subtract(cells) }
        guard pushesDiagnostics else { return }
        for cell in cells {
            sink.sendNotification("textDocument/publishDiagnostics",
                                  PublishDiagnosticsParams(uri: cell, version: nil, diagnostics: []))
        }
    }

    /// Each analysed cell gets its own diagnostics (empty when clean); cells that had some and are no
    /// longer analysed (deleted, turned into markdown) are cleared.
    private func publishCells(_ notebook: String, _ byCell: [String: [LSPDiagnostic]]) {
        let stale = (publishedCells[notebook] ?? []).subtracting(byCell.keys)
        clearDiagnostics(stale.sorted(), of: notebook)
        publishedCells[notebook] = Set(byCell.keys)
        for (cell, items) in byCell.sorted(by: { $0.key < $1.key }) {
            sink.sendNotification("textDocument/publishDiagnostics",
                                  PublishDiagnosticsParams(uri: cell, version: nil, diagnostics: items))
        }
    }

    // MARK: Analysis

    /// Schedules an analysis that pushes diagnostics. At most one is waiting per document: it takes
    /// every edit made until it starts, so a burst of keystrokes costs one analysis, not one each.
    private func scheduleAnalysis(_ uri: String) {
        guard var document = documents[uri], !document.isQueued else { return }
        document.isQueued = true
        let previous = document.tail
        let debounce = options.debounce
        document.tail = Task {
            await previous?.value
            if debounce > .zero { try? await Task.sleep(for: debounce) }
            guard let result = await self.analyze(uri, fromQueue: true) else { return }
            self.publish(uri, result)
        }
        documents[uri] = document
    }

    /// The analysis of the document's current content: the cached one, or a new one queued behind
    /// whatever analysis is running for it.
    private func currentAnalysis(_ uri: String) async -> AnalysisResult? {
        guard let document = documents[uri] else { return nil }
        // A result is current only when nothing is pending, queued or still running for the document.
        if !document.isDirty, !document.isAnalysing, !document.isQueued, let latest = document.latest { return latest }
        let previous = document.tail
        let task = Task { () -> AnalysisResult? in
            await previous?.value
            return await self.analyze(uri, fromQueue: false)
        }
        documents[uri]?.tail = Task { _ = await task.value }
        return await task.value
    }

    private func analyze(_ uri: String, fromQueue: Bool) async -> AnalysisResult? {
        let layout = documents[uri]?.notebook
        guard let job = takeJob(uri, fromQueue: fromQueue) else { return documents[uri]?.latest }
        var (result, parsed) = await Self.run(job)
        result.notebook = layout
        return store(job, result, parsed)
    }

    private func takeJob(_ uri: String, fromQueue: Bool) -> AnalysisJob? {
        guard var document = documents[uri] else { return nil }
        if fromQueue { document.isQueued = false }
        guard document.isDirty || document.latest == nil else {
            documents[uri] = document
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
        documents[uri] = document
        return job
    }

    /// Parsing and rules run here, on the global executor, never on the actor.
    private nonisolated static func run(_ job: AnalysisJob) async -> (AnalysisResult, ParsedDocument?) {
        job.run()
    }

    private func store(_ job: AnalysisJob, _ result: AnalysisResult, _ parsed: ParsedDocument?) -> AnalysisResult? {
        documents[job.uri]?.isAnalysing = false
        guard var document = documents[job.uri], document.generation == job.generation else { return nil }
        if let reason = result.skippedReason, document.latest?.skippedReason == nil { log(.warning, reason) }
        document.base = parsed
        if parsed == nil {
            // Not parsed (too large): the next analysis starts from the text again.
            document.pending = []
        }
        document.latest = result
        if result.usedBracketJoin { document.needsBracketJoin = true }
        else if !result.incrementalTreeHadErrors { document.needsBracketJoin = false }
        documents[job.uri] = document
        // A notebook cannot be imported: its classes stay out of the project index (as in `heaplint check`).
        if result.skippedReason == nil, document.notebook == nil, workspaceIndex.update(module: document.module, interface: result.interface) {
            indexGeneration += 1
            reanalyseDependents(of: document.module.name, except: job.uri)
        }
        // The index changed while this analysis ran: one that asked it something is repeated.
        if job.indexGeneration != indexGeneration, result.interface?.importedCallees.isEmpty == false {
            documents[job.uri]?.isDirty = true
            scheduleAnalysis(job.uri)
        }
        return result
    }

    /// Open documents whose last analysis asked about a class of `module` are analysed again: the
    /// module's classes changed.
    private func reanalyseDependents(of module: String, except changed: String? = nil) {
        for (uri, document) in documents where uri != changed && WorkspaceIndex.depends(document.latest?.interface, on: module) {
            documents[uri]?.isDirty = true
            scheduleAnalysis(uri)
        }
    }

    /// The workspace's class summaries, read off the files on disk once (off the actor); then every open
    /// document that asked the index something is analysed again.
    private func indexWorkspace() {
        let files = workspaceFiles()
        guard !files.isEmpty else { return }
        let maxFileBytes = options.maxFileBytes
        let parseBudget = options.parseBudget
        Task.detached(priority: .utility) {
            let modules = WorkspaceIndex.scan(files, maxFileBytes: maxFileBytes, parseBudget: parseBudget)
            await self.mergeDiskIndex(modules, fileCount: files.count)
        }
    }

    private func mergeDiskIndex(_ modules: WorkspaceIndex.DiskModules, fileCount: Int) {
        workspaceIndex.setDisk(modules)
        indexGeneration += 1
        log(.info, "heaplint: project index of \(fileCount) files, \(modules.count) modules with classes")
        for (uri, document) in documents where document.latest?.interface?.importedCallees.isEmpty == false {
            documents[uri]?.isDirty = true
            scheduleAnalysis(uri)
        }
    }

    private func publish(_ uri: String, _ result: AnalysisResult) {
        // A newer analysis is already waiting: skip the stale push, it follows shortly.
        guard pushesDiagnostics, let document = documents[uri], !document.isQueued else { return }
        let items = verifyConfirmations.mark(
            result.diagnostics.map { mapping(for: uri).lspDiagnostic($0, uri: uri, source: result.text) },
            path: document.path, configuration: configuration(forPath: document.path))
        if let layout = result.notebook {
            publishCells(uri, layout.diagnosticsByCell(items, source: result.text, positions: mapping.positions))
        } else {
            sink.sendNotification("textDocument/publishDiagnostics",
                                  PublishDiagnosticsParams(uri: uri, version: result.version, diagnostics: items))
        }
        if trace != "off" {
            let total = fixedDecimal(result.elapsedSeconds * 1000, digits: 2)
            let parse = fixedDecimal(result.parseSeconds * 1000, digits: 2)
            sink.sendNotification("$/logTrace", LogTraceParams(
                message: "heaplint: analysed \(document.path) v\(result.version) in \(total) ms (parse \(parse) ms), \(items.count) diagnostics"))
        }
    }

    // MARK: Requests

    private func hover(_ params: TextDocumentPositionParams) async -> Hover? {
        if let notebook = notebookURI(ofCell: params.textDocument.uri) {
            let cell = params.textDocument.uri
            guard let result = await currentAnalysis(notebook), let layout = result.notebook,
                  let position = layout.modulePosition(params.position, inCell: cell) else { return nil }
            let offset = mapping.positions.byteOffset(position, in: result.text)
            guard var hover = mapping(for: notebook).hover(at: offset, diagnostics: result.diagnostics, source: result.text)
            else { return nil }
            hover.range = hover.range.flatMap { layout.cellRange($0, source: result.text, positions: mapping.positions)?.range }
            return hover
        }
        guard let result = await currentAnalysis(params.textDocument.uri) else { return nil }
        let offset = mapping.positions.byteOffset(params.position, in: result.text)
        return mapping(for: params.textDocument.uri).hover(at: offset, diagnostics: result.diagnostics, source: result.text)
    }

    private func codeActions(_ params: CodeActionParams) async -> [CodeAction] {
        let uri = params.textDocument.uri
        if let notebook = notebookURI(ofCell: uri) {
            guard let result = await currentAnalysis(notebook), let layout = result.notebook,
                  let start = layout.modulePosition(params.range.start, inCell: uri),
                  let end = layout.modulePosition(params.range.end, inCell: uri) else { return [] }
            let range = mapping.positions.byteRange(LSPRange(start: start, end: end), in: result.text)
            let actions = CodeActionBuilder(mapping: mapping(for: notebook)).actions(
                uri: notebook, range: range, only: params.context.only, diagnostics: result.diagnostics, source: result.text)
            return actions.compactMap { layout.cellAction($0, source: result.text, positions: mapping.positions) }
        }
        guard let result = await currentAnalysis(uri) else { return [] }
        let range = mapping.positions.byteRange(params.range, in: result.text)
        return CodeActionBuilder(mapping: mapping(for: uri)).actions(uri: uri, range: range, only: params.context.only,
                                                           diagnostics: result.diagnostics, source: result.text)
    }

    private func documentDiagnostic(_ params: DocumentDiagnosticParams) async throws -> DocumentDiagnosticReport {
        let uri = params.textDocument.uri
        if let notebook = notebookURI(ofCell: uri) {
            guard let result = await currentAnalysis(notebook), let layout = result.notebook else {
                return .full(resultId: nil, items: [])
            }
            try Task.checkCancellation()
            if params.previousResultId == result.resultID { return .unchanged(resultId: result.resultID) }
            let items = result.diagnostics.map { mapping(for: notebook).lspDiagnostic($0, uri: notebook, source: result.text) }
            return .full(resultId: result.resultID,
                         items: layout.diagnosticsByCell(items, source: result.text, positions: mapping.positions)[uri] ?? [])
        }
        if documents[uri] != nil {
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
    private func diskReport(uri: String, path: String, previous: String?) async throws -> WorkspaceDocumentDiagnosticReport {
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
    private nonisolated static func loadFile(_ path: String, maxBytes: Int) async -> LoadedSource {
        SourceLoader.load(path: path, maxBytes: maxBytes)
    }

    private nonisolated static func analyzeFile(_ analyzer: Analyzer, source: SourceText, path: String) async -> FileAnalysis {
        analyzer.analyze(source: source, path: path)
    }

    private func workspaceDiagnostic(_ params: WorkspaceDiagnosticParams) async throws -> WorkspaceDiagnosticReport {
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
            if documents[uri] != nil, let result = await currentAnalysis(uri) {
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
        for notebook in notebooks.keys.sorted() {
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
    private func progressToken(_ given: RequestID?) async -> RequestID? {
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

    // MARK: Inspection (tests)

    /// Whether the document's latest result came from the comment-edit shortcut.
    func isCommentOnly(_ uri: String) -> Bool? {
        documents[uri].map { $0.latest?.elapsedSeconds == 0 && !$0.pending.isEmpty }
    }

    /// The current text of an open document.
    func documentText(_ uri: String) -> String? {
        documents[uri].map { String(decoding: $0.text.bytes, as: UTF8.self) }
    }

    /// Waits for the document's analyses to finish and returns the text its tree was parsed from.
    func parsedText(_ uri: String) async -> String? {
        guard let result = await currentAnalysis(uri) else { return nil }
        return String(decoding: result.text.bytes, as: UTF8.self)
    }

    // MARK: Files

    static func path(fromURI uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.standardizedFileURL.path
    }

    /// The files `heaplint check` would check in each workspace folder: the Kit's discovery with the
    /// folder's configuration (its excludes) under the editor's settings.
    private func workspaceFiles() -> [String] {
        var files: [String] = []
        var seen = Set<String>()
        for root in workspaceRoots {
            let project = (try? projectConfiguration.configuration(forFile: root)) ?? Configuration.isolated(root: root)
            let discovery = FileDiscovery(configuration: project.overlaid(with: editorLayer.options))
            // Notebooks on disk stay out: a report is per URI, and a closed notebook has no cell URIs
            // (the client makes them up when it opens the notebook), while module lines on the `.ipynb`
            // URI would land on the wrong lines of its JSON. Open notebooks are reported per cell
            // (`workspaceDiagnostic`); notebooks never join the project index (not importable).
            for file in discovery.files(in: [root]) where !NotebookLoader.isNotebookPath(file.path) {
                let path = URL(fileURLWithPath: file.path, relativeTo: URL(fileURLWithPath: root)).standardizedFileURL.path
                if seen.insert(path).inserted { files.append(path) }
                if files.count >= options.maxWorkspaceFiles { return files }
            }
        }
        return files
    }
}
