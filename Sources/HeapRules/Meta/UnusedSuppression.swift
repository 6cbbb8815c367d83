/// HL002: a `# noqa` comment that suppresses nothing. Like ruff's RUF100, the finding is produced by
/// the suppression pass in HeapDiagnostics, after all other rules ran: only there is it known which
/// comments matched a finding. `check` therefore reports nothing itself.
public struct UnusedSuppression: Rule {
    public static let metadata = RuleMetadata(
        code: "HL002", name: "unused-suppression", family: .meta, status: .stable, severity: .info,
        fix: .always,
        summary: "A `# noqa` comment suppresses no heaplint finding.",
        doc: RuleDoc(
            whatItFinds: "A `# noqa: HLxxx` comment (or a bare `# noqa`) on a line where heaplint reports nothing with that code.",
            whyItMatters: "Stale suppressions hide future findings on the same line and mislead readers about where memory problems are. Not selected by default; enable it with `--extend-select HL002`.",
            example: "```python\nx = 1  # noqa: HL101\n```",
            useInstead: "```python\nx = 1\n```",
            whenItsFine: "Codes of other tools in the same comment (`# noqa: E501`) are left alone: heaplint only judges `HL` codes.",
            fixSafety: "Removing the code (or the whole comment when nothing remains) is safe."),
        examples: [
            .triggering("x = 1  ↓# noqa: HL101\n", fixed: "x = 1\n"),
            .nonTriggering("x = 1  # noqa: E501\n"),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] { [] }
}
