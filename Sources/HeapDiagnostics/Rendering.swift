#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapModel
import HeapRules
import HeapSemantics
import HeapSyntax

/// The output formats of `heaplint check --output-format`.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// The source line with a caret underline and the heap explanation (ruff's `full`).
    case text
    case full
    /// One line per diagnostic.
    case concise
    case json
    case jsonLines = "json-lines"
    case sarif
    case github
    case junit
    /// GitLab Code Quality (Code Climate JSON subset).
    case gitlab
    /// reviewdog Diagnostic Format.
    case rdjson
    /// One self-contained HTML page with an SVG of every reference path (`HTMLReport.swift`).
    case html
}

/// Everything a renderer needs: diagnostics in stable order and the text they point into.
public struct DiagnosticReport: Sendable {
    public let diagnostics: [Diagnostic]
    /// Display path → analysed source (for source lines and fix edit positions).
    public let sources: [String: SourceText]
    /// Every checked path (JUnit lists clean files too).
    public let checkedPaths: [String]
    /// Display path → absolute path (JSON `filename`, as ruff prints it).
    public let absolutePaths: [String: String]
    /// The directory relative display paths are relative to (SARIF `%SRCROOT%`).
    public let workingDirectory: String
    /// Display path → cell map, for notebooks: their rows are shown relative to the cell.
    public let notebookCells: [String: NotebookCellMap]
    /// Where rule links point (`rule-url-base`): JSON `url`, SARIF `helpUri`, rdjson `code.url`.
    public var ruleURLBase: String

    public init(diagnostics: [Diagnostic], sources: [String: SourceText], checkedPaths: [String],
                absolutePaths: [String: String] = [:],
                workingDirectory: String = FileManager.default.currentDirectoryPath,
                ruleURLBase: String = RuleMetadata.defaultURLBase,
                notebookCells: [String: NotebookCellMap] = [:]) {
        self.diagnostics = diagnostics
        self.ruleURLBase = ruleURLBase
        self.notebookCells = notebookCells
        self.workingDirectory = workingDirectory
        self.sources = sources
        self.checkedPaths = checkedPaths
        self.absolutePaths = absolutePaths
    }

    func source(of diagnostic: Diagnostic) -> SourceText? { sources[diagnostic.path] }

    /// Where a diagnostic is shown: module rows for a Python file, cell number and cell-relative rows
    /// for a notebook (both ends in the start's cell: a finding does not span cells).
    func place(of d: Diagnostic) -> Place {
        guard let map = notebookCells[d.path] else {
            return Place(cell: nil, row: d.row, column: d.column, endRow: d.endRow, endColumn: d.endColumn)
        }
        let (cell, line) = map.locate(line: d.start.line)
        return Place(cell: cell, row: line + 1, column: d.column, endRow: d.endRow - (d.start.line - line), endColumn: d.endColumn)
    }

    /// A position shown as `{"row", "column"}`, cell-relative in a notebook.
    func location(_ p: SourcePosition, path: String) -> [String: Any] {
        let line = notebookCells[path].map { $0.locate(line: p.line).line } ?? p.line
        return ["row": line + 1, "column": p.scalarColumn + 1]
    }
}

/// 1-based rows and columns as a diagnostic is shown, with its notebook cell (1-based index among all cells).
struct Place {
    let cell: Int?
    let row: Int
    let column: Int
    let endRow: Int
    let endColumn: Int

    /// `4:1`, or `cell 3:4:1` in a notebook (ruff's notation).
    var label: String { (cell.map { "cell \($0):" } ?? "") + "\(row):\(column)" }
    /// ` (cell 3)` after a message, for formats whose location has no room for the cell.
    var cellSuffix: String { cell.map { " (cell \($0))" } ?? "" }
}

