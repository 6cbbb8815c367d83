#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapModel
import HeapRules
import HeapTOML

/// A configuration problem: which file, which key, what is wrong. Front ends print it and exit 2.
public enum ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(file: String, reason: String)
    case invalidTOML(file: String, line: Int, column: Int, reason: String)
    case unknownKey(key: String, file: String)
    case invalidValue(key: String, file: String, expected: String)
    case unknownCode(code: String, key: String, file: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            "cannot read configuration file \(file): \(reason)"
        case let .invalidTOML(file, line, column, reason):
            "\(file):\(line):\(column): not valid TOML: \(reason)"
        case let .unknownKey(key, file):
            "\(file): unknown option `\(key)`; known options: \(Configuration.knownKeys.sorted().joined(separator: ", "))"
        case let .invalidValue(key, file, expected):
            "\(file): invalid value for `\(key)`: expected \(expected)"
        case let .unknownCode(code, key, file):
            "\(file): `\(key)` names unknown rule selector `\(code)`; use a code or prefix such as HL1, HL101 or ALL (`heaplint rule --all` lists the codes)"
        }
    }
}

/// heaplint's options as read from one source (a config file, or the command line). Nil means unset,
/// so layers can be merged: the command line over `--config FILE` over the discovered file over defaults.
public struct Options: Sendable, Equatable {
    public var select: [String]?
    public var ignore: [String]?
    public var extendSelect: [String]?
    public var extendIgnore: [String]?
    public var exclude: [String]?
    public var extendExclude: [String]?
    public var perFileIgnores: [PerFileIgnore]?
    /// Added to `perFileIgnores` whatever layer set them (`extend-per-file-ignores`, `--extend-per-file-ignores`).
    public var extendPerFileIgnores: [PerFileIgnore]?
    public var targetVersion: TargetVersion?
    public var largeThreshold: Int?
    public var outputFormat: String?
    public var cacheDir: String?
    /// Preview rules and preview behaviour (`--preview`, `preview = true`), off by default.
    public var preview: Bool?
    /// Show cycles the program makes once per process (`report-once-per-process`, `--report-once-per-process`);
    /// off by default, on with preview.
    public var reportOncePerProcess: Bool?
    /// Where rule links point (`rule-url-base`); the repository's `docs/rules/` by default.
    public var ruleURLBase: String?
    /// Skip what `.gitignore`, `.ignore` and `.git/info/exclude` ignore (`respect-gitignore`, default on).
    public var respectGitignore: Bool?
    /// Seconds a file's parse may take, plus 1 s per MB (`parse-timeout`, `--parse-timeout`,
    /// HEAPLINT_PARSE_TIMEOUT); 0 for no limit; 5 when unset. See `ParseBudget`.
    public var parseTimeout: Double?
    /// Report findings whatever `# noqa` comments say, and no HL002 (`--ignore-noqa`; command line only,
    /// as in ruff: a settings file that silenced every suppression would surprise whoever wrote them).
    public var ignoreNoqa: Bool?
    /// Rules whose fixes may be applied (`fixable`, `--fixable`; every rule when unset). A layer that sets
    /// it replaces the lower layers' fixable choices, as `select` does for the selection.
    public var fixable: [String]?
    /// Rules whose fixes are never applied nor offered (`unfixable`, `--unfixable`).
    public var unfixable: [String]?
    /// Rules made fixable in addition (`extend-fixable`, `--extend-fixable`).
    public var extendFixable: [String]?
    /// After `--fix`, list the fixes applied per file and rule (`show-fixes`, `--show-fixes`); off by default.
    public var showFixes: Bool?

    public init() {}
}

/// `"tests/*.py" = ["HL101"]`: codes ignored in files matching a glob.
public struct PerFileIgnore: Sendable, Equatable {
    public let pattern: String
    public let codes: [String]
    public init(pattern: String, codes: [String]) {
        self.pattern = pattern
        self.codes = codes
    }
}

