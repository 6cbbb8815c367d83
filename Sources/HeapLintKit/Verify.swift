#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapSyntax

// `heaplint verify`: run a Python command with the run-time harness (VerifyHarness.swift), then match
// the cyclic garbage it really left to the static HL1/HL2 findings on the same files.

/// A source line that allocated a run-time object (a frame of its tracemalloc traceback in the user's files).
public struct RuntimeSite: Codable, Hashable, Sendable {
    public let file: String
    public let line: Int
}

/// One object of a run-time cycle, as the harness describes it.
public struct RuntimeObject: Codable, Sendable {
    public let index: Int
    /// Its type: `Node`, `list`, `frame`, `pkg.mod.Class` (module-qualified unless builtins or `__main__`).
    public let type: String
    /// A function's qualname or a frame's code name.
    public let name: String?
    public let file: String?
    public let line: Int?
    /// Every user-file frame of its allocation traceback, innermost first.
    public let sites: [RuntimeSite]?
    /// The file defining its class, function or frame code.
    public let definedIn: String?
    /// Set when it was allocated in code compiled at run time (`<string>` for exec/eval, as dataclasses'
    /// `__init__` and namedtuple's `__new__` are; `<attrs generated init …>`; a code-object file name no
    /// file has): that code's file name. `file`/`line` are then the user's line that called into it.
    public let generated: String?

    enum CodingKeys: String, CodingKey {
        case index, type, name, file, line, sites, generated
        case definedIn = "defined_in"
    }

    /// `list at tree.py:12`, or for an object made in generated code
    /// `list at tree.py:12 (allocated in generated code <string>, called from that line)`.
    func allocation(at location: String) -> String {
        guard let generated else { return "\(label) at \(location)" }
        return "\(label) at \(location) (allocated in generated code \(generated), called from that line)"
    }

    /// How the object reads in a path: `Node`, `frame of fail`, `function rec`.
    public var label: String {
        let short = type.split(separator: ".").last.map(String.init) ?? type
        if let name, type == "frame" { return "frame of \(name)" }
        if let name, type == "function" || type == "generator" || type == "coroutine" { return "\(type) \(name)" }
        return short
    }
}

/// One edge around a run-time cycle: `objects[from]` refers to `objects[to]` through the slot `via`
/// (`.attr`, `[0]`, `['key']`, `.__self__`, `.cell_contents`, `.tb_frame`, `.f_locals['x']`, ...).
public struct RuntimeStep: Codable, Sendable {
    public let from: Int
    public let via: String
    public let to: Int
}

/// A strongly connected component of the garbage one process left to the cyclic collector.
public struct RuntimeCycle: Codable, Sendable {
    public let objects: [RuntimeObject]
    public let path: [RuntimeStep]
    /// Under pytest, the node id of the (first, by name) test that left it (`tests/test_x.py::test_name`).
    public let test: String?
    /// How many times the run left this cycle (the same path and allocation lines): the harness folds
    /// repeats into one summary. Absent in records of older harnesses: once.
    public let count: Int?
    /// Under pytest, each test that left it and how many times (at most 100 tests named).
    public let tests: [String: Int]?
    /// Times it was left by tests beyond the 100 named.
    public let testsMore: Int?
    /// The component's size when `objects` lists only some of its objects (the harness's listing cap).
    public let objectsTotal: Int?

    enum CodingKeys: String, CodingKey {
        case objects, path, test, count, tests
        case testsMore = "tests_more"
        case objectsTotal = "objects_total"
    }

    /// Times seen, at least 1.
    public var occurrences: Int { max(count ?? 1, 1) }

    func object(_ index: Int) -> RuntimeObject? { objects.first { $0.index == index } }

    /// `Tree.children → list[0] → Node.tree → Tree`.
    public var pathSummary: String {
        guard let first = path.first, let start = object(first.from) else {
            return objects.map(\.label).joined(separator: ", ")
        }
        var text = start.label
        for step in path {
            text += step.via + " → " + (object(step.to)?.label ?? "?")
        }
        return text
    }