/// Turns diagnostics into text. Each format is one function; none of them analyses anything.
public enum Renderer {
    /// `colored` adds ANSI colours to the human formats (text, full, concise) as ruff does; the machine
    /// formats never carry them.
    public static func render(_ report: DiagnosticReport, as format: OutputFormat, colored: Bool = false) -> String {
        let style = TerminalStyle(isColored: colored)
        return switch format {
        case .text, .full: text(report, style: style)
        case .concise: concise(report, style: style)
        case .json: json(report)
        case .jsonLines: jsonLines(report)
        case .sarif: sarif(report)
        case .github: github(report)
        case .junit: junit(report)
        case .gitlab: gitlab(report)
        case .rdjson: rdjson(report)
        case .html: html(report)
        }
    }

    // MARK: concise / text

    public static func headline(_ d: Diagnostic) -> String {
        headline(d, place: Place(cell: nil, row: d.row, column: d.column, endRow: d.endRow, endColumn: d.endColumn),
                 style: TerminalStyle(isColored: false))
    }

    /// The headline in ruff's colours when `style` says so (`heaplint explain`).
    public static func headline(_ d: Diagnostic, style: TerminalStyle) -> String {
        headline(d, place: Place(cell: nil, row: d.row, column: d.column, endRow: d.endRow, endColumn: d.endColumn), style: style)
    }

    /// ruff's colours: bold path, cyan separators, bold red code, cyan `[*]`; the message stays plain.
    static func headline(_ d: Diagnostic, place: Place, style: TerminalStyle) -> String {
        let fixable = d.fix.map { $0.applicability == .safe ? " " + style.cyan("[*]") : "" } ?? ""
        let colon = style.cyan(":")
        let cell = place.cell.map { "cell \($0)\(colon)" } ?? ""
        return "\(style.bold(d.path))\(colon)\(cell)\(place.row)\(colon)\(place.column)\(colon) \(style.boldRed(d.code))\(fixable) \(d.message)"
    }

    static func concise(_ report: DiagnosticReport, style: TerminalStyle) -> String {
        report.diagnostics.map { headline($0, place: report.place(of: $0), style: style) + "\n" }.joined()
    }

    static func text(_ report: DiagnosticReport, style: TerminalStyle) -> String {
        var out = ""
        for d in report.diagnostics {
            let place = report.place(of: d)
            out += headline(d, place: place, style: style) + "\n"
            if let source = report.source(of: d), source.byteCount > 0 {
                let lineNumber = String(place.row)
                let gutter = String(repeating: " ", count: lineNumber.count)
                var line = source.lineText(d.start.line)
                let maxWidth = 400
                var caretStart = d.start.scalarColumn
                if line.unicodeScalars.count > maxWidth {
                    // Very long lines (minified or generated code): show a window around the column.
                    let scalars = Array(line.unicodeScalars)
                    let from = max(0, min(caretStart - 40, scalars.count - maxWidth))
                    line = "…" + String(String.UnicodeScalarView(scalars[from..<min(scalars.count, from + maxWidth)])) + "…"
                    caretStart = caretStart - from + 1
                }
                let lineLength = line.unicodeScalars.count
                let caretEnd = d.end.line == d.start.line ? d.end.scalarColumn - d.start.scalarColumn + caretStart : lineLength
                let width = max(1, min(caretEnd, lineLength) - caretStart)
                let indent = String(line.unicodeScalars.prefix(caretStart).map { $0 == "\t" ? "\t" : " " })
                // As ruff's snippets: a bold blue gutter, bold red carets.
                out += style.boldBlue("\(gutter) |") + "\n"
                out += style.boldBlue("\(lineNumber) |") + " \(line)\n"
                out += style.boldBlue("\(gutter) |") + " \(indent)\(style.boldRed(String(repeating: "^", count: width)))\n"
                for note in notes(d, cells: report.notebookCells[d.path]) { out += style.boldBlue("\(gutter) =") + " \(note)\n" }
                out += "\n"
            } else {
                for note in notes(d, cells: report.notebookCells[d.path]) { out += "  " + style.boldBlue("=") + " \(note)\n" }
            }
        }
        return out
    }

