#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

extension Configuration {
    /// The resolved settings as `heaplint check --show-settings` prints them: one `key = value` line per
    /// setting, in config-file spelling, with defaults filled in, so what a run will use can be read
    /// (and pasted into a config file) without knowing which layer set it.
    public var settingsText: String {
        func list(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        var lines = [
            "# Settings file: \(configFile ?? "none (defaults and command-line options only)")",
            "# Project root: \(projectRoot)",
            "selected-rules = \(list(selectedRules.map { $0.metadata.code }.sorted()))",
            options.select.map { "select = \(list($0))" } ?? "# select: not set (every stable rule except HL002; see selected-rules)",
            "extend-select = \(list(options.extendSelect ?? []))",
            "ignore = \(list((options.ignore ?? []) + (options.extendIgnore ?? [])))",
            // The selected rules that offer fixes and may apply them.
            "fixable-rules = \(list(selectedRules.filter { $0.metadata.fix != .never && fixableCodes.contains($0.metadata.code) }.map { $0.metadata.code }.sorted()))",
            "fixable = \(list(options.fixable ?? ["ALL"]))",
            "extend-fixable = \(list(options.extendFixable ?? []))",
            "unfixable = \(list(options.unfixable ?? []))",
            "show-fixes = \(options.showFixes ?? false)",
            "exclude = \(list(excludePatterns))",
            "respect-gitignore = \(respectsGitignore)",
            "target-version = \"\(ruleSettings.targetVersion.rawValue)\""
                + (options.targetVersion == nil ? venv.map { "  # from \($0.configFile) (Python \($0.version))" } ?? "" : ""),
            "large-threshold = \(ruleSettings.largeThreshold)",
            "preview = \(isPreview)",
            "report-once-per-process = \(reportsOncePerProcess)",
            "output-format = \"\(options.outputFormat ?? "text")\"",
            "cache-dir = \"\(cacheDirectory)\"",
            "parse-timeout = \(options.parseTimeout ?? ParseBudget.standard.seconds)",
            "rule-url-base = \"\(ruleURLBase)\"",
        ]
        let perFile = perFileIgnores
        lines.append(perFile.isEmpty ? "per-file-ignores = {}" : "[per-file-ignores]")
        lines += perFile.map { "\"\($0.pattern)\" = \(list($0.codes))" }
        return lines.joined(separator: "\n") + "\n"
    }
}