/// The resolved settings for one project: which rules run (per file), rule settings, discovery
/// excludes, output defaults. Build it with `Configuration.load(forPath:)` (what the language server
/// does for a workspace root) or `Configuration.resolve(...)` (the CLI, with flags layered on top).
public struct Configuration: Sendable {
    /// The config file the settings came from, if any.
    public let configFile: String?
    /// Globs and relative paths are resolved against this directory (the config file's, else the cwd).
    public let projectRoot: String
    public let options: Options
    /// The project's virtual environment (`.venv`, `venv` at `projectRoot`), when `detectingVenv()`
    /// found one: the target version if no option names one.
    public let venv: VenvInterpreter?

    public static let knownKeys: Set<String> = [
        "select", "ignore", "extend-select", "extend-ignore", "exclude", "extend-exclude", "per-file-ignores",
        "extend-per-file-ignores", "target-version", "large-threshold", "output-format", "cache-dir", "preview", "report-once-per-process",
        "rule-url-base", "respect-gitignore", "parse-timeout", "fixable", "unfixable", "extend-fixable",
        "show-fixes",
    ]
    public static let outputFormats = ["text", "full", "concise", "json", "json-lines", "sarif", "github", "junit", "gitlab", "rdjson", "html"]
    public static let defaultExcludes = [
        ".git", ".hg", ".svn", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".tox",
        ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".heaplint_cache", ".eggs", "_build", "site-packages",
        // Jupyter's autosaved copies of every notebook: checking them would repeat each finding.
        ".ipynb_checkpoints",
    ]

    public init(configFile: String? = nil, projectRoot: String, options: Options = Options(),
                venv: VenvInterpreter? = nil) {
        self.configFile = configFile
        self.projectRoot = projectRoot
        self.options = options
        self.venv = venv
    }

    /// The same settings with the project's virtual environment looked up at `projectRoot` (what
    /// `heaplint check` and the language server do; `--isolated` does not, as it reads no project file).
    public func detectingVenv() -> Configuration {
        Configuration(configFile: configFile, projectRoot: projectRoot, options: options,
                      venv: VenvInterpreter.find(in: projectRoot))
    }

    /// Defaults only (`--isolated`).
    public static func isolated(root: String = FileManager.default.currentDirectoryPath) -> Configuration {
        Configuration(projectRoot: root)
    }

    // MARK: Loading

    /// The nearest configuration for `path` (a file or directory): walks up from it looking for
    /// `heaplint.toml`, `.heaplint.toml`, or a `pyproject.toml` with a `[tool.heaplint]` table.
    /// Defaults (rooted at the directory of `path`) when none is found.
    public static func load(forPath path: String) throws -> Configuration {
        let start = absolute(path)
        var directory = start
        if PathString.isDirectory(start) != true {
            directory = PathString.deletingLastComponent(start)
        }
        if let file = try discover(from: directory) { return try load(file: file) }
        return Configuration(projectRoot: directory)
    }

    /// The first config file found walking up from `directory`.
    public static func discover(from directory: String) throws -> String? {
        var current = absolute(directory)
        while true {
            for name in ["heaplint.toml", ".heaplint.toml"] {
                let candidate = PathString.appending(current, name)
                if FileManager.default.isReadableFile(atPath: candidate) { return candidate }
            }
            let pyproject = PathString.appending(current, "pyproject.toml")
            if FileManager.default.isReadableFile(atPath: pyproject) {
                // TOML is UTF-8 only. A pyproject we cannot decode may hold our table, so skipping it
                // would silently apply the parent directory's settings instead: a usage error, as for
                // a heaplint.toml.
                guard let text = try? String(contentsOfFile: pyproject, encoding: .utf8) else {
                    throw ConfigError.unreadable(file: pyproject, reason: "not readable UTF-8 text")
                }
                // A pyproject without our table does not stop the walk (ruff behaves the same).
                if text.contains("heaplint"), try hasHeaplintTable(pyproject, text: text) { return pyproject }
            }
            let parent = PathString.deletingLastComponent(current)
            if parent == current || parent.isEmpty { return nil }
            current = parent
        }
    }

