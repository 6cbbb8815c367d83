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

/// `initialize` (capabilities, position encoding, push or pull diagnostics) and `initialized` (the
/// workspace index scan, the watched config files), and the server's own requests and log messages.
extension HeapLintServer {
    func initialize(id: RequestID, _ params: InitializeParams) {
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

    func initialized() {
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

    func outgoingID() -> RequestID {
        nextOutgoingID += 1
        return .string("heaplint-\(nextOutgoingID)")
    }

    func log(_ type: MessageType, _ message: String) {
        sink.sendNotification("window/logMessage", LogMessageParams(type: type, message: message))
    }
}
