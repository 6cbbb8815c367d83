import HeapDiagnostics
import HeapModel
import HeapRules
import HeapSemantics
import HeapSyntax

/// Runs the selected rules over one file: parse, build the semantic model, check, suppress.
/// The single analysis entry point for both front ends (`heaplint check` and `heaplint server`).
public struct Analyzer: Sendable {
    public let rules: [any Rule.Type]
    public let ruleSettings: RuleSettings

    public init(rules: [any Rule.Type], ruleSettings: RuleSettings = RuleSettings()) {
        self.rules = rules
        self.ruleSettings = ruleSettings
    }

    /// Parses and analyses `source`. A parser is made per call; callers that re-parse incrementally
    /// (the language server) use `analyze(tree:path:)` with their own `ParsedDocument`.
    public func analyze(source: SourceText, path: String) -> FileAnalysis {
        let tree = PythonParser().parse(source)
        return analyze(tree: tree, path: path)
    }

    public func analyze(tree: SyntaxTree, path: String) -> FileAnalysis {
        let semantics = SemanticModel(tree: tree)
        let context = AnalysisContext(tree: tree, semantics: semantics, settings: ruleSettings)
        var findings: [Finding] = []
        for rule in rules {
            findings.append(contentsOf: rule.init().check(context))
        }
        let diagnostics = findings
            .map { Diagnostic(path: path, finding: $0, source: tree.source) }
            .sorted(by: Diagnostic.ordered)
        return FileAnalysis(path: path, source: tree.source, diagnostics: diagnostics)
    }
}

/// The outcome for one file.
public struct FileAnalysis: Sendable {
    public let path: String
    public let source: SourceText
    public let diagnostics: [Diagnostic]
}