    /// The files the cycle touches: allocation sites and the files defining its classes and code.
    var files: Set<String> {
        var files = Set<String>()
        for object in objects {
            for site in object.sites ?? [] { files.insert(site.file) }
            if let file = object.definedIn { files.insert(file) }
        }
        return files
    }

    /// The first allocation site in the user's files, where the runtime-only report points.
    public var primarySite: RuntimeSite? {
        objects.compactMap { o in o.file.flatMap { f in o.line.map { RuntimeSite(file: f, line: $0) } } }
            .min { ($0.file, $0.line) < ($1.file, $1.line) }
    }
}

/// What one Python process of the command wrote (one JSON line per process).
public struct RuntimeRecord: Codable, Sendable {
    public let pid: Int
    public let python: String
    public let argv: [String]
    public let tracemalloc: Bool
    public let cycles: [RuntimeCycle]
    public let noiseCycles: Int
    /// Set when the harness itself failed in this process (its cycles are then missing).
    public let error: String?
    /// Garbage objects the harness analysed over the run, in how many flushes, and the most it held
    /// pending at once (what per-test and periodic flushing keeps bounded).
    public let garbage: Int?
    public let flushes: Int?
    public let retainedMax: Int?
    /// What the harness could not do fully (a cap it hit, no periodic flush), for the user to read.
    public let notes: [String]?

    enum CodingKeys: String, CodingKey {
        case pid, python, argv, tracemalloc, cycles, error, garbage, flushes, notes
        case noiseCycles = "noise_cycles"
        case retainedMax = "retained_max"
    }
}

/// Runs the command under the harness.
public struct VerifyRunner: Sendable {
    public let command: [String]
    /// tracemalloc frames kept per allocation.
    public let frames: Int

    public init(command: [String], frames: Int = 4) {
        self.command = command
        self.frames = frames
    }

    public struct Outcome: Sendable {
        /// The command's exit status (128 + n when a signal ended it).
        public let status: Int32
        public let records: [RuntimeRecord]
        /// Lines of the report file that did not decode (a process killed while writing).
        public let unreadableRecords: Int
    }

    /// The harness's Python sources, for `pytest --heaplint` (the wheel's `heaplint.pytest_plugin` asks
    /// the binary for them with `heaplint verify --print-harness`, so there is one copy of the code).
    public static var harnessSources: [String: String] {
        ["sitecustomize": VerifyHarness.sitecustomize, "pytest_plugin": VerifyHarness.pytestPlugin,
         "pytest_plugin_module": VerifyHarness.pytestPluginModule]
    }

    /// The command's stdout and stderr go to heaplint's stderr, so heaplint's stdout holds only the report.
    public func run() throws -> Outcome {
        let fileManager = FileManager.default
        let directory = fileManager.temporaryDirectory
            .appendingPathComponent("heaplint-verify-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: directory) }
        let harness = directory.appendingPathComponent("sitecustomize.py")
        try VerifyHarness.sitecustomize.write(to: harness, atomically: true, encoding: .utf8)
        let plugin = directory.appendingPathComponent(VerifyHarness.pytestPluginModule + ".py")
        try VerifyHarness.pytestPlugin.write(to: plugin, atomically: true, encoding: .utf8)
        let report = directory.appendingPathComponent("report.jsonl")

        var environment = ProcessInfo.processInfo.environment
        let existing = environment["PYTHONPATH"].map { $0.isEmpty ? "" : ":" + $0 } ?? ""
        environment["PYTHONPATH"] = directory.path + existing
        environment["HEAPLINT_VERIFY_OUT"] = report.path
        environment["HEAPLINT_VERIFY_FRAMES"] = String(frames)
        // pytest imports the modules PYTEST_PLUGINS names at start-up: per-test attribution and the marker.
        let plugins = environment["PYTEST_PLUGINS"].map { $0.isEmpty ? "" : "," + $0 } ?? ""
        environment["PYTEST_PLUGINS"] = VerifyHarness.pytestPluginModule + plugins

        let status = try Subprocess.runWithStdoutOnStderr("/usr/bin/env", arguments: command, environment: environment)

        var records: [RuntimeRecord] = []
        var unreadable = 0
        if let data = fileManager.contents(atPath: report.path) {
            let decoder = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                if let record = try? decoder.decode(RuntimeRecord.self, from: Data(line)) {
                    records.append(record)
                } else {
                    unreadable += 1
                }
            }
        }
        return Outcome(status: status, records: records, unreadableRecords: unreadable)
    }
}

