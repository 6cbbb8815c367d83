import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapLintKit

/// `heaplint explain FILE:LINE[:COL]`: checks FILE and draws the reference path of each finding on that
/// line, as terminal text art (default) or Graphviz DOT (`--format dot`).
///
/// Exit status: 0 when it explained something and also when nothing is reported at that line (a clean
/// line is no error, as a clean `check` exits 0; the note goes to stderr so `--format dot` output stays
/// valid); 2 for a usage error: no such file, a line that is not in the file, a malformed location.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Draw the reference path of the finding(s) at FILE:LINE[:COL].",
        discussion: """
        Checks FILE with the configured rules and prints each finding on LINE (with COL, the findings \
        whose range holds that column, else all on the line): the objects as boxes, the slots that hold \
        them as labelled arrows, the edge that closes the cycle marked, then the size, how CPython frees \
        it and the remedy. `--format dot` prints Graphviz DOT instead (render it with `dot -Tsvg`).
        Exit status: 0 explained, or nothing reported at that line (said on stderr); 2 usage error \
        (no such file, LINE not in the file).
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, dot }

    @Argument(help: ArgumentHelp("The place to explain: a file, a 1-based line and optionally a 1-based column.",
                                 valueName: "FILE:LINE[:COL]"))
    var location: String

    @Option(help: "text (boxes and arrows for a terminal) or dot (Graphviz).") var format: Format = .text
    @Option(help: ArgumentHelp("Rule codes or prefixes to enable (replaces the configured selection); comma-separated.", valueName: "CODES"))
    var select: [String] = []
    @Option(help: "Use this configuration file (pyproject.toml or heaplint.toml) instead of discovering one.")
    var config: String?
    @Flag(help: "Ignore all configuration files.") var isolated = false
    @Flag(inversion: .prefixedNo, exclusivity: .chooseLast, help: "Enable preview rules (as `check --preview`).")
    var preview: Bool?
    @Option(name: .customLong("target-version"), help: "The CPython version whose heap is modelled: py38 .. py314.")
    var targetVersion: String?
    @Option(help: "Colour the text: auto (only on a terminal; NO_COLOR or FORCE_COLOR set and non-empty turn it off or on), always or never.")
    var color: ColorChoice = .auto

    /// `FILE:LINE[:COL]` split from the right (a path may hold `:`), or nil when malformed.
    static func parse(location: String) -> (file: String, line: Int, column: Int?)? {
        let parts = location.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        if parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) {
            let file = parts[..<(parts.count - 2)].joined(separator: ":")
            return file.isEmpty ? nil : (file, line, column)
        }
        guard let line = Int(parts[parts.count - 1]) else { return nil }
        let file = parts[..<(parts.count - 1)].joined(separator: ":")
        return file.isEmpty ? nil : (file, line, nil)
    }

    func run() throws {
        do {
            try explain()
        } catch let error as ConfigError {
            printError(error.description)
            throw ExitCode(2)
        } catch let error as UsageError {
            printError(error.message)
            throw ExitCode(2)
        }
    }

    func explain() throws {
        guard let (file, line, column) = Self.parse(location: location) else {
            throw UsageError("`\(location)` is not FILE:LINE[:COL] (such as `app.py:12` or `app.py:12:5`)")
        }
        guard let isDirectory = PathString.isDirectory(file) else {
            throw UsageError("\(file): no such file")
        }
        if isDirectory { throw UsageError("\(file) is a directory; explain takes one file and a line") }
        if file.hasSuffix(".ipynb") {
            throw UsageError("\(file): explain does not read notebooks yet; use `heaplint check --output-format json` (its `graph`)")
        }
        guard line >= 1 else { throw UsageError("line \(line) is not in \(file): lines count from 1") }
        if let column, column < 1 { throw UsageError("column \(column) is not valid: columns count from 1") }

        guard let data = FileManager.default.contents(atPath: file) else { throw UsageError("\(file): cannot read it") }
        let lineCount = Self.lineCount([UInt8](data))
        guard line <= lineCount else {
            throw UsageError("line \(line) is not in \(file): it has \(lineCount) line\(lineCount == 1 ? "" : "s")")
        }

        // The configuration exactly as `check FILE` would resolve it, with the options given here.
        var arguments = [file]
        if !select.isEmpty { arguments += ["--select", select.joined(separator: ",")] }
        if let config { arguments += ["--config", config] }
        if isolated { arguments.append("--isolated") }
        if let preview { arguments.append(preview ? "--preview" : "--no-preview") }
        if let targetVersion { arguments += ["--target-version", targetVersion] }
        let check = try Check.parse(arguments)
        let configuration = try check.resolveConfiguration(paths: [file])
        let budget = try check.parseBudget(configuration)
        let files = FileDiscovery(configuration: configuration).files(in: [file])
        let results = ProjectCheck(analyzer: Analyzer(configuration: configuration, parseBudget: budget)).run(files)
        let report = DiagnosticReport(results: results)

        var onLine = report.diagnostics.filter { $0.row <= line && line <= $0.endRow }
        // A line whose finding was folded into another one of the same cycle (`also closed at`, an HL1
        // finding under its HL201) draws that finding: the cycle is the same.
        if onLine.isEmpty {
            onLine = report.diagnostics.filter { $0.explanation?.alsoClosedAt.contains { $0.line == line } ?? false }
        }
        var chosen = onLine
        if let column {
            let holding = onLine.filter { d in
                (d.row < line || d.column <= column) && (d.endRow > line || column <= d.endColumn)
            }
            if !holding.isEmpty { chosen = holding }
        }
        guard !chosen.isEmpty else {
            let elsewhere = Set(report.diagnostics.map(\.row)).sorted()
            let hint = elsewhere.isEmpty ? "no findings in the file"
                : "findings in this file are at line\(elsewhere.count == 1 ? "" : "s") " + elsewhere.map(String.init).joined(separator: ", ")
            StandardStream.writeError("heaplint: nothing reported at \(file):\(line) (\(hint))\n".utf8)
            return
        }
        switch format {
        case .text:
            let style = TerminalStyle(isColored: color.isEnabled(environment: ProcessInfo.processInfo.environment,
                                                                 isTerminal: isatty(STDOUT_FILENO) == 1))
            writeStdout(chosen.map { Self.text($0, style: style) }.joined(separator: "\n"))
        case .dot:
            let drawable = chosen.compactMap { d -> (title: String, graph: ReferenceGraph)? in
                guard let path = d.explanation?.path, !path.isEmpty else { return nil }
                return ("\(d.code) \(d.path):\(d.row):\(d.column) \(d.message)", ReferenceGraph(path: path))
            }
            guard !drawable.isEmpty else {
                StandardStream.writeError("heaplint: the finding\(chosen.count == 1 ? "" : "s") at \(file):\(line) (\(chosen.map(\.code).joined(separator: ", "))) \(chosen.count == 1 ? "has" : "have") no reference path to draw\n".utf8)
                return
            }
            writeStdout(GraphDrawing.dot(drawable))
        }
    }

    /// Lines as Python counts them (`\n`, `\r\n` or `\r` ends one; a last line needs no terminator); an
    /// empty file has one empty line, so `FILE:1` is always a place.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        var count = 0, index = 0
        while index < bytes.count {
            if bytes[index] == 0x0A {
                count += 1
            } else if bytes[index] == 0x0D {
                count += 1
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            }
            index += 1
        }
        if let last = bytes.last, last != 0x0A, last != 0x0D { count += 1 }
        return max(count, 1)
    }

    /// Headline, the drawing, then the explanation's other facts (the path itself is the drawing).
    /// In colour, the closing edge's mark is bold red (added after the layout, so columns still line up).
    static func text(_ d: Diagnostic, style: TerminalStyle) -> String {
        var out = Renderer.headline(d, style: style) + "\n\n"
        if let path = d.explanation?.path, !path.isEmpty {
            for line in GraphDrawing.textArt(ReferenceGraph(path: path)).split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let mark = "← closes the cycle"
                out += "    " + line.replacingAll(mark, with: style.boldRed(mark)) + "\n"
            }
            out += "\n"
        } else {
            out += "  (no reference path: this finding is not about objects holding each other)\n"
        }
        for note in Renderer.notes(d) where !note.hasPrefix("reference path: ") {
            out += "  " + note + "\n"
        }
        return out
    }
}
