#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapSyntax

/// Turns a Jupyter notebook (nbformat 4 JSON) into one Python module: the code cells in order, each
/// ending with a newline, with a cell map to show findings per cell. IPython syntax that is not Python
/// (`%magic`, `%%cell magic`, `!shell`, `x = !cmd`, `obj?`) is masked line by line, so it neither
/// breaks the parse nor moves any other line.
public enum NotebookLoader {
    public static func isNotebookPath(_ path: String) -> Bool { path.hasSuffix(".ipynb") }

    public static func decode(_ raw: [UInt8]) -> LoadedSource {
        if let bad = SourceLoader.firstInvalidUTF8(raw) {
            let hex = String(raw[bad], radix: 16, uppercase: true)
            return .unreadable("Cannot analyse notebook: invalid UTF-8 (byte 0x\(hex) at offset \(bad)); nbformat files are UTF-8 JSON")
        }
        let json: Any
        do {
            json = try JSONText.parse(raw)
        } catch {
            return .unreadable("Cannot analyse notebook: it is not valid JSON (\(jsonProblem(error)))")
        }
        guard let notebook = json as? [String: Any], let cells = notebook["cells"] as? [Any] else {
            return .unreadable("Cannot analyse notebook: it is JSON but not a Jupyter notebook (no `cells` list at the top level)")
        }
        if let major = notebook["nbformat"] as? Int, major < 4 {
            return .unreadable("Cannot analyse notebook: nbformat \(major) is not supported (heaplint reads nbformat 4; convert it with `jupyter nbconvert --to notebook`)")
        }
        var code: [(number: Int, source: String)] = []
        for (index, element) in cells.enumerated() {
            guard let cell = element as? [String: Any] else {
                return .unreadable("Cannot analyse notebook: cell \(index + 1) is not a JSON object")
            }
            guard (cell["cell_type"] as? String) == "code" else { continue }
            let text: String
            switch cell["source"] {
            case let string as String: text = string
            case let parts as [Any]:
                guard let strings = parts as? [String] else {
                    return .unreadable("Cannot analyse notebook: the `source` of cell \(index + 1) is a list with non-string items")
                }
                text = strings.joined()
            case nil: text = ""
            default:
                return .unreadable("Cannot analyse notebook: the `source` of cell \(index + 1) is neither a string nor a list of strings")
            }
            code.append((index + 1, text))
        }
        let (module, map) = join(code)
        return .text(SourceText(bytes: Array(module.utf8)), encoding: .notebook(map))
    }

    /// The module heaplint analyses for a notebook's code cells, given in order with their 1-based
    /// number among all cells: each cell's lines masked and ended by a newline, and where each starts.
    /// The CLI (from the `.ipynb` JSON) and the language server (from synced cells) both join here.
    public static func join(_ cells: [(number: Int, source: String)]) -> (module: String, map: NotebookCellMap) {
        var module = ""
        var map: [NotebookCellMap.Cell] = []
        var line = 0
        for (number, text) in cells {
            // Python's line ends (`\n`, `\r\n`, a lone `\r`; `\r\n` is one Character), as `SourceText`
            // counts lines, so the cell map matches the module's rows.
            var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
                .map(String.init)
            // "a\n" splits into ["a", ""]: the last empty piece is the line end, not a line.
            if lines.last == "" { lines.removeLast() }
            map.append(NotebookCellMap.Cell(number: number, firstLine: line))
            for masked in mask(lines) { module += masked + "\n" }
            line += lines.count
        }
        return (module, NotebookCellMap(cells: map))
    }

    private static func jsonProblem(_ error: Error) -> String {
        "\(error)"
    }

    /// The cell's lines with IPython-only lines replaced. A masked line keeps its indentation and gets
    /// a statement in its place (`pass`, or `x = None` for `x = !cmd`) so a magic inside a block
    /// leaves the block valid; the original text follows as a comment.
    static func mask(_ lines: [String]) -> [String] {
        // A cell magic (`%%time`, `%%bash`) makes the whole cell something other than plain Python.
        if let first = lines.first(where: { !$0.trimmingWhitespace().isEmpty }),
           first.trimmingWhitespace().hasPrefix("%%") {
            return lines.map { $0.isEmpty ? $0 : "# " + $0 }
        }
        var result: [String] = []
        var depth = 0
        var continued = false
        for line in lines {
            // Inside brackets or after a backslash a leading `%` is the modulo operator, not a magic.
            if depth == 0 && !continued, let replacement = maskedLine(line) {
                result.append(replacement)
            } else {
                result.append(line)
                depth = max(0, depth + bracketBalance(line))
            }
            continued = line.hasSuffix("\\")
        }
        return result
    }

    static func maskedLine(_ line: String) -> String? {
        let indent = String(line.prefix { $0 == " " || $0 == "\t" })
        let body = line.dropFirst(indent.count)
        guard let first = body.first else { return nil }
        if first == "%" || first == "!" || first == "?" || (body.hasSuffix("?") && !body.contains("#")) {
            return indent + "pass  # " + body
        }
        // `files = !ls` and `t = %timeit -o f()`: keep the name bound so later cells do not lose it.
        if let equals = body.firstIndex(of: "=") {
            let target = body[..<equals].trimmingWhitespace()
            let value = body[body.index(after: equals)...].drop { $0 == " " }
            if let start = value.first, start == "!" || start == "%", isIdentifier(target) {
                return indent + target + " = None  # " + value
            }
        }
        return nil
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first == "_" || first.isLetter else { return false }
        return text.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// Opening minus closing brackets on a line, ignoring a trailing comment and quoted text (a rough
    /// count: enough to know whether the next line continues an expression).
    static func bracketBalance(_ line: String) -> Int {
        var balance = 0
        var quote: Character? = nil
        var escaped = false
        for character in line {
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
                continue
            }
            switch character {
            case "#": return balance
            case "\"", "'": quote = character
            case "(", "[", "{": balance += 1
            case ")", "]", "}": balance -= 1
            default: break
            }
        }
        return balance
    }
}
