import HeapDiagnostics
import HeapModel
import HeapRules
import HeapSemantics
import HeapSyntax

/// Runs the selected rules over one file: parse, build the semantic model, check, suppress.
/// The single analysis entry point for both front ends (`heaplint check` and `heaplint server`):
/// rule selection, per-file ignores and `# noqa` suppression (with HL002) are all applied here.
public struct Analyzer: Sendable {
    public let rules: [any Rule.Type]
    public let ruleSettings: RuleSettings
    /// When set, `per-file-ignores` are applied per path.
    public let configuration: Configuration?
    /// How much work each parse may take (issue 26); every parser of a run is made by `makeParser()`.
    public let parseBudget: ParseBudget
    /// The codes whose fixes may be offered (`fixable`/`unfixable`), nil for all; computed once per run.
    let fixableCodes: Set<String>?

    public init(rules: [any Rule.Type], ruleSettings: RuleSettings = RuleSettings(), parseBudget: ParseBudget = .standard) {
        self.rules = rules
        self.ruleSettings = ruleSettings
        self.configuration = nil
        self.parseBudget = parseBudget
        self.fixableCodes = nil
    }

    /// Rules, rule settings and per-file ignores from a resolved configuration.
    public init(configuration: Configuration, parseBudget: ParseBudget = .standard) {
        self.rules = configuration.selectedRules
        self.ruleSettings = configuration.ruleSettings
        self.configuration = configuration
        self.parseBudget = parseBudget
        self.fixableCodes = configuration.fixableCodes
    }

    /// A parser under this run's budget (one per worker: a parser is used by one thread at a time).
    public func makeParser() -> PythonParser {
        PythonParser(budget: parseBudget)
    }

    /// The codes that run on `path` (selection minus per-file ignores).
    public func rules(forPath path: String) -> [any Rule.Type] {
        guard let configuration else { return rules }
        let ignored = configuration.ignoredCodes(forPath: path)
        return ignored.isEmpty ? rules : rules.filter { !ignored.contains($0.metadata.code) }
    }

    /// Parses and analyses `source`. A parser is made per call; callers that re-parse incrementally
    /// (the language server) use `analyze(tree:path:)` with their own `ParsedDocument`.
    public func analyze(source: SourceText, path: String) -> FileAnalysis {
        let tree = makeParser().parse(source)
        return analyze(tree: tree, path: path)
    }

