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

/// The language server. All state lives on this actor and every message is handled here in arrival
/// order, but nothing slow runs here: parsing and analysis run in tasks off the actor, so `shutdown`,
/// `$/cancelRequest` and edits are always handled promptly.
///
/// This file is the message loop and the dispatch of each method to its handler; the handlers are
/// extensions, one file per request family (`Server+Lifecycle`, `Server+TextDocumentSync`,
/// `Server+NotebookSync`, `Server+Workspace`, `Server+Analysis`, `Server+PushDiagnostics`,
/// `Server+PullDiagnostics`, `Server+Hover`, `Server+CodeActions`). The state they share is declared
/// here, since an actor's stored properties cannot live in an extension.
public actor HeapLintServer {
    public static let version = HeapLintVersion.string

    let sink: any MessageSink
    let projectConfiguration: any ProjectConfigurationSource
    var options: ServerOptions

    enum Lifecycle { case uninitialized, running, shutDown }
    var lifecycle = Lifecycle.uninitialized
    var mapping = DiagnosticMapping(positions: PositionMapping(encoding: .utf16))
    var clientSupportsProgress = false
    /// Clients that pull diagnostics get no pushed copies (they would show each finding twice).
    var pushesDiagnostics = true
    var clientCanWatchFiles = false
    var trace = "off"

    var workspaceRoots: [String] = []
    var editorLayer = SettingsLayer()
    /// Project configuration per directory, loaded on first use and dropped when a config file changes.
    var projectConfigurations = ProjectConfigurations()
    /// Bumped whenever any setting changes; part of every pull-diagnostics result id.
    var settingsGeneration = 0

    /// The open documents and notebooks.
    var store = DocumentStore()
    /// Per notebook, the cells that were last sent diagnostics (to clear those no longer analysed).
    var publishedCells: [String: Set<String>] = [:]
    /// Other modules' classes: the workspace's files (scanned after `initialized`) and open documents.
    var workspaceIndex = WorkspaceIndex()
    /// Findings `heaplint verify --write-report` confirmed, marked in pushed diagnostics.
    var verifyConfirmations = VerifyConfirmations()
    /// Bumped whenever `workspaceIndex` changes; a job remembers the one it was analysed with.
    var indexGeneration = 0
    var requests: [RequestID: Task<Void, Never>] = [:]
    var nextOutgoingID = 0
    var outgoing: [RequestID: CheckedContinuation<Void, Never>] = [:]

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

    func handleRequest(_ method: String, id: RequestID, message: IncomingMessage) {
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
                store.cancelAnalyses()
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

    func handleNotification(_ method: String, message: IncomingMessage) -> Int32? {
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
    func spawn<R: Encodable & Sendable>(_ id: RequestID,
                                                 _ body: @escaping @Sendable (HeapLintServer) async throws -> R) {
        let task = Task {
            let outcome: Result<R, any Error>
            do { outcome = .success(try await body(self)) } catch { outcome = .failure(error) }
            self.finishRequest(id, outcome)
        }
        requests[id] = task
    }

    func finishRequest<R: Encodable & Sendable>(_ id: RequestID, _ outcome: Result<R, any Error>) {
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
    func cancel(_ id: RequestID) {
        guard let task = requests.removeValue(forKey: id) else { return }
        task.cancel()
        sink.sendError(id: id, code: ResponseError.requestCancelled, message: "Request cancelled")
    }
}
