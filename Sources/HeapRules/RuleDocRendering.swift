import HeapPortable

extension RuleMetadata {
    /// The rule's documentation as one markdown page (`heaplint rule HL101`, SARIF `help.markdown`).
    public var markdown: String {
        var page = "# \(code) \(name)\n\n"
        page += "Family: \(family.title) · Status: \(status.rawValue) · Severity: \(severity.rawValue)"
        page += " · Fix: \(fix.rawValue)\n\n\(summary)\n\n"
        if status == .preview {
            page += "This rule is in preview: it runs only with `--preview` (or `preview = true`).\n\n"
        }
        page += "## What it finds\n\n\(doc.whatItFinds)\n\n"
        page += "## Why it matters\n\n\(doc.whyItMatters)\n\n"
        page += "## Example\n\n\(doc.example)\n\n"
        page += "## Use instead\n\n\(doc.useInstead)\n\n"
        page += "## When it's fine\n\n\(doc.whenItsFine)\n"
        if let safety = doc.fixSafety { page += "\n## Fix safety\n\n\(safety)\n" }
        if !doc.references.isEmpty {
            page += "\n## References\n\n" + doc.references.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return page
    }
}

extension RuleMetadata {
    /// The rule's page in `docs/rules/` (`heaplint rule --all --out-dir docs/rules`): the documentation
    /// above, then every example the rule's tests run, so the page shows exactly what is checked.
    public var page: String {
        var page = markdown
        let flagged = examples.filter(\.isTriggering), clean = examples.filter { !$0.isTriggering }
        if !examples.isEmpty { page += "\n## Examples from the tests\n" }
        for (i, example) in flagged.enumerated() {
            let stripped = example.strippedSource
            let lines = stripped.markerOffsets.map { offset in
                1 + stripped.text.utf8.prefix(offset).filter { $0 == UInt8(ascii: "\n") }.count
            }
            let at = lines.isEmpty ? "" : " (line\(lines.count == 1 ? "" : "s") "
                + lines.map(String.init).joined(separator: ", ") + ")"
            page += "\n### Flagged \(i + 1)\(at)\n\n" + Self.fence(stripped.text)
            if let fixed = example.fixed { page += "\nAfter the fix:\n\n" + Self.fence(fixed) }
        }
        for (i, example) in clean.enumerated() {
            page += "\n### Not flagged \(i + 1)\n\n" + Self.fence(example.strippedSource.text)
        }
        return page
    }

    static func fence(_ source: String) -> String {
        "```python\n" + source + (source.hasSuffix("\n") ? "" : "\n") + "```\n"
    }

    /// Every file of `docs/rules/` by name: one `HLxxx.md` page per rule and `README.md`, the index.
    /// Both `heaplint rule --all --out-dir` and `heaplint-dev register` write exactly this.
    public static func pages(_ rules: [RuleMetadata]) -> [String: String] {
        var files = Dictionary(uniqueKeysWithValues: rules.map { ("\($0.code).md", $0.page) })
        files["README.md"] = index(rules)
        return files
    }

    /// The README's rule table (`heaplint-dev register` writes it between marker comments). The fix
    /// column stays empty for `.never` so the table reads as "which rules can fix", not as noise.
    public static func readmeTable(_ rules: [RuleMetadata]) -> String {
        var table = "| code | name | family | fix | finds |\n|---|---|---|---|---|\n"
        for m in rules {
            let fix = switch m.fix { case .never: ""; case .always: "yes"; case .sometimes: "sometimes" }
            let summary = m.summary.replacingAll("|", with: "\\|")
            table += "| \(m.code) | \(m.name) | \(m.family.title) (\(m.family.codePrefix)) | \(fix) | \(summary) |\n"
        }
        return table
    }

    /// `docs/rules/README.md`: every rule by family, linking the pages beside it.
    public static func index(_ rules: [RuleMetadata]) -> String {
        var page = "# heaplint rules\n\n"
        page += "Generated from the rule registry by `heaplint rule --all --out-dir docs/rules`; do not edit by hand.\n"
        for family in RuleFamily.allCases {
            let members = rules.filter { $0.family == family }
            guard !members.isEmpty else { continue }
            page += "\n## \(family.title) (\(family.codePrefix)xx)\n\n| code | name | summary | status | fix |\n|---|---|---|---|---|\n"
            for m in members {
                page += "| [\(m.code)](\(m.code).md) | \(m.name) | \(m.summary.replacingAll("|", with: "\\|")) | \(m.status.rawValue) | \(m.fix.rawValue) |\n"
            }
        }
        return page
    }
}
