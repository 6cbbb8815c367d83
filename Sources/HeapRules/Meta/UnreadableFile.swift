/// HL003: a file that could not be read or decoded. Produced by the Kit when it loads a file (there
/// is no tree to check), so `check` reports nothing itself; the metadata documents the code.
public struct UnreadableFile: Rule {
    public static let metadata = RuleMetadata(
        code: "HL003", name: "unreadable-file", family: .meta, status: .stable, severity: .error,
        summary: "The file could not be read, or is not UTF-8 text.",
        doc: RuleDoc(
            whatItFinds: "A path that was selected for checking but cannot be analysed: permission denied, a directory named like a Python file, bytes that are not UTF-8 (without a matching coding declaration), binary content, or source whose parse reached its budget (`--parse-timeout`: tree-sitter's error recovery can take minutes on long runs of broken code).",
            whyItMatters: "heaplint cannot tell you anything about a file it cannot read; saying so is better than silently skipping it. Other files are still checked.",
            example: "A file saved in Latin-1 without a `# -*- coding: latin-1 -*-` line.",
            useInstead: "Save the file as UTF-8, or declare its encoding on the first or second line as PEP 263 describes.",
            whenItsFine: "Binary or generated files in the tree: exclude them with `extend-exclude`."),
        examples: [])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] { [] }
}