/// The static side and the matching.
public struct VerifyMatcher: Sendable {
    public let configuration: Configuration
    public let parseBudget: ParseBudget

    /// HL1 and HL2 with preview rules: the families whose findings are cycles the harness can see.
    public init(base: Configuration, parseBudget: ParseBudget = .standard) {
        var options = Options()
        options.select = ["HL1", "HL2"]
        options.preview = true
        configuration = base.overlaid(with: options)
        self.parseBudget = parseBudget
    }

    public struct Confirmed: Sendable {
        public let diagnostic: Diagnostic
        public let cycles: [RuntimeCycle]
    }

    public struct Report: Sendable {
        public let confirmed: [Confirmed]
        public let runtimeOnly: [RuntimeCycle]
        public let notExercised: [Diagnostic]
        public let checkedFiles: [String]
        /// The confirmed and not-exercised findings with the sources they point into, as `check`'s
        /// renderers take them (SARIF).
        public let staticReport: DiagnosticReport
    }

    /// The files to check: the given paths, else every existing Python file the cycles name.
    public func files(paths: [String], cycles: [RuntimeCycle]) -> [DiscoveredFile] {
        var named = paths
        if named.isEmpty {
            named = cycles.flatMap(\.files).filter { $0.hasSuffix(".py") && FileManager.default.fileExists(atPath: $0) }
            named = Array(Set(named)).sorted()
        }
        return FileDiscovery(configuration: configuration).files(in: named)
    }

    public func report(paths: [String], cycles: [RuntimeCycle]) -> Report {
        let files = files(paths: paths, cycles: cycles)
        let results = ProjectCheck(analyzer: Analyzer(configuration: configuration, parseBudget: parseBudget)).run(files)
        var sources: [String: SourceText] = [:]
        for result in results { if let source = result.source { sources[result.path] = source } }
        let diagnostics = results.flatMap(\.diagnostics).filter { $0.code.hasPrefix("HL1") || $0.code.hasPrefix("HL2") }
            .sorted(by: Diagnostic.ordered)

        var confirmed: [Confirmed] = [], notExercised: [Diagnostic] = []
        var matchedCycles = Set<Int>()
        for diagnostic in diagnostics {
            let evidence = Evidence(diagnostic, source: sources[diagnostic.path])
            let hits = cycles.indices.filter { evidence.matches(cycles[$0]) }
            if hits.isEmpty {
                notExercised.append(diagnostic)
            } else {
                matchedCycles.formUnion(hits)
                confirmed.append(Confirmed(diagnostic: diagnostic, cycles: hits.map { cycles[$0] }))
            }
        }
        let runtimeOnly = cycles.indices.filter { !matchedCycles.contains($0) }.map { cycles[$0] }
        var staticReport = DiagnosticReport(results: results)
        staticReport = DiagnosticReport(diagnostics: diagnostics, sources: staticReport.sources,
                                        checkedPaths: staticReport.checkedPaths, absolutePaths: staticReport.absolutePaths,
                                        ruleURLBase: configuration.ruleURLBase, notebookCells: staticReport.notebookCells)
        return Report(confirmed: confirmed, runtimeOnly: runtimeOnly, notExercised: notExercised,
                      checkedFiles: results.map(\.path), staticReport: staticReport)
    }

    /// What a static finding says about the cycle it predicts, in terms the run time can confirm.
    struct Evidence {
        let file: String
        /// The finding's line and the lines of its reference path (the stores that close the cycle).
        let lines: Set<Int>
        /// Attribute names on its path (`parent`, `children`).
        let attributes: Set<String>
        /// Identifiers naming the path's objects (`Node`, `fail` of `frame of fail()`).
        let names: Set<String>

