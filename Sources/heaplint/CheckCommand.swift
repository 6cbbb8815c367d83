import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapLintKit

/// `heaplint check [PATH ...]`: options modelled on `ruff check`. Parses arguments, resolves the
/// configuration, hands the files to the Kit and prints what comes back. It never analyses itself.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check Python files for memory problems.",
        discussion: """
            Exit status: 0 no problems, 1 problems found, 2 usage, configuration or internal error.

            Environment (an option given beats its variable, which beats the configuration file, as in ruff):
              HEAPLINT_OUTPUT_FORMAT   --output-format
              HEAPLINT_OUTPUT_FILE     --output-file
              HEAPLINT_NO_CACHE        --no-cache (true/false, 1/0, yes/no, on/off)
              HEAPLINT_CACHE_DIR       --cache-dir
              HEAPLINT_PARSE_TIMEOUT   --parse-timeout
              NO_COLOR, FORCE_COLOR    --color auto: colour off, on
            """)

    @Argument(help: "Files or directories to check (default: the current directory). `-` reads stdin.")
    var paths: [String] = []

    @Option(name: .customLong("output-format"),
            help: "text, concise, json, json-lines, sarif, github, junit, gitlab (Code Quality), rdjson (reviewdog) or html (one self-contained page with a drawing of every reference path; use with -o). Also HEAPLINT_OUTPUT_FORMAT.")
    var outputFormat: String?

    @Option(help: ArgumentHelp("Rule codes or prefixes to enable (replaces the configured selection); comma-separated.", valueName: "CODES"))
    var select: [String] = []
    @Option(help: ArgumentHelp("Rule codes or prefixes to disable; comma-separated.", valueName: "CODES"))
    var ignore: [String] = []
    @Option(name: .customLong("extend-select"), help: ArgumentHelp("Rule codes or prefixes to enable in addition.", valueName: "CODES"))
    var extendSelect: [String] = []
    @Option(name: .customLong("extend-ignore"), help: ArgumentHelp("Rule codes or prefixes to disable in addition (the same as --ignore).", valueName: "CODES"))
    var extendIgnore: [String] = []
    @Option(help: ArgumentHelp("Rule codes or prefixes whose fixes may be applied (replaces the configured `fixable`; default ALL); comma-separated.", valueName: "CODES"))
    var fixable: [String] = []
    @Option(help: ArgumentHelp("Rule codes or prefixes whose fixes are neither applied nor offered; comma-separated.", valueName: "CODES"))
    var unfixable: [String] = []
    @Option(name: .customLong("extend-fixable"), help: ArgumentHelp("Rule codes or prefixes to make fixable in addition (the most specific selector wins: `--unfixable HL3 --extend-fixable HL301`).", valueName: "CODES"))
    var extendFixable: [String] = []
    @Option(name: .customLong("per-file-ignores"),
            help: ArgumentHelp("Rule codes or prefixes to ignore in files matching a glob, such as `tests/*.py:HL101,HL102` (replaces the configured per-file-ignores); repeatable.", valueName: "PATTERN:CODES"))
    var perFileIgnores: [String] = []
    @Option(name: .customLong("extend-per-file-ignores"),
            help: ArgumentHelp("Like --per-file-ignores, in addition to the configured ones.", valueName: "PATTERN:CODES"))
    var extendPerFileIgnores: [String] = []
    @Option(help: ArgumentHelp("Glob patterns to exclude (replaces the defaults); comma-separated.", valueName: "GLOBS"))
    var exclude: [String] = []
    @Option(name: .customLong("extend-exclude"), help: ArgumentHelp("Glob patterns to exclude in addition.", valueName: "GLOBS"))
    var extendExclude: [String] = []
    @Option(name: .customLong("target-version"), help: "The CPython version whose heap is modelled: py38 .. py314.")
    var targetVersion: String?
    @Option(name: .customLong("large-threshold"), help: .hidden)
    var largeThreshold: Int?

    @Option(help: ArgumentHelp("A configuration file (pyproject.toml or heaplint.toml) to use instead of discovering one, or a TOML `KEY = VALUE` pair that overrides that setting (`--config 'select = [\"HL1\"]'`), above every file and below the other options; repeatable, one file at most.", valueName: "FILE|KEY=VALUE"))
    var config: [String] = []
    @Flag(help: "Ignore all configuration files.") var isolated = false
    // Paired flags: the last one given wins (`--preview --no-preview` is off), as in ruff.
    @Flag(inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "Enable preview rules and preview behaviour (HL3xx: iterables of unknown size); --no-preview turns it off.")
    var preview: Bool?
    @Flag(name: .customLong("report-once-per-process"), inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "Also report cycles the program makes once per process (at import, in main) or only in test-support code (pytest plugins, test runners); on with --preview.")
    var reportOncePerProcess: Bool?

    @Flag(inversion: .prefixedNo, exclusivity: .chooseLast, help: "Apply safe fixes in place (--no-fix: report only).")
    var fix = false
    @Flag(name: .customLong("unsafe-fixes"), inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "Also apply unsafe fixes (--no-unsafe-fixes: only safe ones).")
    var unsafeFixes = false
    @Flag(help: "Print a diff of the fixes instead of writing them.") var diff = false
    @Flag(name: .customLong("fix-only"), inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "Apply fixes, but do not report the problems left, nor exit non-zero for them (implies --fix).")
    var fixOnly = false
    @Flag(name: .customLong("show-fixes"), inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "After --fix, list the fixes applied, per file and rule (also `show-fixes = true`); --no-show-fixes turns it off.")
    var showFixes: Bool?
    @Flag(name: .customLong("add-noqa"),
          help: "Add a `# noqa: CODE` comment for every current finding (keeping other comments and other tools' codes), then exit.")
    var addNoqa = false

    @Flag(help: "Show counts per rule instead of each problem.") var statistics = false
    @Flag(name: .customLong("exit-zero"), help: "Exit with 0 even when problems are found.") var exitZero = false
    @Flag(name: .customLong("exit-non-zero-on-fix"), help: "Exit with 1 when fixes were applied.") var exitNonZeroOnFix = false
    // On a terminal, findings appear per file as files finish; piped, they are sorted by file.
    @Flag(inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "Print each file's findings as soon as it is checked (default on a terminal, text formats only); --no-stream sorts them by file.")
    var stream: Bool?
    @Flag(name: [.short, .long], help: "Print diagnostics only, no summary.") var quiet = false
    @Flag(name: [.short, .long], help: "Print nothing; use the exit status.") var silent = false
    @Flag(name: .customLong("show-files"), help: "List the files that would be checked, then exit.") var showFiles = false
    @Flag(name: .customLong("show-settings"), help: "Print the resolved settings (and which file they came from), then exit.")
    var showSettings = false
    @Flag(name: [.short, .long], help: "Report on stderr the settings file used, the files found, cache hits and timings.")
    var verbose = false
    @Flag(name: .customLong("respect-gitignore"), inversion: .prefixedNo, exclusivity: .chooseLast,
          help: "Skip files that .gitignore, .ignore and .git/info/exclude ignore (the default); --no-respect-gitignore checks them too. Named files are always checked.")
    var respectGitignore: Bool?
    @Flag(name: .customLong("force-exclude"), help: "Apply excludes to files named on the command line too.") var forceExclude = false

    @Flag(name: .customLong("no-cache"), help: "Neither read nor write the cache (also HEAPLINT_NO_CACHE).") var noCache = false
    @Flag(name: .customLong("ignore-noqa"), help: "Report findings even on lines with a `# noqa` comment (and no HL002).") var ignoreNoqa = false
    @Option(name: .customLong("cache-dir"), help: "Cache directory (default: .heaplint_cache in the project root; also HEAPLINT_CACHE_DIR).")
    var cacheDir: String?
    @Option(name: [.short, .customLong("output-file")], help: "Write the report to this file instead of stdout (also HEAPLINT_OUTPUT_FILE).")
    var outputFile: String?

    /// `-o FILE`, else HEAPLINT_OUTPUT_FILE (as RUFF_OUTPUT_FILE); nil: stdout.
    var reportFile: String? {
        outputFile ?? ProcessInfo.processInfo.environment[Self.outputFileVariable].flatMap { $0.isEmpty ? nil : $0 }
    }
    @Option(help: "Colour the text output: auto (only on a terminal; NO_COLOR or FORCE_COLOR set and non-empty turn it off or on), always or never.")
    var color: ColorChoice = .auto
    @Option(name: .customLong("stdin-filename"), help: "The file name to report for source read from stdin (`-`).")
    var stdinFilename: String?

    @Flag(help: "Re-check whenever a checked file changes (clears the screen on a terminal); stop with Ctrl-C.")
    var watch = false

    @Option(name: .customLong("parse-timeout"),
            help: ArgumentHelp("Stop parsing a file after this many seconds, plus 1 s per MB of it, and report it as HL003 (default 5; 0: no limit; also HEAPLINT_PARSE_TIMEOUT). tree-sitter's error recovery can take minutes on long runs of broken code.", valueName: "SECONDS"))
    var parseTimeout: String?

    /// Every parser's budget for this run: `--parse-timeout`, else HEAPLINT_PARSE_TIMEOUT, else the
    /// configuration's `parse-timeout` (all three already in `configuration`, see `commandLineOptions`),
    /// and HEAPLINT_PARSE_BUDGET_OPS. The `Analyzer` hands it to every parser it makes.
    func parseBudget(_ configuration: Configuration) throws -> ParseBudget {
        var budget: ParseBudget
        switch ParseBudget.fromEnvironment(ProcessInfo.processInfo.environment) {
        case .success(let fromEnvironment): budget = fromEnvironment
        case .failure(let error): throw UsageError(error.message)
        }
        if let seconds = configuration.options.parseTimeout {
            let operations = budget.operations
            budget = seconds == 0 ? .unlimited : ParseBudget(seconds: seconds)
            budget.operations = operations
        }
        return budget
    }

    func run() throws {
        do {
            if watch {
                try watchLoop()
            } else {
                try check()
            }
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(2)
        } catch let error as UsageError {
            printError(error.message)
            throw ExitCode(2)
        }
    }

    /// The options of `check` that take a value (`--name VALUE`, `--name=VALUE`, `-o FILE`).
    /// Tests/python/test_cli.py holds this to `check --help-hidden`.
    static let valueOptions: Set<String> = [
        "--output-format", "--select", "--ignore", "--extend-select", "--extend-ignore", "--exclude",
        "--extend-exclude", "--target-version", "--large-threshold", "--config", "--cache-dir", "--output-file",
        "-o", "--stdin-filename", "--color", "--parse-timeout", "--fixable", "--unfixable", "--extend-fixable",
        "--per-file-ignores", "--extend-per-file-ignores",
    ]

    /// Splits `check`'s arguments into options (with their values) and path operands, the way
    /// ArgumentParser would, or nil when they are not plain enough to split safely (a short-option
    /// cluster that holds `o`, an option missing its value). Long path lists take this way because
    /// ArgumentParser's array arguments cost quadratic time: pre-commit passes thousands of files,
    /// and 8,000 paths took 4 s before any file was read.
    static func separatingOperands(_ arguments: [String]) -> (options: [String], operands: [String])? {
        var options: [String] = [], operands: [String] = []
        var i = 0
        while i < arguments.count {
            let token = arguments[i]
            i += 1
            if token == "--" {
                operands.append(contentsOf: arguments[i...])
                break
            }
            guard token.hasPrefix("-"), token != "-" else { operands.append(token); continue }
            options.append(token)
            if token.hasPrefix("--") {
                if !token.contains("="), valueOptions.contains(token) {
                    guard i < arguments.count else { return nil }
                    options.append(arguments[i])
                    i += 1
                }
            } else if token == "-o" {
                guard i < arguments.count else { return nil }
                options.append(arguments[i])
                i += 1
            } else if token.dropFirst().contains("o") && !token.hasPrefix("-o") {
                return nil  // `-qo FILE`: leave clusters with a value-taking letter to ArgumentParser
            }
        }
        return (options, operands)
    }

    /// Comma-separated, repeatable option values: `--select HL1,HL2 --select HL3`.
    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    static let outputFormatVariable = "HEAPLINT_OUTPUT_FORMAT"
    static let outputFileVariable = "HEAPLINT_OUTPUT_FILE"
    static let noCacheVariable = "HEAPLINT_NO_CACHE"

    /// A boolean environment variable read as clap reads ruff's (RUFF_NO_CACHE): unset or empty is false,
    /// anything else must be a recognisable yes or no.
    static func environmentFlag(_ name: String) throws -> Bool {
        guard let raw = ProcessInfo.processInfo.environment[name], !raw.isEmpty else { return false }
        switch raw.lowercased() {
        case "1", "true", "t", "yes", "y", "on": return true
        case "0", "false", "f", "no", "n", "off": return false
        default: throw UsageError("\(name)=\(raw): expected true or false (1/0, yes/no, on/off)")
        }
    }

    /// `--per-file-ignores tests/*.py:HL101,HL102 --per-file-ignores gen/*:HL3`: a code without a pattern
    /// belongs to the pattern before it, so ruff's comma-separated pairs (`a.py:HL101,b.py:HL102`) read
    /// the same. The pattern is what precedes the last `:`. Nil when the option was not given.
    static func perFileIgnores(_ values: [String], flag: String) throws -> [PerFileIgnore]? {
        guard !values.isEmpty else { return nil }
        let expected = "PATTERN:CODE[,CODE], such as tests/*.py:HL101,HL102"
        var order: [String] = []
        var codes: [String: [String]] = [:]
        for value in values {
            var pattern: String? = nil
            for item in value.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingWhitespace() }) {
                var code = item
                if let colon = item.lastIndex(of: ":") {
                    pattern = item[..<colon].trimmingWhitespace()
                    code = item[item.index(after: colon)...].trimmingWhitespace()
                }
                guard let pattern, !pattern.isEmpty, !code.isEmpty else {
                    throw ConfigError.invalidValue(key: flag, file: "command line", expected: expected + " (got `\(value)`)")
                }
                if codes[pattern] == nil { order.append(pattern) }
                codes[pattern, default: []].append(try Configuration.validatedSelector(code, key: flag, file: "command line"))
            }
        }
        return order.map { PerFileIgnore(pattern: $0, codes: codes[$0] ?? []) }
    }

    func commandLineOptions() throws -> Options {
        var options = Options()
        func selectors(_ values: [String], _ flag: String) throws -> [String]? {
            let list = Self.split(values)
            if list.isEmpty { return nil }
            return try list.map { try Configuration.validatedSelector($0, key: flag, file: "command line") }
        }
        options.select = try selectors(select, "--select")
        options.ignore = try selectors(ignore, "--ignore")
        options.extendSelect = try selectors(extendSelect, "--extend-select")
        options.extendIgnore = try selectors(extendIgnore, "--extend-ignore")
        options.fixable = try selectors(fixable, "--fixable")
        options.unfixable = try selectors(unfixable, "--unfixable")
        options.extendFixable = try selectors(extendFixable, "--extend-fixable")
        options.perFileIgnores = try Self.perFileIgnores(perFileIgnores, flag: "--per-file-ignores")
        options.extendPerFileIgnores = try Self.perFileIgnores(extendPerFileIgnores, flag: "--extend-per-file-ignores")
        if !exclude.isEmpty { options.exclude = Self.split(exclude) }
        if !extendExclude.isEmpty { options.extendExclude = Self.split(extendExclude) }
        if let targetVersion {
            options.targetVersion = try Configuration.targetVersion(targetVersion, key: "--target-version",
                                                                    file: "command line")
        }
        if let largeThreshold {
            guard largeThreshold > 0 else {
                throw ConfigError.invalidValue(key: "--large-threshold", file: "command line", expected: "a positive integer")
            }
            options.largeThreshold = largeThreshold
        }
        if let outputFormat {
            guard Configuration.outputFormats.contains(outputFormat) else {
                throw ConfigError.invalidValue(key: "--output-format", file: "command line",
                                               expected: "one of " + Configuration.outputFormats.joined(separator: ", "))
            }
            options.outputFormat = outputFormat
        } else if let fromEnvironment = ProcessInfo.processInfo.environment[Self.outputFormatVariable], !fromEnvironment.isEmpty {
            // As RUFF_OUTPUT_FORMAT: the environment stands for the flag, so it beats the configuration file.
            guard Configuration.outputFormats.contains(fromEnvironment) else {
                throw UsageError("\(Self.outputFormatVariable)=\(fromEnvironment): expected one of "
                                 + Configuration.outputFormats.joined(separator: ", "))
            }
            options.outputFormat = fromEnvironment
        }
        if let cacheDir {
            // An empty value would put the cache (and its `*` .gitignore) in the working directory.
            guard !cacheDir.isEmpty else {
                throw ConfigError.invalidValue(key: "--cache-dir", file: "command line", expected: "a directory path")
            }
            options.cacheDir = Configuration.absolutePath(cacheDir)
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["HEAPLINT_CACHE_DIR"], !fromEnvironment.isEmpty {
            // As RUFF_CACHE_DIR: the user's own choice, so any place is allowed (unlike a config file's).
            options.cacheDir = Configuration.absolutePath(fromEnvironment)
        }
        if let parseTimeout {
            guard let seconds = Double(parseTimeout), seconds.isFinite, seconds >= 0 else {
                throw ConfigError.invalidValue(key: "--parse-timeout", file: "command line", expected: "a number of seconds, 0 or more (0: no limit)")
            }
            options.parseTimeout = seconds
        } else if let text = ProcessInfo.processInfo.environment[ParseBudget.timeoutVariable], !text.isEmpty {
            // As HEAPLINT_CACHE_DIR: the environment beats the configuration file, the command line beats both.
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
                throw UsageError("\(ParseBudget.timeoutVariable)=\(text): expected a number of seconds, 0 or more (0: no limit)")
            }
            options.parseTimeout = seconds
        }
        if let preview { options.preview = preview }
        if let reportOncePerProcess { options.reportOncePerProcess = reportOncePerProcess }
        if let respectGitignore { options.respectGitignore = respectGitignore }
        if ignoreNoqa { options.ignoreNoqa = true }
        if let showFixes { options.showFixes = showFixes }
        return options
    }

    func resolveConfiguration(paths: [String]) throws -> Configuration {
        let (configFile, overrides) = try configArguments()
        if isolated, configFile != nil {
            throw UsageError("`--isolated` cannot be used with `--config FILE`: --isolated ignores every configuration file")
        }
        var base: Configuration
        if isolated {
            base = .isolated()
        } else if let configFile {
            base = try Configuration.load(file: configFile).detectingVenv()
        } else {
            let anchor = paths.first { $0 != "-" } ?? stdinFilename ?? "."
            let directory = FileManager.default.fileExists(atPath: anchor) ? anchor : "."
            let found = try Configuration.load(forPath: directory)
            // Without a config file, relative globs and the cache are rooted at the working directory
            // (as ruff does), never inside the checked tree.
            base = (found.configFile == nil ? .isolated() : found).detectingVenv()
        }
        for override in overrides { base = base.overlaid(with: override) }
        return base.overlaid(with: try commandLineOptions())
    }

    /// `--config` values split as ruff splits them: an existing file is a configuration file, anything
    /// else with a `=` is a `KEY = VALUE` override (an error names the key or the TOML problem), and the
    /// rest is a missing file.
    func configArguments() throws -> (file: String?, overrides: [Options]) {
        var file: String? = nil
        var overrides: [Options] = []
        for value in config {
            if PathString.isDirectory(value) == false || !value.contains("=") {
                if let file {
                    throw UsageError("`--config` names two configuration files (\(file), \(value)); give one file and any number of KEY=VALUE overrides")
                }
                file = value
            } else {
                overrides.append(try Configuration.inlineOverride(value))
            }
        }
        return (file, overrides)
    }

    func check() throws {
        // With `--stdin-filename` and no paths, read stdin (as ruff does).
        let givenPaths = paths.isEmpty ? (stdinFilename != nil ? ["-"] : ["."]) : paths
        let configuration = try resolveConfiguration(paths: givenPaths)
        let budget = try parseBudget(configuration)
        if addNoqa, fix || diff || fixOnly {
            throw UsageError("`--add-noqa` cannot be used with `--\(fix ? "fix" : diff ? "diff" : "fix-only")`: it writes suppressions, not fixes")
        }
        if addNoqa, givenPaths.contains("-") {
            throw UsageError("`--add-noqa` cannot be used with stdin (`-`): it edits files in place")
        }
        if showSettings {
            writeStdout(configuration.settingsText)
            return
        }
        let started = ContinuousClock.now
        if verbose {
            printVerbose("settings: \(configuration.configFile ?? (isolated ? "none (--isolated)" : "no configuration file found; defaults"))"
                         + ", \(configuration.selectedRules.count) rules selected")
            if configuration.options.targetVersion == nil, let venv = configuration.venv {
                printVerbose("target version: \(venv.target.rawValue), the interpreter of \(venv.configFile) (Python \(venv.version))")
            }
        }
        let format = OutputFormat(rawValue: configuration.options.outputFormat ?? "text") ?? .text
        if statistics, !Renderer.statisticsFormats.contains(format) {
            throw UsageError("`--statistics` cannot be used with `--output-format \(format.rawValue)`; it supports "
                             + Renderer.statisticsFormats.map(\.rawValue).joined(separator: ", "))
        }
        for code in configuration.previewCodesSelectedWithoutPreview where !silent {
            printWarning("\(code) is a preview rule and stays off; add --preview (or `preview = true` in the configuration) to enable it")
        }
        let analyzer = Analyzer(configuration: configuration, parseBudget: budget)
        let fixMode: FixMode = diff ? .diff : fix || fixOnly ? .apply : .report

        if givenPaths == ["-"] {
            try checkStdin(configuration: configuration, analyzer: analyzer, format: format, fixMode: fixMode)
            return
        }
        let discovery = FileDiscovery(configuration: configuration, forceExclude: forceExclude)
        let files = discovery.files(in: givenPaths.filter { $0 != "-" })
        if verbose {
            printVerbose("found \(files.count) file\(files.count == 1 ? "" : "s") to check in \(Self.seconds(since: started))"
                         + (configuration.respectsGitignore ? "" : " (ignore files not respected)"))
        }
        if showFiles {
            writeStdout(files.map { Configuration.absolutePath($0.path) + "\n" }.sorted().joined())
            return
        }
        if files.isEmpty && !silent {
            let excluded = forceExclude ? givenPaths.filter { configuration.isExcluded(path: $0) } : []
            if excluded.isEmpty {
                printWarning("no Python files found under \(givenPaths.joined(separator: ", "))")
            } else {
                printWarning("no Python files checked: \(excluded.joined(separator: ", ")) "
                             + "\(excluded.count == 1 ? "matches" : "match") the excludes (--force-exclude applies them to named paths)")
            }
        }
        var cache: DiagnosticCache? = nil
        let cacheOff = try noCache || Self.environmentFlag(Self.noCacheVariable)
        if !cacheOff && fixMode == .report {
            if let refusal = configuration.cacheDirectoryRefusal {
                printWarning(refusal)
            } else {
                cache = DiagnosticCache(directory: configuration.cacheDirectory, configuration: configuration)
            }
        }
        let checker = ProjectCheck(analyzer: analyzer, fixMode: fixMode, unsafeFixes: unsafeFixes, cache: cache)
        let checkStarted = ContinuousClock.now
        let environment = ProcessInfo.processInfo.environment
        let isHumanFormat = format == .text || format == .full || format == .concise
        let live = LiveOutput(
            total: files.count,
            stream: !silent && !statistics && isHumanFormat && reportFile == nil && fixMode != .diff && !addNoqa && !fixOnly
                && (stream ?? (isatty(STDOUT_FILENO) == 1)),
            format: format,
            colored: color.isEnabled(environment: environment, isTerminal: reportFile == nil && isatty(STDOUT_FILENO) == 1),
            showProgress: !silent && !quiet && isatty(STDERR_FILENO) == 1,
            progressDelay: LiveOutput.progressDelay(environment: environment))
        // Cycles made once per process are left out of the default output (also of what is streamed), and
        // counted in the summary.
        let reportOnce = configuration.reportsOncePerProcess
        let onFileDone: (@Sendable (FileResult) -> Void)? = live.isStreaming || isatty(STDERR_FILENO) == 1
            ? { @Sendable result in live.fileDone(FileResult.hidingOncePerProcess([result], report: reportOnce).results[0]) } : nil
        let (results, oncePerProcess) = FileResult.hidingOncePerProcess(checker.run(files, onFileDone: onFileDone),
                                                                         report: reportOnce)
        if addNoqa {
            _ = live.finish([])
            let outcome = NoqaAdder.apply(to: results, parseBudget: budget)
            for failure in outcome.failures where !silent {
                printWarning("no noqa directives added to \(failure.path): \(failure.reason)")
            }
            if !silent {
                StandardStream.writeError("Added \(outcome.added) noqa directive\(outcome.added == 1 ? "" : "s").\n".utf8)
            }
            return
        }
        if verbose {
            let hits = results.filter(\.fromCache).count
            printVerbose(cache.map { "cache: \(hits) of \(results.count) from \($0.file)" }
                         ?? "cache: not used (\(cacheOff ? (noCache ? "--no-cache" : Self.noCacheVariable) : fixMode != .report ? "fixes are computed afresh" : "disabled"))")
            printVerbose("checked \(results.count) file\(results.count == 1 ? "" : "s") in \(Self.seconds(since: checkStarted))"
                         + ", \(Self.seconds(since: started)) in all")
        }
        try finish(results, format: format, fixMode: fixMode, ruleURLBase: configuration.ruleURLBase,
                   showsFixes: configuration.options.showFixes ?? false, live: live, oncePerProcess: oncePerProcess)
    }

    func checkStdin(configuration: Configuration, analyzer: Analyzer, format: OutputFormat, fixMode: FixMode) throws {
        let data = Data(StandardStream.readInputToEnd())
        let name = stdinFilename ?? "-"
        if forceExclude, stdinFilename != nil {
            if configuration.isExcluded(path: name) {
                if fixMode == .apply { StandardStream.writeOutput(data) }
                return
            }
        }
        let checker = ProjectCheck(analyzer: analyzer, fixMode: fixMode == .report ? .report : .diff,
                                   unsafeFixes: unsafeFixes)
        let (graded, oncePerProcess) = FileResult.hidingOncePerProcess([checker.check(stdin: [UInt8](data), displayPath: name)],
                                                                        report: configuration.reportsOncePerProcess)
        let result = graded[0]
        if fixMode == .apply {
            // As ruff does: the fixed source goes to stdout, remaining problems to stderr.
            for note in result.notebookFixNotes where !silent { printWarning(note) }
            if let source = result.source, result.fixedCount > 0 {
                // A notebook's fixed JSON, not the cells' code that was analysed.
                StandardStream.writeOutput(result.fixedNotebook ?? source.bytes)
            } else {
                StandardStream.writeOutput(data)
            }
            let report = makeReport([result], ruleURLBase: configuration.ruleURLBase)
            // stdout holds the fixed source: the list of fixes goes to stderr with the findings.
            if configuration.options.showFixes == true && !silent && !quiet {
                StandardStream.writeError(Self.fixSummary([result]).utf8)
            }
            if fixOnly {
                if exitNonZeroOnFix && result.fixedCount > 0 && !exitZero { throw ExitCode(1) }
                return
            }
            if !silent {
                let colored = color.isEnabled(environment: ProcessInfo.processInfo.environment,
                                              isTerminal: isatty(STDERR_FILENO) == 1)
                StandardStream.writeError(Renderer.render(report, as: .concise, colored: colored).utf8)
            }
            if !result.diagnostics.isEmpty && !exitZero { throw ExitCode(1) }
            return
        }
        try finish([result], format: format, fixMode: fixMode, ruleURLBase: configuration.ruleURLBase,
                   oncePerProcess: oncePerProcess)
    }

    /// `--watch`: check, print "Watching for file changes.", wait until a file to check appears,
    /// disappears or changes (polling its size and modification time), clear the screen, check again.
    func watchLoop() throws {
        let givenPaths = paths.isEmpty ? ["."] : paths
        if givenPaths.contains("-") || stdinFilename != nil {
            throw UsageError("`--watch` cannot be used with stdin (`-`): there is no file to watch")
        }
        if addNoqa || diff || showFiles || showSettings {
            let flag = addNoqa ? "--add-noqa" : diff ? "--diff" : showFiles ? "--show-files" : "--show-settings"
            throw UsageError("`--watch` cannot be used with `\(flag)`")
        }
        let clears = isatty(STDOUT_FILENO) == 1
        var first = true
        while true {
            if clears && !first { writeStdout("\u{1B}[2J\u{1B}[3J\u{1B}[H") }
            if !first && !silent { writeStdout("File change detected; checking again.\n") }
            first = false
            let before = try watchSnapshot(givenPaths)
            do {
                try check()
            } catch let exit as ExitCode where exit.rawValue == 1 {
                // Problems found: keep watching.
            }
            if !silent {
                let stamp = Self.clockTime()
                writeStdout("[\(stamp)] Watching for file changes.\n")
            }
            var now = before
            while now == before {
                sleepSeconds(0.3)
                now = try watchSnapshot(givenPaths)
            }
        }
    }

    /// Every file a check of `givenPaths` would read (the configuration files too), with its size and
    /// modification time.
    func watchSnapshot(_ givenPaths: [String]) throws -> [String: [Int]] {
        let configuration = try resolveConfiguration(paths: givenPaths)
        var watched = FileDiscovery(configuration: configuration, forceExclude: forceExclude)
            .files(in: givenPaths).map(\.path)
        if let file = configuration.configFile { watched.append(file) }
        var snapshot: [String: [Int]] = [:]
        for path in watched {
            var info = stat()
            guard stat(path, &info) == 0 else { snapshot[path] = []; continue }
            snapshot[path] = [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec), Int(info.st_ino)]
        }
        return snapshot
    }

    static func clockTime() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        return [parts.tm_hour, parts.tm_min, parts.tm_sec].map { zeroPadded(Int($0), width: 2) }.joined(separator: ":")
    }

    /// "Checked N files in T s" on stderr, last: on a terminal or with `--verbose` (piped output stays
    /// exactly ruff's shape), never with `--quiet`/`--silent`.
    func printCheckedLine(files: Int, seconds: Double) {
        guard !quiet, !silent, verbose || isatty(STDERR_FILENO) == 1 else { return }
        let time = seconds < 10 ? fixedDecimal(seconds, digits: 2) : fixedDecimal(seconds, digits: 1)
        StandardStream.writeError("Checked \(files) file\(files == 1 ? "" : "s") in \(time) s\n".utf8)
    }

    /// `--verbose` lines: on stderr, so the report on stdout stays the same.
    func printVerbose(_ message: String) {
        StandardStream.writeError("heaplint: \(message)\n".utf8)
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let value = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return fixedDecimal(value, digits: 3) + " s"
    }

    func makeReport(_ results: [FileResult], ruleURLBase: String) -> DiagnosticReport {
        var report = DiagnosticReport(results: results)
        report.ruleURLBase = ruleURLBase
        return report
    }

    func finish(_ results: [FileResult], format: OutputFormat, fixMode: FixMode, ruleURLBase: String,
                showsFixes: Bool = false, live: LiveOutput? = nil, oncePerProcess: HiddenCycles = HiddenCycles()) throws {
        if fixMode != .report && !silent {
            for result in results {
                for note in result.notebookFixNotes { printWarning(note) }
            }
        }
        let report = makeReport(results, ruleURLBase: ruleURLBase)
        // What was streamed is not printed again: only what the cross-module pass added.
        let unprinted = live?.finish(report.diagnostics) ?? report.diagnostics
        let shown = live?.isStreaming == true
            ? DiagnosticReport(diagnostics: unprinted, sources: report.sources, checkedPaths: report.checkedPaths,
                               absolutePaths: report.absolutePaths, workingDirectory: report.workingDirectory,
                               ruleURLBase: report.ruleURLBase, notebookCells: report.notebookCells)
            : report
        defer { if let live { printCheckedLine(files: results.count, seconds: live.elapsedSeconds) } }
        let remaining = report.diagnostics.count
        let fixed = results.reduce(0) { $0 + $1.fixedCount }
        let isHuman = format == .text || format == .full || format == .concise

        if fixMode == .diff {
            let diffs = results.compactMap(\.diff)
            if !silent {
                writeStdout(diffs.joined())
                if !quiet {
                    let hidden = hiddenFixCount(results.flatMap(\.diagnostics))
                    StandardStream.writeError(((fixed == 0
                        ? "No fixes available\(hidden > 0 ? " (\(Self.hiddenFixes(hidden)))" : "").\n"
                        : "Would fix \(fixed) problem\(fixed == 1 ? "" : "s").\n").utf8))
                }
            }
            if !diffs.isEmpty && !exitZero { throw ExitCode(1) }
            return
        }

        // `--fix-only` (as ruff's): the fixes are written; the problems left are neither listed nor counted
        // in the exit code, only how many were fixed is said.
        if fixOnly && fixMode == .apply {
            if !silent && !quiet && isHuman {
                if showsFixes { StandardStream.writeError(Self.fixSummary(results).utf8) }
                StandardStream.writeError((fixed == 0 ? "No problems fixed.\n"
                    : "Fixed \(fixed) problem\(fixed == 1 ? "" : "s").\n").utf8)
            }
            if exitNonZeroOnFix && fixed > 0 && !exitZero { throw ExitCode(1) }
            return
        }

        if !silent {
            // A report written with -o is a file, not a terminal: colour there only when asked for.
            let colored = color.isEnabled(environment: ProcessInfo.processInfo.environment,
                                          isTerminal: reportFile == nil && isatty(STDOUT_FILENO) == 1)
            var output = statistics
                ? Renderer.renderStatistics(report.diagnostics, as: format)
                : Renderer.render(shown, as: format, colored: colored)
            if isHuman && !quiet {
                if showsFixes && fixMode == .apply { output += Self.fixSummary(results) }
                output += summary(remaining: remaining, fixed: fixed, diagnostics: report.diagnostics)
                output += Self.foldedNote(Self.foldedCount(report.diagnostics))
                output += Self.oncePerProcessNote(oncePerProcess)
            }
            if let outputFile = reportFile {
                do {
                    try ReportWriter.write(output, to: outputFile)
                } catch {
                    printError("cannot write \(outputFile): \(error)")
                    throw ExitCode(2)
                }
            } else {
                writeStdout(output)
            }
        }
        if exitZero { return }
        if remaining > 0 || (exitNonZeroOnFix && fixed > 0) { throw ExitCode(1) }
    }

    /// `--show-fixes`: the fixes applied, per file (in path order) and rule (most applied first), framed
    /// by blank lines as ruff frames its list; empty when nothing was fixed.
    static func fixSummary(_ results: [FileResult]) -> String {
        let fixedFiles = results.filter { !$0.fixedCodes.isEmpty }.sorted { $0.path < $1.path }
        guard !fixedFiles.isEmpty else { return "" }
        let total = fixedFiles.reduce(0) { $0 + $1.fixedCodes.values.reduce(0, +) }
        let width = String(fixedFiles.flatMap(\.fixedCodes.values).max() ?? 0).count
        var out = "\nFixed \(total) problem\(total == 1 ? "" : "s"):\n"
        for result in fixedFiles {
            out += "- \(result.path):\n"
            let byCount = result.fixedCodes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            for (code, count) in byCount {
                let name = RuleRegistry.rule(code: code).map { " (\($0.metadata.name))" } ?? ""
                out += "    " + String(repeating: " ", count: width - String(count).count) + "\(count) × \(code)\(name)\n"
            }
        }
        return out + "\n"
    }

    func summary(remaining: Int, fixed: Int, diagnostics: [Diagnostic]) -> String {
        func problems(_ n: Int) -> String { "\(n) problem\(n == 1 ? "" : "s")" }
        var out = ""
        if fixed > 0 {
            out += "Found \(problems(remaining + fixed)) (\(fixed) fixed, \(remaining) remaining).\n"
        } else if remaining > 0 {
            out += "Found \(problems(remaining)).\n"
        } else {
            out += "All checks passed!\n"
        }
        // As ruff: with --unsafe-fixes the unsafe ones count as fixable, otherwise they are "hidden".
        let fixable = diagnostics.filter {
            $0.fix?.applicability == .safe || (unsafeFixes && $0.fix?.applicability == .unsafe)
        }.count
        let hidden = hiddenFixCount(diagnostics)
        if fixable > 0 && fixed == 0 {
            out += "[*] \(fixable) fixable with the `--fix` option"
                + (hidden > 0 ? " (\(Self.hiddenFixes(hidden)))" : "") + ".\n"
        } else if hidden > 0 {
            out += "No fixes available (\(Self.hiddenFixes(hidden))).\n"
        }
        return out
    }

    /// The line saying how many cycles the default output left out (empty when none): once-per-process
    /// ones, those only test-support code makes, and those in files a compiled extension module shadows.
    static func oncePerProcessNote(_ hidden: HiddenCycles) -> String {
        guard hidden.total > 0 else { return "" }
        var parts: [String] = []
        if hidden.oncePerProcess > 0 {
            parts.append("\(hidden.oncePerProcess) once-per-process cycle\(hidden.oncePerProcess == 1 ? "" : "s")")
        }
        if hidden.testSupport > 0 {
            parts.append("\(hidden.testSupport) test-support cycle\(hidden.testSupport == 1 ? "" : "s") (pytest plugins, test runners)")
        }
        if hidden.shadowed > 0 {
            // Name the files and what shadows them (a few: a mypyc wheel shadows every module it ships).
            let files = hidden.shadowedFiles.sorted { $0.key < $1.key }
            let named = files.prefix(3).map { "\($0.key): shadowed by compiled module \($0.value)" }
            let more = files.count > 3 ? ", and \(files.count - 3) more file\(files.count - 3 == 1 ? "" : "s")" : ""
            parts.append("\(hidden.shadowed) cycle\(hidden.shadowed == 1 ? "" : "s") in code that does not run ("
                         + named.joined(separator: "; ") + more + ")")
        }
        return parts.joined(separator: " and ") + " not shown; use --report-once-per-process (or --preview).\n"
    }

    /// Findings folded into another one because they close the same cycle (listed under it as `also
    /// closed at`, JSON `also_closed_at`, SARIF `relatedLocations`): counted so that nothing is hidden.
    static func foldedCount(_ diagnostics: [Diagnostic]) -> Int {
        diagnostics.reduce(0) { $0 + ($1.explanation?.alsoClosedAt.count ?? 0) }
    }

    static func foldedNote(_ count: Int) -> String {
        guard count > 0 else { return "" }
        return "\(count) more finding\(count == 1 ? "" : "s") folded into the \(count == 1 ? "one" : "ones") above: the same cycle closed at another line (listed as `also closed at`).\n"
    }

    /// Unsafe fixes that this run neither applies nor counts as fixable (no `--unsafe-fixes`).
    func hiddenFixCount(_ diagnostics: [Diagnostic]) -> Int {
        unsafeFixes ? 0 : diagnostics.filter { $0.fix?.applicability == .unsafe }.count
    }

    /// ruff's wording, so users of both tools recognise it.
    static func hiddenFixes(_ count: Int) -> String {
        "\(count) hidden fix\(count == 1 ? "" : "es") can be enabled with the `--unsafe-fixes` option"
    }
}

/// `--color`: whether the human formats carry ANSI colours.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// The flag beats the environment; under `auto`, a non-empty FORCE_COLOR forces colour and beats a
    /// non-empty NO_COLOR (as ruff does, https://no-color.org), else colour only on a terminal.
    func isEnabled(environment: [String: String], isTerminal: Bool) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let force = environment["FORCE_COLOR"], !force.isEmpty { return true }
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            return isTerminal
        }
    }
}