    private static func hasHeaplintTable(_ file: String, text: String) throws -> Bool {
        let table = try parseTOML(text, file: file)
        return table["tool"]?.table?["heaplint"]?.table != nil
    }

    /// Reads one config file: `pyproject.toml` (its `[tool.heaplint]` table) or a heaplint TOML file
    /// (top-level keys). Unknown keys and bad values throw `ConfigError`.
    public static func load(file: String) throws -> Configuration {
        let path = absolute(file)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError.unreadable(file: file, reason: FileManager.default.fileExists(atPath: path)
                                         ? "not readable UTF-8 text" : "no such file")
        }
        let root = try parseTOML(text, file: file)
        let table: [String: TOMLValue]
        if PathString.lastComponent(path) == "pyproject.toml" {
            table = root["tool"]?.table?["heaplint"]?.table ?? [:]
        } else if let nested = root["tool"]?.table?["heaplint"]?.table, Array(root.keys) == ["tool"] {
            // A heaplint.toml written like a pyproject section is accepted too.
            table = nested
        } else {
            table = root
        }
        let options = try parseOptions(table, file: file)
        return Configuration(configFile: path, projectRoot: PathString.deletingLastComponent(path),
                             options: options)
    }

    private static func parseTOML(_ text: String, file: String) throws -> [String: TOMLValue] {
        do {
            return try TOMLDocument.parse(text)
        } catch let error as TOMLError {
            throw ConfigError.invalidTOML(file: file, line: error.line, column: error.column, reason: error.message)
        }
    }

    /// `--config KEY=VALUE`: a TOML `key = value` pair (or several, on separate lines) in config-file
    /// spelling, validated as a file's keys are; errors name the argument as their "file". Unlike a
    /// file's, a `cache-dir` here is the user's own choice, so any place is allowed (as `--cache-dir`).
    public static func inlineOverride(_ text: String) throws -> Options {
        let name = "--config '\(text)'"
        return try parseOptions(parseTOML(text, file: name), file: name, fromUser: true)
    }

    static func parseOptions(_ table: [String: TOMLValue], file: String, fromUser: Bool = false) throws -> Options {
        var options = Options()
        for key in table.keys.sorted() {
            guard knownKeys.contains(key) else { throw ConfigError.unknownKey(key: key, file: file) }
        }
        func strings(_ key: String) throws -> [String]? {
            guard let value = table[key] else { return nil }
            guard let array = value.array else {
                throw ConfigError.invalidValue(key: key, file: file, expected: "a list of strings")
            }
            return try array.map { item in
                guard let string = item.string else {
                    throw ConfigError.invalidValue(key: key, file: file, expected: "a list of strings")
                }
                return string
            }
        }
        func selectors(_ key: String) throws -> [String]? {
            guard let list = try strings(key) else { return nil }
            return try list.map { try validatedSelector($0, key: key, file: file) }
        }
        options.select = try selectors("select")
        options.ignore = try selectors("ignore")
        options.extendSelect = try selectors("extend-select")
        options.extendIgnore = try selectors("extend-ignore")
        options.fixable = try selectors("fixable")
        options.unfixable = try selectors("unfixable")
        options.extendFixable = try selectors("extend-fixable")
        options.exclude = try strings("exclude")
        options.extendExclude = try strings("extend-exclude")
        // `per-file-ignores` replaces a lower layer's; `extend-per-file-ignores` adds to it (ruff's pair).
        for key in ["per-file-ignores", "extend-per-file-ignores"] {
            guard let value = table[key] else { continue }
            guard let perFile = value.table else {
                throw ConfigError.invalidValue(key: key, file: file, expected: "a table of glob = [codes]")
            }
            var entries: [PerFileIgnore] = []
            for pattern in perFile.keys.sorted() {
                let entryKey = "\(key).\"\(pattern)\""
                guard let array = perFile[pattern]?.array else {
                    throw ConfigError.invalidValue(key: entryKey, file: file, expected: "a list of rule codes")
                }
                let codes = try array.map { item -> String in
                    guard let code = item.string else {
                        throw ConfigError.invalidValue(key: entryKey, file: file, expected: "a list of rule codes")
                    }
                    return try validatedSelector(code, key: entryKey, file: file)
                }
                entries.append(PerFileIgnore(pattern: pattern, codes: codes))
            }
            if key == "per-file-ignores" { options.perFileIgnores = entries } else { options.extendPerFileIgnores = entries }
        }
        if let value = table["target-version"] {
            options.targetVersion = try targetVersion(value.string ?? "", key: "target-version", file: file)
        }
        if let value = table["large-threshold"] {
            guard let number = value.int, number > 0 else {
                throw ConfigError.invalidValue(key: "large-threshold", file: file, expected: "a positive integer")
            }
            options.largeThreshold = number
        }
        if let value = table["preview"] {
            guard let flag = value.bool else {
                throw ConfigError.invalidValue(key: "preview", file: file, expected: "true or false")
            }
            options.preview = flag
        }
        if let value = table["show-fixes"] {
            guard let flag = value.bool else {
                throw ConfigError.invalidValue(key: "show-fixes", file: file, expected: "true or false")
            }
            options.showFixes = flag
        }
        if let value = table["report-once-per-process"] {
            guard let flag = value.bool else {
                throw ConfigError.invalidValue(key: "report-once-per-process", file: file, expected: "true or false")
            }
            options.reportOncePerProcess = flag
        }
        if let value = table["output-format"] {
            guard let format = value.string, outputFormats.contains(format) else {
                throw ConfigError.invalidValue(key: "output-format", file: file,
                                               expected: "one of " + outputFormats.joined(separator: ", "))
            }
            options.outputFormat = format
        }
        if let value = table["cache-dir"] {
            guard let dir = value.string, !dir.isEmpty else {
                throw ConfigError.invalidValue(key: "cache-dir", file: file, expected: "a directory path")
            }
            // A checked repository must not direct writes outside itself (`../outside/deep`, `/tmp/x`):
            // from a file, the cache stays below the config file's directory. An absolute or outside
            // directory is the user's choice, made with --cache-dir or HEAPLINT_CACHE_DIR.
            if fromUser {
                options.cacheDir = absolute(dir)
            } else if !Self.isInsideRoot(relative: dir) {
                throw ConfigError.invalidValue(key: "cache-dir", file: file,
                                               expected: "a directory below the config file's directory (an absolute or outside path only with --cache-dir or HEAPLINT_CACHE_DIR)")
            } else {
                options.cacheDir = dir
            }
        }
        if let value = table["parse-timeout"] {
            // TOML writes `5` and `5.0` differently; both are seconds.
            guard let seconds = value.double ?? value.int.map(Double.init), seconds.isFinite, seconds >= 0 else {
                throw ConfigError.invalidValue(key: "parse-timeout", file: file, expected: "a number of seconds, 0 or more (0: no limit)")
            }
            options.parseTimeout = seconds
        }
        if let value = table["respect-gitignore"] {
            guard let flag = value.bool else {
                throw ConfigError.invalidValue(key: "respect-gitignore", file: file, expected: "true or false")
            }
            options.respectGitignore = flag
        }
        if let value = table["rule-url-base"] {
            guard let base = value.string, !base.isEmpty else {
                throw ConfigError.invalidValue(key: "rule-url-base", file: file,
                                               expected: "a URL, such as https://example.org/heaplint/rules/")
            }
            options.ruleURLBase = base
        }
        return options
    }

    /// `HL1`, `hl101`, `ALL` → normalised; anything that selects no known rule (or family) throws.
    public static func validatedSelector(_ raw: String, key: String, file: String) throws -> String {
        let selector = raw.trimmingWhitespace().uppercased()
        if selector == "ALL" { return selector }
        let familyPrefixes = RuleFamily.allCases.map(\.codePrefix)
        let matchesRule = RuleRegistry.all.contains { $0.metadata.code.hasPrefix(selector) }
        // `HL` alone or a family prefix (`HL5`, even before its rules land) is fine; `HL999` is not.
        if matchesRule || familyPrefixes.contains(selector) || selector == "HL" { return selector }
        throw ConfigError.unknownCode(code: raw, key: key, file: file)
    }

    // MARK: Layering

    /// `other` over `self`: every option `other` sets wins. Lists named `extend-*` and `ignore` add up,
    /// except that a `select` in `other` replaces the lower layer's whole selection (ruff's rule:
    /// a later `--select` starts over).
    public func overlaid(with other: Options) -> Configuration {
        var merged = options
        if let select = other.select {
            merged.select = select
            merged.extendSelect = other.extendSelect
            merged.ignore = other.ignore
            merged.extendIgnore = other.extendIgnore
        } else {
            if let extra = other.extendSelect { merged.extendSelect = (merged.extendSelect ?? []) + extra }
            if let extra = other.ignore { merged.ignore = (merged.ignore ?? []) + extra }
            if let extra = other.extendIgnore { merged.extendIgnore = (merged.extendIgnore ?? []) + extra }
        }
        // The same layering for fixability: a `fixable` above starts over.
        if let fixable = other.fixable {
            merged.fixable = fixable
            merged.unfixable = other.unfixable
            merged.extendFixable = other.extendFixable
        } else {
            if let extra = other.unfixable { merged.unfixable = (merged.unfixable ?? []) + extra }
            if let extra = other.extendFixable { merged.extendFixable = (merged.extendFixable ?? []) + extra }
        }
        if let exclude = other.exclude { merged.exclude = exclude }
        if let extra = other.extendExclude { merged.extendExclude = (merged.extendExclude ?? []) + extra }
        // As in ruff: a layer's `per-file-ignores` replaces the lower layers' (`--per-file-ignores` over the
        // file's), while every layer's `extend-per-file-ignores` adds up.
        if let perFile = other.perFileIgnores { merged.perFileIgnores = perFile }
        if let extra = other.extendPerFileIgnores { merged.extendPerFileIgnores = (merged.extendPerFileIgnores ?? []) + extra }
        if let version = other.targetVersion { merged.targetVersion = version }
        if let threshold = other.largeThreshold { merged.largeThreshold = threshold }
        if let format = other.outputFormat { merged.outputFormat = format }
        if let dir = other.cacheDir { merged.cacheDir = dir }
        if let preview = other.preview { merged.preview = preview }
        if let once = other.reportOncePerProcess { merged.reportOncePerProcess = once }
        if let base = other.ruleURLBase { merged.ruleURLBase = base }
        if let respect = other.respectGitignore { merged.respectGitignore = respect }
        if let seconds = other.parseTimeout { merged.parseTimeout = seconds }
        if let ignore = other.ignoreNoqa { merged.ignoreNoqa = ignore }
        if let show = other.showFixes { merged.showFixes = show }
        return Configuration(configFile: configFile, projectRoot: projectRoot, options: merged, venv: venv)
    }

    // MARK: Resolved values

    public var ruleSettings: RuleSettings {
        RuleSettings(targetVersion: options.targetVersion ?? venv?.target ?? .default,
                     largeThreshold: options.largeThreshold ?? RuleSettings().largeThreshold,
                     preview: isPreview)
    }

    /// Whether discovery skips what the ignore files ignore (`respect-gitignore`, on by default).
    public var respectsGitignore: Bool { options.respectGitignore ?? true }

    /// Where rule links point: `rule-url-base`, else the repository's generated `docs/rules/` pages.
    public var ruleURLBase: String { options.ruleURLBase ?? RuleMetadata.defaultURLBase }

    /// Whether preview rules and preview behaviour are on (`--preview`, `preview = true`).
    public var isPreview: Bool { options.preview ?? false }

    /// Whether once-per-process cycles are reported: the setting if given, else with preview.
    public var reportsOncePerProcess: Bool { options.reportOncePerProcess ?? isPreview }

    /// Rules on by default: every stable rule except HL002 (unused suppressions are opt-in), and with
    /// preview on, the preview rules too (ruff's gate: new or unproven rules wait for `--preview`).
    public static func defaultRules(preview: Bool) -> [any Rule.Type] {
        RuleRegistry.all.filter { rule in
            let m = rule.metadata
            return (m.status == .stable || (preview && m.status == .preview)) && m.code != UnusedSuppression.metadata.code
        }
    }

    /// The default rules without preview.
    public static var defaultRules: [any Rule.Type] { defaultRules(preview: false) }

    /// Preview rules named by their full code in `select`/`extend-select` while preview is off: they
    /// stay off, and the front ends warn (a prefix such as `HL3` or `ALL` selects the stable ones silently).
    public var previewCodesSelectedWithoutPreview: [String] {
        guard !isPreview else { return [] }
        let named = (options.select ?? []) + (options.extendSelect ?? [])
        return named.filter { selector in
            RuleRegistry.rule(code: selector).map { $0.metadata.status == .preview } ?? false
        }
    }

    /// The selected rules, in registry order.
    public var selectedRules: [any Rule.Type] {
        var codes: Set<String>
        if let select = options.select {
            codes = Set(select.flatMap { RuleRegistry.rules(matching: $0).map { $0.metadata.code } })
        } else {
            codes = Set(Self.defaultRules(preview: isPreview).map { $0.metadata.code })
        }
        for selector in options.extendSelect ?? [] {
            codes.formUnion(RuleRegistry.rules(matching: selector).map { $0.metadata.code })
        }
        for selector in (options.ignore ?? []) + (options.extendIgnore ?? []) {
            codes.subtract(RuleRegistry.rules(matching: selector).map { $0.metadata.code })
        }
        return RuleRegistry.all.filter { rule in
            let status = rule.metadata.status
            return codes.contains(rule.metadata.code) && status != .removed && (status != .preview || isPreview)
        }
    }

    public var selectedCodes: Set<String> { Set(selectedRules.map { $0.metadata.code }) }

    /// The codes whose fixes `--fix` may apply and the output may offer: `fixable` (every rule when
    /// unset) plus `extend-fixable`, minus `unfixable`. As in ruff, the most specific selector naming a
    /// rule decides (`unfixable = ["HL1"]` with `extend-fixable = ["HL101"]` keeps HL101 fixable); between
    /// equally specific ones, `unfixable` wins.
    public var fixableCodes: Set<String> {
        var decisions: [(specificity: Int, fixable: Bool, selector: String)] = []
        for selector in (options.fixable ?? ["ALL"]) + (options.extendFixable ?? []) {
            decisions.append((Self.specificity(selector), true, selector))
        }
        for selector in options.unfixable ?? [] {
            decisions.append((Self.specificity(selector), false, selector))
        }
        // Least specific first, so the more specific ones overwrite them; `unfixable` after `fixable`.
        decisions.sort { $0.specificity != $1.specificity ? $0.specificity < $1.specificity : ($0.fixable && !$1.fixable) }
        var codes: Set<String> = []
        for decision in decisions {
            let named = RuleRegistry.rules(matching: decision.selector).map { $0.metadata.code }
            if decision.fixable { codes.formUnion(named) } else { codes.subtract(named) }
        }
        return codes
    }

    /// How narrowly a selector names rules: `ALL` least, then by length (`HL` < `HL1` < `HL101`).
    static func specificity(_ selector: String) -> Int {
        selector == "ALL" ? 0 : selector.count
    }

    /// Directory names and globs discovery skips.
    public var excludePatterns: [String] {
        (options.exclude ?? Self.defaultExcludes) + (options.extendExclude ?? [])
    }

    /// Whether `path` matches `exclude`/`extend-exclude` (the language server skips such documents
    /// the way `--force-exclude` does).
    public func isExcluded(path: String) -> Bool {
        let relative = Self.relative(path, to: projectRoot)
        return excludePatterns.contains { Glob.matches($0, path: relative) }
    }

    /// The excludes, prepared for a directory walk.
    var excludeMatcher: ExcludeMatcher { ExcludeMatcher(patterns: excludePatterns) }

    /// `relative(_:to:)` for a path that is already absolute and normalised.
    func relativePath(absolute full: String) -> String {
        let base = projectRoot.hasSuffix("/") ? projectRoot : projectRoot + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }

    /// `per-file-ignores` and `extend-per-file-ignores` together, one entry per pattern (in first-seen order).
    public var perFileIgnores: [PerFileIgnore] {
        var order: [String] = []
        var codes: [String: [String]] = [:]
        for entry in (options.perFileIgnores ?? []) + (options.extendPerFileIgnores ?? []) {
            if codes[entry.pattern] == nil { order.append(entry.pattern) }
            for code in entry.codes where !(codes[entry.pattern] ?? []).contains(code) {
                codes[entry.pattern, default: []].append(code)
            }
        }
        return order.map { PerFileIgnore(pattern: $0, codes: codes[$0] ?? []) }
    }

    /// Codes ignored for `path` by `per-file-ignores` and `extend-per-file-ignores`.
    public func ignoredCodes(forPath path: String) -> Set<String> {
        let entries = perFileIgnores
        guard !entries.isEmpty else { return [] }
        var ignored: Set<String> = []
        let relative = Self.relative(path, to: projectRoot)
        for entry in entries where Glob.matches(entry.pattern, path: relative) {
            for selector in entry.codes {
                ignored.formUnion(RuleRegistry.rules(matching: selector).map { $0.metadata.code })
            }
        }
        return ignored
    }

    /// The cache directory, resolved against the project root.
    public var cacheDirectory: String {
        let dir = options.cacheDir ?? ".heaplint_cache"
        return dir.hasPrefix("/") ? dir : PathString.appending(projectRoot, dir)
    }

    /// Whether `path` names a directory strictly below the directory it is relative to: not absolute,
    /// not the directory itself, and no `..` climbing above it (judged on the text; symlinks are
    /// `cacheDirectoryRefusal`'s concern).
    static func isInsideRoot(relative path: String) -> Bool {
        guard !path.hasPrefix("/"), !path.hasPrefix("~") else { return false }
        var depth = 0
        for part in path.split(separator: "/") where part != "." {
            if part == ".." {
                depth -= 1
                if depth < 0 { return false }
            } else {
                depth += 1
            }
        }
        return depth > 0
    }

    /// Why the cache must not be used, or nil. A project-relative cache directory (the default or a
    /// config file's) is refused when it, or a directory between the project root and it, is a
    /// symlink (or the version directory inside it is): a committed `.heaplint_cache -> ../elsewhere` would
    /// send writes outside the project.
    /// A directory given on the command line or in the environment is the user's and is followed.
    public var cacheDirectoryRefusal: String? {
        let dir = options.cacheDir ?? ".heaplint_cache"
        guard !dir.hasPrefix("/") else { return nil }
        var current = projectRoot
        // The version directory the cache writes in counts too: `.heaplint_cache/<version>` committed
        // as a link would redirect the writes just the same.
        for part in dir.split(separator: "/") + [Substring(HeapLintVersion.string)] where part != "." {
            current = part == ".." ? PathString.deletingLastComponent(current)
                                   : PathString.appending(current, String(part))
            var info = stat()
            guard lstat(current, &info) == 0 else { return nil }  // not created yet: save makes real directories
            if info.st_mode & S_IFMT == S_IFLNK {
                return "cache disabled: \(current) is a symbolic link, which is not followed (a cache directory in the project must be a real directory; use --cache-dir for another place)"
            }
        }
        return nil
    }

    public static func targetVersion(_ raw: String, key: String, file: String) throws -> TargetVersion {
        guard let version = TargetVersion(rawValue: raw.lowercased()) else {
            throw ConfigError.invalidValue(key: key, file: file,
                                           expected: "one of " + TargetVersion.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return version
    }

    // MARK: Paths

    /// `path` made absolute against the working directory and standardised.
    public static func absolutePath(_ path: String) -> String { absolute(path) }

    /// Absolute and lexically normalised (`.` and `..` removed) without resolving symlinks, so a
    /// linked file keeps the name the user sees (Foundation's `standardizingPath` resolves links).
    static func absolute(_ path: String) -> String {
        let expanded = PathString.expandingTilde(path)
        let full = expanded.hasPrefix("/") ? expanded
            : FileManager.default.currentDirectoryPath + "/" + expanded
        var components: [Substring] = []
        for component in full.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { if !components.isEmpty { components.removeLast() }; continue }
            components.append(component)
        }
        return "/" + components.joined(separator: "/")
    }

    static func relative(_ path: String, to root: String) -> String {
        let full = absolute(path)
        let base = root.hasSuffix("/") ? root : root + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }
}

