import ArgumentParser
import Foundation
import HeapLintKit

@main
struct HeapLint: ParsableCommand {
    /// Front-end subcommands; each lives in its own file (`CheckCommand.swift`, `RuleCommand.swift`, ...).
    static let subcommandTypes: [ParsableCommand.Type] = [Check.self, RuleCommand.self, ServerCommand.self]

    static let configuration = CommandConfiguration(
        commandName: "heaplint",
        abstract: "Find memory problems in Python code from a model of CPython's heap.",
        version: HeapLintVersion.string,
        subcommands: subcommandTypes)

    /// Like `ParsableCommand.main()`, but usage errors exit with 2 (as ruff does), not 64.
    static func main() {
        do {
            var command = try parseAsRoot()
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