        init(_ diagnostic: Diagnostic, source: SourceText?) {
            file = VerifyMatcher.realPath(diagnostic.path)
            var lines: Set<Int> = [diagnostic.row]
            var attributes = Set<String>(), names = Set<String>()
            for step in diagnostic.explanation?.path ?? [] {
                if let line = step.line {
                    lines.insert(line)
                } else if let site = step.site, let source {
                    lines.insert(source.position(of: site.start).line + 1)
                }
                if VerifyMatcher.isIdentifier(step.via) { attributes.insert(step.via) }
                for text in [step.from, step.to] { names.formUnion(VerifyMatcher.identifiers(in: text)) }
            }
            self.lines = lines
            self.attributes = attributes
            self.names = names.subtracting(VerifyMatcher.genericNames)
        }

        /// Same file, and a shared line (an allocation site of the cycle is a line of the finding), a
        /// shared attribute slot, or a shared class or function name. Allocation sites alone are not
        /// enough: tracemalloc records where an object was created (often the caller), not where the
        /// store closing the cycle ran, and container objects reused from CPython's free lists have none.
        func matches(_ cycle: RuntimeCycle) -> Bool {
            guard cycle.files.contains(file) else { return false }
            for object in cycle.objects {
                for site in object.sites ?? [] where site.file == file && lines.contains(site.line) { return true }
            }
            for step in cycle.path {
                let slot = step.via.hasPrefix(".") ? String(step.via.dropFirst()) : ""
                if attributes.contains(slot) { return true }
            }
            for object in cycle.objects where object.definedIn == file {
                let short = object.type.split(separator: ".").last.map(String.init) ?? object.type
                if names.contains(short) { return true }
                if let name = object.name?.split(separator: ".").last, names.contains(String(name)) { return true }
            }
            return false
        }
    }

    /// Words of heaplint's path labels that name no user object.
    static let genericNames: Set<String> = [
        "frame", "of", "list", "dict", "set", "tuple", "deque", "function", "closure", "cell", "traceback",
        "exception", "generator", "coroutine", "bound", "method", "self", "instance", "object", "the", "a",
        "partial", "lambda", "thread", "task", "future", "handle",
    ]

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || isLetterOrMark(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || isLetterOrMark($0) || isNumberCategory($0) }
    }

    static func identifiers(in text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init).filter { isIdentifier($0) }
    }

    /// Absolute, symlinks resolved: the harness writes `os.path.realpath` names.
    public static func realPath(_ path: String) -> String {
        URL(fileURLWithPath: Configuration.absolutePath(path)).resolvingSymlinksInPath().path
    }
}