/// The exclude globs split the way `Glob.matches` treats them: patterns without `/` match any path
/// component, patterns with `/` the path or one of its leading directories.
struct ExcludeMatcher {
    let componentPatterns: [String]
    let pathPatterns: [String]

    init(patterns: [String]) {
        var components: [String] = [], paths: [String] = []
        for pattern in patterns {
            let trimmed = pattern.hasPrefix("./") ? String(pattern.dropFirst(2)) : pattern
            if trimmed.contains("/") { paths.append(contentsOf: Glob.expandingRecursive(trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed)) }
            else { components.append(trimmed) }
        }
        componentPatterns = components
        pathPatterns = paths
    }

    /// `Glob.matches` of every pattern against `relative`.
    func matches(relative: String) -> Bool {
        componentPatterns.contains { Glob.matches($0, path: relative) } || pathPatterns.contains { Glob.matchesExpanded($0, path: relative) }
    }

    /// The same answer for a path whose every leading directory is known to match nothing: only its
    /// last component and the whole path are left to check.
    func matchesLast(component: String, path: String) -> Bool {
        componentPatterns.contains { fnmatch($0, component, 0) == 0 } || pathPatterns.contains { fnmatch($0, path, 0) == 0 }
    }
}

/// Glob matching for excludes and per-file ignores. A pattern without `/` matches any path component
/// (`build`, `*_pb2.py`); one with `/` matches the path relative to the project root (`tests/**/*.py`).
public enum Glob {
    public static func matches(_ pattern: String, path: String) -> Bool {
        let trimmed = pattern.hasPrefix("./") ? String(pattern.dropFirst(2)) : pattern
        if trimmed.contains("/") {
            let p = trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed
            return expandingRecursive(p).contains { matchesExpanded($0, path: path) }
        }
        return path.split(separator: "/").contains { fnmatch(trimmed, String($0), 0) == 0 }
    }