    /// The explanation, one line per fact, for the text format.
    /// In a notebook (`cells`), lines are written as `cell 2, line 3`.
    public static func notes(_ d: Diagnostic, cells: NotebookCellMap? = nil) -> [String] {
        var notes: [String] = []
        let lineLabel: (Int) -> String = { line in
            guard let cells else { return "line \(line)" }
            let (cell, row) = cells.locate(line: line - 1)
            return "cell \(cell), line \(row + 1)"
        }
        if let e = d.explanation {
            if !e.path.isEmpty { notes.append("reference path: " + e.pathSummary(lineLabel: lineLabel)) }
            if let lifetime = e.lifetime { notes.append("lifetime: " + lifetime.summary) }
            if !e.alsoClosedAt.isEmpty {
                notes.append("also closed at: " + e.alsoClosedAt.map { "\(lineLabel($0.line)) (\($0.summary))" }.joined(separator: ", "))
            }
            if let estimate = e.estimate {
                notes.append("size: \(estimate.summary) on \(estimate.version.displayName) (\(estimate.basis))")
            }
            if !e.mechanism.isEmpty { notes.append("reclaimed by: " + e.mechanism) }
            if !e.remedy.isEmpty { notes.append("help: " + e.remedy) }
        }
        if let fix = d.fix {
            let how = fix.applicability == .safe ? "" : fix.applicability == .unsafe ? " (unsafe fix, use --unsafe-fixes)" : " (suggestion)"
            notes.append("fix: \(fix.title)\(how)")
        }
        return notes
    }

    // MARK: JSON

    static func location(_ p: SourcePosition) -> [String: Any] {
        ["row": p.line + 1, "column": p.scalarColumn + 1]
    }

    public static func jsonObject(_ d: Diagnostic, report: DiagnosticReport) -> [String: Any] {
        var object: [String: Any] = [
            "code": d.code,
            "message": d.message,
            "severity": d.severity.rawValue,
            "filename": report.absolutePaths[d.path] ?? d.path,
            "location": report.location(d.start, path: d.path),
            "end_location": report.location(d.end, path: d.path),
            "noqa_row": d.noqaRow,
            "url": d.url(base: report.ruleURLBase).map { $0 as Any } ?? JSONNull(),
            "cell": report.place(of: d).cell.map { $0 as Any } ?? JSONNull(),
        ]
        if let fix = d.fix {
            let source = report.source(of: d)
            object["fix"] = [
                "applicability": fix.applicability.rawValue,
                "message": fix.title,
                "edits": fix.edits.map { edit -> [String: Any] in
                    [
                        "content": String(decoding: edit.replacement, as: UTF8.self),
                        "location": source.map { report.location($0.position(of: edit.range.lowerBound), path: d.path) } ?? JSONNull(),
                        "end_location": source.map { report.location($0.position(of: edit.range.upperBound), path: d.path) } ?? JSONNull(),
                    ]
                },
            ] as [String: Any]
        } else {
            object["fix"] = JSONNull()
        }
        // How often the program makes the cycle (HL1, HL2): `per-call`, `per-instance`, `once-per-process`,
        // `error-path`; null for other findings.
        let lifetime = d.explanation?.lifetime
        object["lifetime"] = lifetime.map { $0.kind.jsonName as Any } ?? JSONNull()
        object["lifetime_reason"] = lifetime.map { $0.reason as Any } ?? JSONNull()
        object["explanation"] = d.explanation.map {
            explanationObject($0, source: report.source(of: d), cells: report.notebookCells[d.path])
        } ?? JSONNull()
        object["graph"] = graphObject(d, cells: report.notebookCells[d.path]) ?? JSONNull()
        return object
    }

    /// The reference path as nodes and edges with ids (see `ReferenceGraph`), or nil without a path.
    /// In a notebook an edge's `line` counts from its cell, named by `cell`.
    static func graphObject(_ d: Diagnostic, cells: NotebookCellMap?) -> [String: Any]? {
        guard let path = d.explanation?.path, !path.isEmpty else { return nil }
        return ReferenceGraph(path: path).jsonObject { line in
            guard let cells else { return ["line": line] }
            let (cell, row) = cells.locate(line: line - 1)
            return ["line": row + 1, "cell": cell]
        }
    }

