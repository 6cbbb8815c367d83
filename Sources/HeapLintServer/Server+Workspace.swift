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

/// Settings and workspace folders: the editor's settings over each folder's project configuration
/// (`pyproject.toml`, `heaplint.toml`), `workspace/didChangeConfiguration`, `didChangeWatchedFiles`,
/// `didChangeWorkspaceFolders`, and the files `heaplint check` would check in the folders.
extension HeapLintServer {
    static let configFileNames = ["pyproject.toml", "heaplint.toml", ".heaplint.toml"]

    static func isConfigFile(_ uri: String) -> Bool {
        configFileNames.contains { uri.hasSuffix("/" + $0) }
    }

    func loadProjectConfiguration() {
        projectConfigurations.reload()
        settingsGeneration += 1
    }

    /// The project's configuration for `path` with the editor's settings over it. A broken config file
    /// is reported once and the defaults apply until it is fixed.
    func configuration(forPath path: String) -> Configuration {
        let (project, newError) = projectConfigurations.configuration(forPath: path, from: projectConfiguration)
        if let newError { log(.error, "heaplint: configuration error, using defaults: \(newError)") }
        return project.overlaid(with: editorLayer.options)
    }

    /// The mapping with rule links under the document's `rule-url-base`.
    func mapping(for uri: String) -> DiagnosticMapping {
        guard let path = Self.path(fromURI: uri) else { return mapping }
        return mapping.linking(to: configuration(forPath: path).ruleURLBase)
    }

    func analyzer(forPath path: String) -> Analyzer {
        Analyzer(configuration: configuration(forPath: path), parseBudget: options.parseBudget)
    }

    func didChangeConfiguration(_ params: DidChangeConfigurationParams) {
        let (layer, warnings) = SettingsLayer.fromEditor(params.settings)
        for warning in warnings { log(.warning, "heaplint settings: \(warning)") }
        editorLayer = layer
        settingsChanged()
    }

    func didChangeWatchedFiles(_ params: DidChangeWatchedFilesParams) {
        guard params.changes.contains(where: { Self.isConfigFile($0.uri) }) else { return }
        loadProjectConfiguration()
        settingsChanged()
    }

    func didChangeWorkspaceFolders(_ params: DidChangeWorkspaceFoldersParams) {
        let removed = Set(params.event.removed.compactMap { Self.path(fromURI: $0.uri) })
        workspaceRoots.removeAll { removed.contains($0) }
        for folder in params.event.added {
            if let path = Self.path(fromURI: folder.uri), !workspaceRoots.contains(path) { workspaceRoots.append(path) }
        }
        loadProjectConfiguration()
        settingsChanged()
    }

    func settingsChanged() {
        settingsGeneration += 1
        for uri in store.all.keys {
            store[uri]?.isDirty = true
            scheduleAnalysis(uri)
        }
    }

    static func path(fromURI uri: String) -> String? {
        guard let url = URL(string: uri), url.isFileURL else { return nil }
        return url.standardizedFileURL.path
    }

    /// The files `heaplint check` would check in each workspace folder: the Kit's discovery with the
    /// folder's configuration (its excludes) under the editor's settings.
    func workspaceFiles() -> [String] {
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