    /// A path pattern already through `expandingRecursive`: the path or any leading directory of it
    /// (`tests/fixtures` excludes its files).
    static func matchesExpanded(_ p: String, path: String) -> Bool {
        if fnmatch(p, path, 0) == 0 { return true }
        var prefix = ""
        for component in path.split(separator: "/").dropLast() {
            prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
            if fnmatch(p, prefix, 0) == 0 { return true }
        }
        return false
    }

    /// `**/` as ruff's (and gitignore's) globs read it: zero or more directories. fnmatch without
    /// FNM_PATHNAME lets `*` cross `/` but always wants the `/` after it, so `tests/**/*.py` missed
    /// `tests/t.py` and `**/*.py` missed root files. Each `**/` becomes two fnmatch patterns, one
    /// without it (no directory) and one with `*/` (one or more). Past 8 occurrences the rest keep
    /// the `*/` reading only, which bounds the expansion at 256 patterns.
    static func expandingRecursive(_ pattern: String) -> [String] {
        guard pattern.contains("**/") else { return [pattern] }
        var variants = [""]
        var rest = Substring(pattern)
        var expanded = 0
        var previous: Character? = nil  // the pattern's character before `rest`
        while let range = rest.firstRange(of: "**/") {
            let head = rest[..<range.lowerBound]
            // Only a whole `**` component is recursive (`a**/` is an ordinary `*`).
            let before = head.last ?? previous
            if (before == nil || before == "/") && expanded < 8 {
                variants = variants.flatMap { [$0 + head, $0 + head + "*/"] }
                expanded += 1
            } else {
                variants = variants.map { $0 + head + "*/" }
            }
            previous = "/"
            rest = rest[range.upperBound...]
        }
        return variants.map { $0 + rest }
    }
}
