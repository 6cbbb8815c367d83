import HeapDiagnostics
import HeapSemantics
import HeapSyntax

/// The project index as a long-lived front end (the language server) keeps it: each module's class
/// summaries from the files on disk, overlaid by each open document's latest analysis, and what every
/// analysed document asked of the index, so the documents that depend on a changed module can be
/// analysed again.
public struct WorkspaceIndex: Sendable {
    private var disk: [String: [ClassSummary]] = [:]
    private var open: [String: [ClassSummary]] = [:]
    private(set) var index = ProjectIndex()

    public init() {}

    /// Class summaries of the files on disk, by module.
    public struct DiskModules: Sendable {
        let classes: [String: [ClassSummary]]
        /// Modules that define at least one class.
        public var count: Int { classes.count }
    }

    /// The classes of the files on disk (`WorkspaceIndex.scan`).
    public mutating func setDisk(_ modules: DiskModules) {
        disk = modules.classes
        rebuild()
    }

    /// Records an open document's interface (nil: closed, the disk version applies again). Returns
    /// whether the classes the index knows for the module changed.
    @discardableResult
    public mutating func update(module: ModuleIdentity, interface: ModuleInterface?) -> Bool {
        let before = open[module.name] ?? disk[module.name] ?? []
        open[module.name] = interface?.classes
        let after = open[module.name] ?? disk[module.name] ?? []
        guard before != after else { return false }
        rebuild()
        return true
    }

    /// Whether an analysis with `interface` asked about a class of `module`.
    public static func depends(_ interface: ModuleInterface?, on module: String) -> Bool {
        guard let interface, !module.isEmpty else { return false }
        return interface.importedCallees.contains { $0.hasPrefix(module + ".") }
    }

    func context(for module: ModuleIdentity) -> ProjectContext? {
        index.isEmpty ? nil : ProjectContext(index: index, moduleName: module.name, isPackage: module.isPackage)
    }

    private mutating func rebuild() {
        var merged = disk
        for (module, classes) in open { merged[module] = classes }
        index = ProjectIndex(merged.values.flatMap { $0 })
    }

    /// Reads and parses `paths` for their class summaries (no rules run), by module name. Unreadable
    /// files, and files whose target is over `maxFileBytes`, are skipped (the server's memory stays
    /// bounded whatever the workspace holds).
    public static func scan(_ paths: [String], maxFileBytes: Int = .max, parseBudget: ParseBudget = .standard) -> DiskModules {
        var result: [String: [ClassSummary]] = [:]
        let parser = PythonParser(budget: parseBudget)
        for path in paths {
            guard case let .text(source, _) = SourceLoader.load(path: path, maxBytes: maxFileBytes) else { continue }
            let module = ModuleIdentity.of(path: path)
            let summaries = SemanticModel(tree: parser.parse(source)).classSummaries(moduleName: module.name)
            if !summaries.isEmpty { result[module.name] = summaries }
        }
        return DiskModules(classes: result)
    }
}

extension Analyzer {
    /// `analyze(tree:path:module:project:)` with the project as `workspace` sees it.
    public func analyze(tree: SyntaxTree, path: String, module: ModuleIdentity, workspace: WorkspaceIndex?,
                        cells: NotebookCellMap? = nil) -> FileAnalysis {
        analyze(tree: tree, path: path, module: module, project: workspace?.context(for: module), cells: cells)
    }
}