    /// In a notebook (`cells`), each location's row counts from its cell, named by a `cell` key.
    static func explanationObject(_ e: HeapExplanation, source: SourceText?, cells: NotebookCellMap? = nil) -> [String: Any] {
        func place(_ p: SourcePosition) -> [String: Any] {
            guard let cells else { return location(p) }
            let (cell, line) = cells.locate(line: p.line)
            return ["row": line + 1, "column": p.scalarColumn + 1, "cell": cell]
        }
        func place(line: Int) -> [String: Any] {
            guard let cells else { return ["row": line, "column": 1] }
            let (cell, row) = cells.locate(line: line - 1)
            return ["row": row + 1, "column": 1, "cell": cell]
        }
        return [
            "path": e.path.map { step -> [String: Any] in
                var location: Any = JSONNull()
                if let site = step.site, let source {
                    location = place(source.position(of: site.start))
                } else if let line = step.line {
                    location = place(line: line)
                }
                return ["from": step.from, "via": step.via, "to": step.to, "location": location]
            },
            "estimate": e.estimate.map { estimate -> Any in
                [
                    "lower_bytes": estimate.lowerBytes,
                    "upper_bytes": estimate.upperBytes.map { $0 as Any } ?? JSONNull(),
                    "target_version": estimate.version.rawValue,
                    "basis": estimate.basis,
                    "summary": estimate.summary,
                ] as [String: Any]
            } ?? JSONNull(),
            "mechanism": e.mechanism,
            "remedy": e.remedy,
            "also_closed_at": e.alsoClosedAt.map { other -> [String: Any] in
                let location: Any = source.map { place($0.position(of: other.site.start)) } ?? place(line: other.line)
                return ["location": location, "summary": other.summary]
            },
        ]
    }

    static func serialize(_ value: Any, pretty: Bool) -> String {
        // Foundation pretty-prints an empty array as "[\n\n]"; tools and people expect `[]` (as ruff prints).
        if let array = value as? [Any], array.isEmpty { return "[]" }
        var options: JSONText.Options = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { options.insert(.prettyPrinted) }
        return (try? JSONText.string(value, options: options)) ?? "null"
    }

    static func json(_ report: DiagnosticReport) -> String {
        serialize(report.diagnostics.map { jsonObject($0, report: report) }, pretty: true) + "\n"
    }

    static func jsonLines(_ report: DiagnosticReport) -> String {
        report.diagnostics.map { serialize(jsonObject($0, report: report), pretty: false) + "\n" }.joined()
    }

    // MARK: SARIF 2.1.0

