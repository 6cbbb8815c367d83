import ArgumentParser
import Foundation
import HeapDiagnostics
import HeapLintKit
import HeapRules
import HeapSyntax

@main
struct HeapLint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heaplint",
        abstract: "Find memory problems in Python code from a model of CPython's heap.",
        version: HeapDiagnosticsInfo.version,
        subcommands: [Check.self, RuleCommand.self])
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check Python files for memory problems.")

    @Argument(help: "Files or directories to check.") var paths: [String] = ["."]

    func run() throws {
        let analyzer = Analyzer(rules: RuleRegistry.all)
        var count = 0
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let result = analyzer.analyze(source: SourceText(bytes: [UInt8](data)), path: path)
            for d in result.diagnostics {
                print("\(d.path):\(d.start.line + 1):\(d.start.scalarColumn + 1): \(d.code) \(d.message)")
                count += 1
            }
        }
        if count > 0 { throw ExitCode(1) }
    }
}
