import ArgumentParser
import Foundation
import HeapLintKit

/// `heaplint verify [PATH ...] -- COMMAND ...`: runs a Python command with the run-time harness and
/// reports which static findings its cycles confirm. The Kit runs, checks and matches; this prints.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run a Python command and confirm heaplint's cycle findings against the cycles it really leaves.",
        usage: "heaplint verify [--output-format text|json] [--frames N] [PATH ...] -- COMMAND ...",
        discussion: """
            Reports confirmed findings, runtime-only cycles (HL004) and findings the run did not exercise. \
            Exit status: 0 nothing confirmed and no runtime-only cycle, 1 otherwise, 2 when COMMAND failed \
            or on a usage error.
            """)

    @Option(name: .customLong("output-format"), help: "text or json.")
    var outputFormat: String = "text"

    @Option(help: ArgumentHelp("tracemalloc frames kept per allocation.", valueName: "N"))
    var frames: Int = 8

    @Option(help: "Use this configuration file (pyproject.toml or heaplint.toml) instead of discovering one.")
    var config: String?
    @Flag(help: "Ignore all configuration files.") var isolated = false

    @Argument(help: "Files or directories to check statically (default: the files the run-time cycles name).")
    var paths: [String] = []

    /// The command after `--`: `HeapLint.parseCommand` takes it out of the arguments before
    /// ArgumentParser sees them (ArgumentParser cannot take a path list and a terminated list both).
    var command: [String] = []

    enum CodingKeys: String, CodingKey { case outputFormat, frames, config, isolated, paths }

    func validate() throws {
                guard ["text", "json"].contains(outputFormat) else { throw ValidationError("--output-format must be text or json") }
        guard frames > 0 else { throw ValidationError("--frames must be a positive integer") }
    }

    func run() throws {
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
            printError("cannot run \(command.joined(separator: " ")): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        let cycles = outcome.records.flatMap(\.cycles)
        let report = VerifyMatcher(base: base).report(paths: paths, cycles: cycles)
        writeStdout(outputFormat == "json"
            ? report.renderJSON(command: command, commandStatus: outcome.status, records: outcome.records)
            : report.renderText(commandStatus: outcome.status))
        if outcome.records.isEmpty && outcome.status == 0 {
            printWarning("no Python process of the command reported (is it a CPython program? "
                         + "`python -S` and `python -I` skip sitecustomize)")
        }
        for record in outcome.records {
            if let error = record.error { printWarning("the harness failed in process \(record.pid): \(error)") }
        }
        if outcome.unreadableRecords > 0 {
            printWarning("\(outcome.unreadableRecords) process report(s) could not be read")
        }
        if outcome.status != 0 {
            printError("the command exited with status \(outcome.status)")
            throw ExitCode(2)
        }
        if !report.confirmed.isEmpty || !report.runtimeOnly.isEmpty { throw ExitCode(1) }
    }
}
