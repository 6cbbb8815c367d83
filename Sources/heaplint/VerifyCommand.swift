import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapLintKit

/// `heaplint verify [PATH ...] -- COMMAND ...`: runs a Python command with the run-time harness and
/// reports which static findings its cycles confirm. The Kit runs, checks and matches; this prints.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run a Python command and confirm heaplint's cycle findings against the cycles it really leaves.",
        usage: "heaplint verify [--output-format text|json|sarif] [--fail-on KINDS] [--frames N] [PATH ...] -- COMMAND ...",
        discussion: """
            Reports confirmed findings, runtime-only cycles (HL004) and findings the run did not exercise. \
            Exit status: 1 when the report holds a kind --fail-on names (by default a confirmed finding or \
            a runtime-only cycle), else 0; 2 when COMMAND failed or on a usage error.
            """)

    @Option(name: .customLong("output-format"), help: "text, json or sarif.")
    var outputFormat: String = "text"

    @Option(name: .customLong("fail-on"), parsing: .singleValue,
            help: ArgumentHelp(
                "What makes the exit status 1: confirmed, runtime-only, not-exercised, comma-separated or "
                + "repeated, or none (default: confirmed,runtime-only).", valueName: "KINDS"))
    var failOn: [String] = []

    @Flag(name: .customLong("exit-zero"), help: "Exit 0 whatever the report holds (the same as --fail-on none).")
    var exitZero = false

    /// For the wheel's pytest plugin (`pytest --heaplint`): print the harness's Python sources as JSON.
    @Flag(name: .customLong("print-harness"), help: ArgumentHelp(visibility: .hidden))
    var printHarness = false

    // 4, not 8: tracemalloc's cost grows with the frames kept (attrs' test_dunders.py, CPU time: plain 1.5 s,
    // 1 frame 5.8 s, 4 frames 12.4 s, 8 frames 24.5 s; docs/verify-report.md), and the user's line is
    // rarely more than three library frames below the allocation.
    @Option(help: ArgumentHelp("tracemalloc frames kept per allocation (default 4; 1 is several times cheaper on large suites).", valueName: "N"))
    var frames: Int = 4

    @Flag(name: .customLong("write-report"),
          help: "Also write the JSON report to the cache directory (.heaplint_cache/verify.json), where `heaplint server` reads it to mark confirmed findings.")
    var writeReport = false

    @Option(help: "Use this configuration file (pyproject.toml or heaplint.toml) instead of discovering one.")
    var config: String?
    @Flag(help: "Ignore all configuration files.") var isolated = false

    @Argument(help: "Files or directories to check statically (default: the files the run-time cycles name).")
    var paths: [String] = []

    /// The command after `--`: `HeapLint.parseCommand` takes it out of the arguments before
    /// ArgumentParser sees them (ArgumentParser cannot take a path list and a terminated list both).
    var command: [String] = []

    enum CodingKeys: String, CodingKey { case outputFormat, failOn, exitZero, printHarness, frames, config, isolated, paths, writeReport }

    /// The report kinds `--fail-on` accepts.
    static let failKinds = ["confirmed", "runtime-only", "not-exercised"]

    /// The kinds that make the exit status 1; `none` alone clears them.
    func failingKinds() throws -> Set<String> {
        if exitZero { return [] }
        let given = failOn.flatMap { $0.split(separator: ",") }.map { $0.trimmingWhitespace() }
        if given.isEmpty { return ["confirmed", "runtime-only"] }
        if given == ["none"] { return [] }
        for kind in given where !Self.failKinds.contains(kind) {
            throw ValidationError(kind == "none"
                ? "--fail-on none cannot be combined with other kinds"
                : "--fail-on takes confirmed, runtime-only, not-exercised or none, not `\(kind)`")
        }
        return Set(given)
    }

    func validate() throws {
        guard ["text", "json", "sarif"].contains(outputFormat) else {
            throw ValidationError("--output-format must be text, json or sarif")
        }
        guard frames > 0 else { throw ValidationError("--frames must be a positive integer") }
        _ = try failingKinds()
    }

    func run() throws {
        if printHarness {
            writeStdout(try JSONText.string(VerifyRunner.harnessSources, options: [.sortedKeys]) + "\n")
            return
        }
        guard !command.isEmpty else {
            printError("give the command to run after `--`: heaplint verify [PATH ...] -- COMMAND ...")
            throw ExitCode(2)
        }
        let base: Configuration
        do {
            if isolated {
                base = .isolated()
            } else if let config {
                base = try Configuration.load(file: config)
            } else {
                let found = try Configuration.load(forPath: paths.first ?? ".")
                base = found.configFile == nil ? .isolated() : found
            }
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(2)
        }
        let outcome: VerifyRunner.Outcome
        do {
            outcome = try VerifyRunner(command: command, frames: frames).run()
        } catch {
            printError("cannot run \(command.joined(separator: " ")): \(error)")
            throw ExitCode(2)
        }
        let cycles = outcome.records.flatMap(\.cycles)
        // Validated in `HeapLint.main` (a malformed value exits 2 before the command runs).
        let budget = (try? ParseBudget.fromEnvironment(ProcessInfo.processInfo.environment).get()) ?? .standard
        let report = VerifyMatcher(base: base, parseBudget: budget).report(paths: paths, cycles: cycles)
        switch outputFormat {
        case "json": writeStdout(report.renderJSON(command: command, commandStatus: outcome.status, records: outcome.records))
        case "sarif": writeStdout(report.renderSARIF(command: command, commandStatus: outcome.status, records: outcome.records))
        default: writeStdout(report.renderText(commandStatus: outcome.status))
        }
        if writeReport {
            let json = report.renderJSON(command: command, commandStatus: outcome.status, records: outcome.records)
            switch VerifyReportFile.write(json, configuration: base) {
            case .success(let path): StandardStream.writeError("heaplint: verify report written to \(path)\n".utf8)
            case .failure(let error): printWarning(error.description)
            }
        }
        if outcome.records.isEmpty && outcome.status == 0 {
            printWarning("no Python process of the command reported (is it a CPython program? "
                         + "`python -S` and `python -I` skip sitecustomize)")
        }
        for record in outcome.records {
            if let error = record.error { printWarning("the harness failed in process \(record.pid): \(error)") }
            for note in record.notes ?? [] { printWarning("process \(record.pid): \(note)") }
        }
        if outcome.unreadableRecords > 0 {
            printWarning("\(outcome.unreadableRecords) process report(s) could not be read")
        }
        if outcome.status != 0 {
            printError("the command exited with status \(outcome.status)")
            throw ExitCode(2)
        }
        let failing = try failingKinds()
        if (failing.contains("confirmed") && !report.confirmed.isEmpty)
            || (failing.contains("runtime-only") && !report.runtimeOnly.isEmpty)
            || (failing.contains("not-exercised") && !report.notExercised.isEmpty) {
            throw ExitCode(1)
        }
    }
}
