import ArgumentParser
import Foundation
import HeapLintKit

@main
struct HeapLint: ParsableCommand {
    /// Front-end subcommands; each lives in its own file (`CheckCommand.swift`, `RuleCommand.swift`, ...).
    static let subcommandTypes: [ParsableCommand.Type] = [Check.self, VerifyCommand.self, RuleCommand.self, ServerCommand.self]

    static let configuration = CommandConfiguration(
        commandName: "heaplint",
        abstract: "Find memory problems in Python code from a model of CPython's heap.",
        version: HeapLintVersion.string,
        subcommands: subcommandTypes)

    /// Like `ParsableCommand.main()`, but usage errors exit with 2 (as ruff does), not 64.
    static func main() {
        do {
            var command = try parseCommand()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
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
        let arguments = Array(CommandLine.arguments.dropFirst())
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

/// Prints `heaplint: error: ...` on stderr.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("heaplint: error: \(message)\n".utf8))
}

func printWarning(_ message: String) {
    FileHandle.standardError.write(Data("heaplint: warning: \(message)\n".utf8))
}

func writeStdout(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardOutput.write(Data(text.utf8))
}
