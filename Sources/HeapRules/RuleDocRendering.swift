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
