import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapLintKit

@main
struct HeapLint: ParsableCommand {
    /// Front-end subcommands; each lives in its own file (`CheckCommand.swift`, `RuleCommand.swift`, ...).
    static let subcommandTypes: [ParsableCommand.Type] = [Check.self, ExplainCommand.self, VerifyCommand.self, RuleCommand.self, ServerCommand.self,
                                                                 CleanCommand.self, VersionCommand.self]

    static let configuration = CommandConfiguration(
        commandName: "heaplint",
        abstract: "Find memory problems in Python code from a model of CPython's heap.",
        version: HeapLintVersion.line,
        subcommands: subcommandTypes)

    /// Like `ParsableCommand.main()`, but usage errors exit with 2 (as ruff does), not 64.
    static func main() {
        do {
            var command = try parseCommand()
            // `check` and `explain` (with --parse-timeout) and `server` check the parse budget's variables
            // themselves; `verify` parses files too and takes HEAPLINT_PARSE_TIMEOUT from the environment
            // (`VerifyCommand.parseBudget`): a malformed value is a usage error before anything runs.
            if !(command is Check || command is ServerCommand) {
                switch ParseBudget.fromEnvironment(ProcessInfo.processInfo.environment) {
                case .success: break
                case .failure(let error):
                    StandardStream.writeError("heaplint: \(error.message)\n".utf8)
                    Self.exit(withError: ExitCode(2))
                }
            }
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                StandardStream.writeError((styledUsageMessage(fullMessage(for: error)) + "\n").utf8)
                #if canImport(Glibc)
                Glibc.exit(2)
                #else
                Darwin.exit(2)
                #endif
            }
            exit(withError: error)
        }
    }
}

extension HeapLint {
    /// The command line, parsed. A long path list given to `check` is taken out of the arguments
    /// before ArgumentParser sees them and put back into the parsed command (see
    /// `Check.separatingOperands`); every other command line goes to ArgumentParser as it is.
    static func parseCommand() throws -> ParsableCommand {
        var arguments = Array(CommandLine.arguments.dropFirst())
        // ruff's short form; ArgumentParser only knows the long `--version`.
        if arguments == ["-V"] { arguments = ["--version"] }
        if arguments.first == "verify", let terminator = arguments.firstIndex(of: "--") {
            let command = try parseAsRoot(Array(arguments[..<terminator]))
            guard var verify = command as? VerifyCommand else { return command }  // `--help`
            verify.command = Array(arguments[(terminator + 1)...])
            return verify
        }
        guard arguments.first == "check", arguments.count > 128,
              let (options, operands) = Check.separatingOperands(Array(arguments.dropFirst())),
              operands.count > 64 else { return try parseAsRoot(arguments) }
        let command = try parseAsRoot(["check"] + options)
        guard var check = command as? Check else { return command }  // `--help`, `--version`
        check.paths = operands
        return check
    }
}

/// `heaplint version`: the same line as `heaplint --version` (as `ruff version` is).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() throws { print(HeapLintVersion.line) }
}

/// ArgumentParser's "Error: Unknown option ..." in heaplint's one error style, "heaplint: error: unknown
/// option ...", so scripts and people see the same prefix for every usage error; the usage lines stay.
func styledUsageMessage(_ message: String) -> String {
    guard message.hasPrefix("Error: ") else { return message }
    var rest = message.dropFirst("Error: ".count)
    // Lower-case the first word as ruff does, unless it is an acronym or a flag.
    if let first = rest.first, first.isUppercase, rest.dropFirst().first?.isLowercase == true {
        rest = first.lowercased() + rest.dropFirst()
    }
    return "heaplint: error: " + rest
}

/// A command line that parses but asks for something contradictory (exit 2).
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Prints `heaplint: error: ...` on stderr.
func printError(_ message: String) {
    StandardStream.writeError("heaplint: error: \(message)\n".utf8)
}

func printWarning(_ message: String) {
    StandardStream.writeError("heaplint: warning: \(message)\n".utf8)
}

func writeStdout(_ text: String) {
    guard !text.isEmpty else { return }
    StandardStream.writeOutput(text.utf8)
}

/// `heaplint clean`: removes the project's cache (as `ruff clean` does), and only a cache heaplint made.
struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Remove the project's cache directory (.heaplint_cache, or the one configured).")

    @Option(name: .customLong("cache-dir"), help: "The cache directory to remove (default: the project's; also HEAPLINT_CACHE_DIR).")
    var cacheDir: String?

    @Option(help: "The configuration file to read (default: the one found from the path).")
    var config: String?

    @Flag(help: "Ignore every configuration file.")
    var isolated = false

    @Argument(help: "A path in the project (default: the current directory).")
    var path: String?

    func run() throws {
        var arguments: [String] = []
        if let cacheDir { arguments += ["--cache-dir", cacheDir] }
        if let config { arguments += ["--config", config] }
        if isolated { arguments.append("--isolated") }
        let check = try Check.parse(arguments)
        let configuration = try check.resolveConfiguration(paths: [path ?? "."])
        switch CacheCleaning.clean(directory: configuration.cacheDirectory) {
        case .removed(let directory): print("Removed the cache at \(directory)")
        case .absent(let directory): print("No cache at \(directory)")
        case let .refused(directory, reason):
            StandardStream.writeError("heaplint: error: not removing \(directory): \(reason)\n".utf8)
            throw ExitCode(1)
        }
    }
}