    static func sarifLevel(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// GitHub code scanning's `problem.severity` vocabulary.
    static func problemSeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "recommendation"
        }
    }

    /// Stable rules have earned "high" precision; preview (and retired) rules claim "medium".
    static func precision(_ status: RuleStatus) -> String { status == .stable ? "high" : "medium" }

    /// Columns count Unicode code points (`run.columnKind` = `unicodeCodePoints`).
    /// In a notebook, lines count from the start of each position's cell.
    static func region(_ start: SourcePosition, _ end: SourcePosition, cells: NotebookCellMap? = nil) -> [String: Any] {
        let startLine = cells.map { $0.locate(line: start.line).line } ?? start.line
        let endLine = cells.map { $0.locate(line: end.line).line } ?? end.line
        return ["startLine": startLine + 1, "startColumn": start.scalarColumn + 1,
                "endLine": endLine + 1, "endColumn": end.scalarColumn + 1]
    }

    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p.percentEncodedForURLPath()
    }

    /// A path inside the working directory is relative to the source root (`%SRCROOT%`); one outside it
    /// (absolute, or `../…`) is an absolute `file://` URI, since a URI relative to a base must not escape it.
    static func artifactLocation(_ path: String, report: DiagnosticReport) -> [String: Any] {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        if p == ".." || p.hasPrefix("../") {
            let absolute = report.absolutePaths[path] ?? (report.workingDirectory + "/" + p)
            p = URL(fileURLWithPath: absolute).standardizedFileURL.path
        }
        return p.hasPrefix("/") ? ["uri": "file://" + uri(p)] : ["uri": uri(p), "uriBaseId": "%SRCROOT%"]
    }

    /// `file:///work/project/` for the working directory (always with a trailing slash, as SARIF requires
    /// of a base URI).
    static func directoryURI(_ directory: String) -> String {
        var d = directory.hasPrefix("/") ? directory : "/" + directory
        if !d.hasSuffix("/") { d += "/" }
        return "file://" + uri(d)
    }

    static func sarifFix(_ fix: Fix, path: String, source: SourceText, report: DiagnosticReport) -> [String: Any] {
        [
            "description": ["text": fix.title],
            "artifactChanges": [[
                "artifactLocation": artifactLocation(path, report: report),
                "replacements": fix.edits.map { edit -> [String: Any] in
                    [
                        "deletedRegion": region(source.position(of: edit.range.lowerBound),
                                                source.position(of: edit.range.upperBound)),
                        "insertedContent": ["text": String(decoding: edit.replacement, as: UTF8.self)],
                    ]
                },
            ]],
        ]
    }

    static func sarif(_ report: DiagnosticReport) -> String {
        serialize(sarifLog(report), pretty: true) + "\n"
    }

    /// The SARIF log as a JSON object, one result per diagnostic in `report.diagnostics` order, for
    /// callers that add results or properties of their own (`heaplint verify`).
    public static func sarifLog(_ report: DiagnosticReport) -> [String: Any] {
        let rules = RuleRegistry.all
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.metadata.code, $0) })
        let driverRules: [[String: Any]] = rules.map { rule in
            let m = rule.metadata
            return [
                "id": m.code,
                "name": m.name,
                "shortDescription": ["text": m.summary],
                "fullDescription": ["text": m.doc.whatItFinds],
                "helpUri": m.url(base: report.ruleURLBase),
                "help": ["text": "\(m.summary)\n\n\(m.doc.whatItFinds)\n\nSee \(m.url(base: report.ruleURLBase))",
                         "markdown": m.markdown],
                "defaultConfiguration": ["level": sarifLevel(m.severity)],
                "properties": [
                    "family": m.family.rawValue,
                    "status": m.status.rawValue,
                    "precision": precision(m.status),
                    "problem.severity": problemSeverity(m.severity),
                    "tags": ["memory", m.family.rawValue],
                ] as [String: Any],
            ]
        }
        let fingerprints = Fingerprints(report)
        let results: [[String: Any]] = report.diagnostics.enumerated().map { index, d in
            var result: [String: Any] = [
                "ruleId": d.code,
                "level": sarifLevel(d.severity),
                "message": ["text": d.message],
                "locations": [[
                    "physicalLocation": [
                        "artifactLocation": artifactLocation(d.path, report: report),
                        "region": region(d.start, d.end, cells: report.notebookCells[d.path]),
                    ],
                ]],
                "partialFingerprints": [Fingerprints.sarifKey: fingerprints[index]],
            ]
            if let index = ruleIndex[d.code] { result["ruleIndex"] = index }
            // The region counts lines from the start of the notebook cell this property names.
            var properties: [String: Any] = [:]
            if let cell = report.place(of: d).cell { properties["cell"] = cell }
            if let lifetime = d.explanation?.lifetime {
                properties["lifetime"] = lifetime.kind.jsonName
                properties["lifetimeReason"] = lifetime.reason
            }
            if !properties.isEmpty { result["properties"] = properties }
            if let source = report.source(of: d) {
                if let e = d.explanation {
                    var related: [[String: Any]] = []
                    for (number, step) in e.path.enumerated() {
                        guard let site = step.site else { continue }
                        related.append([
                            "id": number,
                            "message": ["text": "step \(number + 1) of the reference path: \(step.summary)"],
                            "physicalLocation": [
                                "artifactLocation": artifactLocation(d.path, report: report),
                                "region": region(source.position(of: site.start), source.position(of: site.end), cells: report.notebookCells[d.path]),
                            ],
                        ])
                    }
                    for (number, other) in e.alsoClosedAt.enumerated() {
                        related.append([
                            "id": e.path.count + number,
                            "message": ["text": "also closes this cycle: \(other.summary)"],
                            "physicalLocation": [
                                "artifactLocation": artifactLocation(d.path, report: report),
                                "region": region(source.position(of: other.site.start), source.position(of: other.site.end),
                                               cells: report.notebookCells[d.path]),
                            ],
                        ])
                    }
                    if !related.isEmpty { result["relatedLocations"] = related }
                }
                // A fix's edits are in the cells' code, not the notebook's JSON: no replacement to offer.
                if let fix = d.fix, !fix.edits.isEmpty, report.notebookCells[d.path] == nil {
                    result["fixes"] = [sarifFix(fix, path: d.path, source: source, report: report)]
                }
            }
            return result
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": [
                    "name": "heaplint",
                    "informationUri": RuleMetadata.indexURL(base: report.ruleURLBase),
                    "version": HeapDiagnosticsInfo.version,
                    "semanticVersion": HeapDiagnosticsInfo.version,
                    "rules": driverRules,
                ] as [String: Any]],
                "originalUriBaseIds": ["%SRCROOT%": ["uri": directoryURI(report.workingDirectory)]],
                "invocations": [[
                    "executionSuccessful": true,
                    "workingDirectory": ["uri": directoryURI(report.workingDirectory)],
                ] as [String: Any]],
                "columnKind": "unicodeCodePoints",
                "results": results,
            ] as [String: Any]],
        ]
        return log
    }

    /// A SARIF `artifactLocation` for a path, as `check`'s results have it (relative to `%SRCROOT%` when
    /// inside the working directory).
    public static func sarifArtifactLocation(_ path: String, report: DiagnosticReport) -> [String: Any] {
        artifactLocation(path, report: report)
    }

    /// A stable fingerprint of a text (SARIF `partialFingerprints` under `sarifFingerprintKey`).
    public static func fingerprint(_ text: String) -> String { Fingerprints.hash(text) }
    public static var sarifFingerprintKey: String { Fingerprints.sarifKey }

    /// Pretty, key-sorted JSON as every JSON format here prints it.
    public static func serializeJSON(_ value: Any) -> String { serialize(value, pretty: true) }

    // MARK: GitLab Code Quality (Code Climate subset)

    static func gitlabSeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: "major"
        case .warning: "minor"
        case .info: "info"
        }
    }

    static func gitlab(_ report: DiagnosticReport) -> String {
        let fingerprints = Fingerprints(report)
        let issues: [[String: Any]] = report.diagnostics.enumerated().map { index, d in
            [
                "type": "issue",
                "check_name": d.code,
                "description": "\(d.code) \(d.message)\(report.place(of: d).cellSuffix)",
                "categories": ["Performance"],
                "severity": gitlabSeverity(d.severity),
                "fingerprint": fingerprints[index],
                "location": ["path": uri(d.path), "lines": ["begin": report.place(of: d).row, "end": report.place(of: d).endRow]] as [String: Any],
            ]
        }
        return serialize(issues, pretty: true) + "\n"
    }

    // MARK: reviewdog Diagnostic Format (rdjson)

    static func rdjsonSeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: "ERROR"
        case .warning: "WARNING"
        case .info: "INFO"
        }
    }

    /// rdjson positions: 1-based lines, 1-based columns counted in UTF-8 bytes.
    static func rdjsonPosition(_ p: SourcePosition, cells: NotebookCellMap? = nil) -> [String: Any] {
        ["line": (cells.map { $0.locate(line: p.line).line } ?? p.line) + 1, "column": p.utf8Column + 1]
    }

    static func rdjson(_ report: DiagnosticReport) -> String {
        let diagnostics: [[String: Any]] = report.diagnostics.map { d in
            let cells = report.notebookCells[d.path]
            var object: [String: Any] = [
                "message": d.message + report.place(of: d).cellSuffix,
                "location": [
                    "path": d.path,
                    "range": ["start": rdjsonPosition(d.start, cells: cells), "end": rdjsonPosition(d.end, cells: cells)],
                ] as [String: Any],
                "severity": rdjsonSeverity(d.severity),
                "code": ["value": d.code, "url": d.url(base: report.ruleURLBase) ?? ""],
            ]
            if let fix = d.fix, let source = report.source(of: d), !fix.edits.isEmpty, cells == nil {
                object["suggestions"] = fix.edits.map { edit -> [String: Any] in
                    [
                        "range": ["start": rdjsonPosition(source.position(of: edit.range.lowerBound)),
                                  "end": rdjsonPosition(source.position(of: edit.range.upperBound))],
                        "text": String(decoding: edit.replacement, as: UTF8.self),
                    ]
                }
            }
            return object
        }
        let result: [String: Any] = [
            "source": ["name": "heaplint", "url": RuleMetadata.indexURL(base: report.ruleURLBase)],
            "diagnostics": diagnostics,
        ]
        return serialize(result, pretty: true) + "\n"
    }

    // MARK: GitHub workflow commands

    static func escapeData(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D")
            .replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }

    /// GitHub shows at most this many annotations of each level (error, warning, notice) per step.
    public static let githubAnnotationCap = 10

    static func githubLevel(_ severity: Severity) -> String {
        severity == .error ? "error" : severity == .warning ? "warning" : "notice"
    }

    /// Every finding as a workflow command. When a level has more than GitHub's 10 annotations, they
    /// are all still printed (they stay in the step log) and a final `::notice::` says how many will not
    /// be shown as annotations and points to the SARIF upload, which has no such cap.
    static func github(_ report: DiagnosticReport) -> String {
        var perLevel: [String: Int] = [:]
        var out = report.diagnostics.map { d in
            let level = githubLevel(d.severity)
            perLevel[level, default: 0] += 1
            // GitHub has no notion of cells: a notebook's annotation carries the cell-relative row,
            // and the message says which cell.
            let place = report.place(of: d)
            return "::\(level) title=\(escapeProperty("heaplint (\(d.code))")),file=\(escapeProperty(d.path)),"
                + "line=\(place.row),col=\(place.column),endLine=\(place.endRow),endColumn=\(place.endColumn)::"
                + escapeData("\(d.path):\(place.label): \(d.code) \(d.message)") + "\n"
        }.joined()
        let hidden = perLevel.values.reduce(0) { $0 + max(0, $1 - githubAnnotationCap) }
        if hidden > 0 {
            let over = ["error", "warning", "notice"].filter { perLevel[$0, default: 0] > githubAnnotationCap }
                .map { "\(perLevel[$0, default: 0]) \($0)s" }.joined(separator: ", ")
            out += "::notice title=heaplint::" + escapeData(
                "\(hidden) heaplint finding\(hidden == 1 ? "" : "s") beyond GitHub's cap of \(githubAnnotationCap) "
                + "annotations per type per step (\(over)) are not shown inline; they are in this log, and "
                + "uploading the SARIF report (--output-format sarif) to code scanning shows them all.") + "\n"
        }
        return out
    }

    // MARK: JUnit XML

    static func xml(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 forbids other control characters; drop them rather than write invalid XML.
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func junit(_ report: DiagnosticReport) -> String {
        var byPath: [String: [Diagnostic]] = [:]
        for d in report.diagnostics { byPath[d.path, default: []].append(d) }
        let total = report.diagnostics.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"heaplint\" tests=\"\(max(total, 1))\" failures=\"\(total)\" errors=\"0\">\n"
        if total == 0 {
            out += "  <testsuite name=\"heaplint\" tests=\"1\" failures=\"0\" errors=\"0\">\n"
            out += "    <testcase name=\"No problems found\" classname=\"heaplint\"/>\n  </testsuite>\n"
        }
        for path in byPath.keys.sorted() {
            let diagnostics = byPath[path] ?? []
            out += "  <testsuite name=\"\(xml(path))\" tests=\"\(diagnostics.count)\" failures=\"\(diagnostics.count)\" errors=\"0\">\n"
            for d in diagnostics {
                let place = report.place(of: d)
                let cell = place.cell.map { "cell \($0), " } ?? ""
                out += "    <testcase name=\"org.heaplint.\(xml(d.code))\" classname=\"\(xml(path))\" file=\"\(xml(path))\" line=\"\(place.row)\">\n"
                out += "      <failure message=\"\(xml(d.message))\" type=\"\(xml(d.code))\">\(cell)line \(place.row), col \(place.column), \(xml(d.message))</failure>\n"
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    // MARK: Statistics

    public struct Statistic: Sendable {
        public let code: String
        public let name: String
        public let count: Int
        public let fixable: Int
        /// Findings of this rule folded into these ones (the same cycle closed at another line): not in
        /// `count`, shown as related locations.
        public var folded: Int = 0
    }

    public static func statistics(_ diagnostics: [Diagnostic]) -> [Statistic] {
        var counts: [String: (Int, Int, Int)] = [:]
        for d in diagnostics {
            var entry = counts[d.code] ?? (0, 0, 0)
            entry.0 += 1
            if d.fix?.applicability == .safe { entry.1 += 1 }
            entry.2 += d.explanation?.alsoClosedAt.count ?? 0
            counts[d.code] = entry
        }
        return counts.map { code, value in
            Statistic(code: code, name: RuleRegistry.rule(code: code)?.metadata.name ?? "", count: value.0,
                      fixable: value.1, folded: value.2)
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }
    }

    /// The formats `--statistics` can be written in; the others (SARIF, annotations, reports) describe
    /// individual findings, so the CLI refuses the combination.
    public static let statisticsFormats: [OutputFormat] = [.text, .full, .concise, .json, .jsonLines]

    public static func renderStatistics(_ diagnostics: [Diagnostic], as format: OutputFormat) -> String {
        let stats = statistics(diagnostics)
        let objects: [[String: Any]] = stats.map {
            var object: [String: Any] = ["code": $0.code, "name": $0.name, "count": $0.count, "fixable": $0.fixable > 0]
            if $0.folded > 0 { object["folded"] = $0.folded }
            return object
        }
        if format == .json { return serialize(objects, pretty: true) + "\n" }
        if format == .jsonLines { return objects.map { serialize($0, pretty: false) + "\n" }.joined() }
        let width = String(stats.first?.count ?? 0).count
        return stats.map { s in
            let count = String(s.count)
            return String(repeating: " ", count: width - count.count) + count + "\t\(s.code)\t"
                + (s.fixable > 0 ? "[*]" : "[ ]") + " \(s.name)"
                + (s.folded > 0 ? " (+\(s.folded) folded into these)" : "") + "\n"
        }.joined()
    }
}


/// ANSI SGR colouring for the human formats; with `isColored` false every function returns its text as is,
/// so the plain rendering has one code path.
public struct TerminalStyle: Sendable {
    public let isColored: Bool

    public init(isColored: Bool) { self.isColored = isColored }

    func sgr(_ codes: String, _ text: String) -> String {
        isColored && !text.isEmpty ? "\u{1B}[\(codes)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { sgr("1", text) }
    public func cyan(_ text: String) -> String { sgr("36", text) }
    public func boldRed(_ text: String) -> String { sgr("1;31", text) }
    public func boldBlue(_ text: String) -> String { sgr("1;94", text) }
}

extension CycleLifetimeClass {
    /// The JSON and SARIF spelling: `per-call`, `per-instance`, `once-per-process`, `error-path`.
    public var jsonName: String { label.replacingAll(" ", with: "-") }
}