    /// With `module`, the analysis also returns the module's interface for the project index; with
    /// `project`, the heap model sees the other modules' classes.
    /// `cells`: a notebook's cell map (rules that look at cells, such as HL407, need it).
    /// `reusing`: the findings of the rules that never read the project, from an earlier analysis of the
    /// same tree and path (`FileAnalysis.projectIndependent`): those rules are not run again.
    public func analyze(tree: SyntaxTree, path: String, module: ModuleIdentity? = nil, project: ProjectContext? = nil,
                        cells: NotebookCellMap? = nil, reusing: ProjectIndependentFindings? = nil) -> FileAnalysis {
        // The parse stopped at its budget: the tree is an empty module, so any analysis of it would be
        // a silent "all checks passed". Say the file was not analysed instead (HL003, as for a file that
        // cannot be read), with no interface for the project index.
        if let cutOff = tree.parseCutOff {
            return FileAnalysis(path: path, source: tree.source, diagnostics: unreadableFileDiagnostics(path: path, message: cutOff))
        }
        let active = rules(forPath: path)
        // With an earlier analysis of this tree, its semantic model and the heap model's project-blind
        // facts are taken as they are: only the cycle search sees what the index adds.
        let context = AnalysisContext(tree: tree, semantics: reusing?.semantics, settings: ruleSettings,
                                      heap: reusing.map { HeapGraph(semantics: $0.semantics, project: project, sharing: $0.heapFacts) },
                                      project: project, path: path, notebookCellLines: cells?.cells.map(\.firstLine))
        var findings: [Finding] = []
        var independent: [String: [Finding]] = [:]
        for rule in active {
            let code = rule.metadata.code
            let readsProject = Self.readsProject(rule)
            // Selection order is kept, reused or not: folding and sorting then see the same list.
            if !readsProject, let earlier = reusing?.byCode[code] {
                findings.append(contentsOf: earlier)
                continue
            }
            let found = rule.init().check(context)
            if !readsProject { independent[code] = found }
            findings.append(contentsOf: found)
        }
        // One finding per cycle where two selected rules describe the same one at the same statement.
        findings = SameStatementFolding.folded(findings)
        // Every cycle finding carries how often it is made; the front ends choose what to show from it.
        findings = LifetimeGrading.graded(findings, semantics: context.semantics, path: path)
        let diagnostics = findings.map { Diagnostic(path: path, finding: $0, source: tree.source) }
        let codes = Set(active.map { $0.metadata.code })
        var kept: [Diagnostic]
        if configuration?.options.ignoreNoqa == true {
            kept = diagnostics.sorted(by: Diagnostic.ordered)
        } else {
            let pass = SuppressionPass(selectedCodes: codes, reportsUnused: codes.contains(SuppressionPass.unusedCode))
            kept = pass.apply(to: diagnostics, tree: tree, path: path).sorted(by: Diagnostic.ordered)
        }
        // `unfixable` rules keep their findings but lose their fixes here, so neither `--fix`, `--diff`,
        // the `[*]` marker, the summary's counts nor the server's code actions offer them.
        if let fixable = fixableCodes {
            kept = kept.map { fixable.contains($0.code) ? $0 : $0.withoutFix() }
        }
        // One finding per cycle: an HL1 finding whose cycle an HL201 finding reports is folded into it, after
        // suppression so a `# noqa` on either line keeps meaning what it says.
        kept = FinalizerCycleFolding.folded(kept)
        // Only the heap model uses the index: without a cycle rule there is nothing to export.
        let usesProject = active.contains(where: Self.readsProject)
        let interface = module.flatMap {
            usesProject ? ModuleInterface.of(context.semantics, unresolved: context.heap.unresolvedCallees,
                                             functions: context.heap.functionSummaries(moduleName: $0.name), module: $0) : nil
        }
        // Kept only for a module that asked the index something: the cross-module pass analyses only those again.
        let reusable = interface?.importedCallees.isEmpty == false
            ? ProjectIndependentFindings(byCode: independent, semantics: context.semantics, heapFacts: context.heap.projectBlindFacts) : nil
        return FileAnalysis(path: path, source: tree.source, diagnostics: kept, interface: interface, projectIndependent: reusable)
    }

    /// Whether the rule may read `AnalysisContext.project`: only the heap model (HL1xx, HL2xx) is built
    /// with the other modules' classes and functions; every other rule sees the file alone.
    static func readsProject(_ rule: any Rule.Type) -> Bool {
        rule.metadata.family == .referenceCycles || rule.metadata.family == .finalizers
    }
}

/// What one analysis found that the project index cannot change: the findings of the rules that never
/// read it (by rule code), the semantic model, and the heap model's frame, closure and finalizer facts.
/// A second analysis of the same tree with the index (the cross-module pass) would find the same, so it
/// runs only the cycle search and the heap-model rules, and takes these as they are.
public struct ProjectIndependentFindings: Sendable {
    let byCode: [String: [Finding]]
    let semantics: SemanticModel
    let heapFacts: HeapGraph.ProjectBlindFacts
}

/// The outcome for one file.
public struct FileAnalysis: Sendable {
    public let path: String
    public let source: SourceText
    public let diagnostics: [Diagnostic]
    /// The module's contribution to the project index (when asked for).
    public let interface: ModuleInterface?
    /// For a module that asked the project index something: what its project-blind rules found.
    public let projectIndependent: ProjectIndependentFindings?

    public init(path: String, source: SourceText, diagnostics: [Diagnostic], interface: ModuleInterface? = nil,
                projectIndependent: ProjectIndependentFindings? = nil) {
        self.path = path
        self.source = source
        self.diagnostics = diagnostics
        self.interface = interface
        self.projectIndependent = projectIndependent
    }
}