extension VerifyMatcher.Report {
    /// Paths relative to the working directory when below it, as `check` prints them.
    static func display(_ path: String) -> String {
        let cwd = VerifyMatcher.realPath(FileManager.default.currentDirectoryPath) + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    static func runtimeOnlyMessage(_ cycle: RuntimeCycle) -> String {
        "Reference cycle seen at run time that static analysis did not find: \(cycle.pathSummary)"
    }

    /// ` (left by test t)`, or for a cycle left more than once ` (3 times, left by tests a, b)`.
    static func testSuffix(_ cycle: RuntimeCycle) -> String {
        let times = cycle.occurrences > 1 ? "\(cycle.occurrences) times" : ""
        let tests = (cycle.tests?.keys.sorted() ?? cycle.test.map { [$0] } ?? [])
        var named = tests.prefix(5).joined(separator: ", ")
        if tests.count > 5 || (cycle.testsMore ?? 0) > 0 { named += ", …" }
        let who = tests.isEmpty ? "" : (tests.count == 1 ? "left by test " : "left by tests ") + named
        let parts = [times, who].filter { !$0.isEmpty }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    static func allocationSummary(_ cycle: RuntimeCycle) -> String {
        let sites = cycle.objects.compactMap { o -> String? in
            guard let file = o.file, let line = o.line else { return nil }
            return o.allocation(at: "\(display(file)):\(line)")
        }
        return sites.isEmpty ? "no allocation site recorded" : "allocated: " + sites.joined(separator: ", ")
    }

    public func renderText(commandStatus: Int32) -> String {
        var out = ""
        for item in confirmed {
            let d = item.diagnostic
            out += "\(d.path):\(d.row):\(d.column): \(d.code) [confirmed] \(d.message)\n"
            for cycle in item.cycles {
                out += "    seen at run time: \(cycle.pathSummary)\(Self.testSuffix(cycle))\n"
            }
        }
        for cycle in runtimeOnly {
            let site = cycle.primarySite
            let location = site.map { "\(Self.display($0.file)):\($0.line):1" } ?? "<unknown>:1:1"
            out += "\(location): HL004 [runtime-only] \(Self.runtimeOnlyMessage(cycle))\n"
            out += "    \(Self.allocationSummary(cycle))\(Self.testSuffix(cycle))\n"
        }
        for d in notExercised {
            out += "\(d.path):\(d.row):\(d.column): \(d.code) [not exercised] \(d.message)\n"
        }
        out += "Verified: \(confirmed.count) confirmed, \(runtimeOnly.count) runtime-only, "
            + "\(notExercised.count) not exercised (command exited with \(commandStatus)).\n"
        return out
    }

    /// A run-time cycle as JSON: its objects, path steps, test, and the path as one line (`summary`).
    static func cycleObject(_ cycle: RuntimeCycle) -> [String: Any] {
        let data = (try? JSONEncoder().encode(cycle)) ?? Data("{}".utf8)
        var object = (try? JSONText.parse(data)) as? [String: Any] ?? [:]
        object["summary"] = cycle.pathSummary
        return object
    }

    public func renderJSON(command: [String], commandStatus: Int32, records: [RuntimeRecord]) -> String {
        func location(_ d: Diagnostic) -> [String: Any] { ["row": d.row, "column": d.column] }
        let cycleObject = Self.cycleObject
        func diagnosticObject(_ d: Diagnostic) -> [String: Any] {
            ["code": d.code, "message": d.message, "filename": Configuration.absolutePath(d.path), "location": location(d)]
        }
        let object: [String: Any] = [
            "command": ["argv": command, "exit_code": Int(commandStatus)],
            "processes": records.map { ["pid": $0.pid, "python": $0.python, "argv": $0.argv,
                                        "tracemalloc": $0.tracemalloc, "cycles": $0.cycles.reduce(0) { $0 + $1.occurrences },
                                        "noise_cycles": $0.noiseCycles,
                                        "garbage": $0.garbage.map { $0 as Any } ?? JSONNull(),
                                        "flushes": $0.flushes.map { $0 as Any } ?? JSONNull(),
                                        "retained_max": $0.retainedMax.map { $0 as Any } ?? JSONNull(),
                                        "notes": $0.notes ?? [],
                                        "error": $0.error.map { $0 as Any } ?? JSONNull()] as [String: Any] },
            "confirmed": confirmed.map { item -> [String: Any] in
                var o = diagnosticObject(item.diagnostic)
                o["cycles"] = item.cycles.map(cycleObject)
                return o
            },
            "runtime_only": runtimeOnly.map { cycle -> [String: Any] in
                var o = cycleObject(cycle)
                o["code"] = "HL004"
                o["message"] = Self.runtimeOnlyMessage(cycle)
                o["filename"] = cycle.primarySite.map { $0.file as Any } ?? JSONNull()
                o["location"] = cycle.primarySite.map { ["row": $0.line, "column": 1] as Any } ?? JSONNull()
                return o
            },
            "not_exercised": notExercised.map(diagnosticObject),
            "checked_files": checkedFiles.map { Configuration.absolutePath($0) }.sorted(),
        ]
        return ((try? JSONText.string(object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? "{}") + "\n"
    }

    /// SARIF 2.1.0: `check`'s log of the HL1/HL2 findings (same rules, locations, related locations and
    /// fingerprints), each result with `properties.verification` `confirmed` (and the run-time cycles
    /// that matched it) or `not-exercised`, followed by one HL004 result per runtime-only cycle, located
    /// at its first allocation site in the user's files, with the allocation sites of its objects as
    /// related locations and the reference path in its properties.
    public func renderSARIF(command: [String], commandStatus: Int32, records: [RuntimeRecord]) -> String {
        var log = Renderer.sarifLog(staticReport)
        guard var runs = log["runs"] as? [[String: Any]], var run = runs.first else {
            return Renderer.serializeJSON(log) + "\n"
        }
        var confirmedCycles: [Diagnostic: [RuntimeCycle]] = [:]
        for item in confirmed { confirmedCycles[item.diagnostic] = item.cycles }
        var results = run["results"] as? [[String: Any]] ?? []
        for (index, d) in staticReport.diagnostics.enumerated() where index < results.count {
            var properties = results[index]["properties"] as? [String: Any] ?? [:]
            if let cycles = confirmedCycles[d] {
                properties["verification"] = "confirmed"
                properties["runtimeCycles"] = cycles.map(Self.cycleObject)
            } else {
                properties["verification"] = "not-exercised"
            }
            results[index]["properties"] = properties
        }

        let driver = (run["tool"] as? [String: Any])?["driver"] as? [String: Any]
        let ruleIDs = (driver?["rules"] as? [[String: Any]] ?? []).map { $0["id"] as? String }
        let ruleIndex = ruleIDs.firstIndex(of: "HL004")
        var seen: [String: Int] = [:]
        for cycle in runtimeOnly {
            var result: [String: Any] = [
                "ruleId": "HL004",
                "level": "warning",
                "message": ["text": Self.runtimeOnlyMessage(cycle) + Self.testSuffix(cycle)],
            ]
            if let ruleIndex { result["ruleIndex"] = ruleIndex }
            if let site = cycle.primarySite {
                result["locations"] = [["physicalLocation": [
                    "artifactLocation": Renderer.sarifArtifactLocation(Self.display(site.file), report: staticReport),
                    "region": ["startLine": site.line],
                ]]]
            }
            var related: [[String: Any]] = []
            for object in cycle.objects {
                guard let file = object.file, let line = object.line else { continue }
                related.append([
                    "id": related.count,
                    "message": ["text": "allocated \(object.label) (object \(object.index) of the cycle)"
                                + (object.generated.map { " in generated code \($0), called from this line" } ?? "")],
                    "physicalLocation": [
                        "artifactLocation": Renderer.sarifArtifactLocation(Self.display(file), report: staticReport),
                        "region": ["startLine": line],
                    ],
                ])
            }
            if !related.isEmpty { result["relatedLocations"] = related }
            // Line numbers stay out of the fingerprint (as in `check`): the file and the path identify it.
            let key = "HL004\u{0}\(cycle.primarySite.map { Self.display($0.file) } ?? "")\u{0}\(cycle.pathSummary)"
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            result["partialFingerprints"] = [Renderer.sarifFingerprintKey: Renderer.fingerprint("\(key)\u{0}\(occurrence)")]
            var properties = Self.cycleObject(cycle)
            properties["verification"] = "runtime-only"
            result["properties"] = properties
            results.append(result)
        }
        run["results"] = results

        // The invocation is the verify run: it succeeded when the command did; the command is a property.
        if var invocations = run["invocations"] as? [[String: Any]], !invocations.isEmpty {
            invocations[0]["executionSuccessful"] = commandStatus == 0
            invocations[0]["properties"] = [
                "command": command, "commandExitCode": Int(commandStatus),
                "processes": records.count,
                "verified": ["confirmed": confirmed.count, "runtimeOnly": runtimeOnly.count,
                             "notExercised": notExercised.count],
            ] as [String: Any]
            run["invocations"] = invocations
        }
        runs[0] = run
        log["runs"] = runs
        return Renderer.serializeJSON(log) + "\n"
    }
}
