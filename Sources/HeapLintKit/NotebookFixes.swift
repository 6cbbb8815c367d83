import HeapPortable
import HeapDiagnostics
import HeapRules
import HeapSyntax

/// Where each code cell's `source` value sits in a notebook's JSON bytes, so fixes can be written back
/// by replacing only those values: everything else (indentation, key order, escaping, metadata,
/// outputs, the trailing newline) stays byte for byte as the notebook's writer left it.
struct NotebookJSONLayout {
    enum SourceForm { case string, lines, absent }

    struct CodeCell {
        /// 1-based index among all cells (as `NotebookCellMap` numbers them).
        let number: Int
        /// The cell's source as Jupyter shows it.
        let text: String
        let form: SourceForm
        /// Bytes of the `source` value (a string or a list) in the file; nil when the cell has no `source`.
        let valueRange: Range<Int>?
        /// For a list: each item's raw JSON token by its decoded text, to reuse unchanged lines verbatim.
        let itemTokens: [String: [UInt8]]
        /// For a list: what comes between `[` and the first item, between items, and after the last.
        let listLeading: [UInt8]?
        let listSeparator: [UInt8]?
        let listTrailing: [UInt8]?
        /// The whitespace that starts the line of the `"source"` key (to lay out a list that was empty).
        let keyIndent: [UInt8]
    }

    let cells: [CodeCell]
    /// The file's indentation step (`nil` for JSON on one line), from the top object's first key.
    let indentUnit: [UInt8]?
    /// The escaping style to copy: non-ASCII text as `\uXXXX` (Python's `ensure_ascii=True`), upper-case
    /// hex digits, `\/` for `/`.
    let escapesNonASCII: Bool
    let upperHex: Bool
    let escapesSlash: Bool

    /// Scans `raw` (already known to be a valid notebook by `NotebookLoader.decode`); nil if the layout
    /// cannot be found, and then no fix is written.
    static func scan(_ raw: [UInt8]) -> NotebookJSONLayout? {
        var scanner = Scanner(bytes: raw)
        guard let cells = scanner.topLevelCells() else { return nil }
        let style = scanner.escapeStyle()
        return NotebookJSONLayout(cells: cells, indentUnit: scanner.indentUnit(), escapesNonASCII: style.ascii,
                                  upperHex: style.upper, escapesSlash: style.slash)
    }

    /// The JSON value for a cell's new `source`, in the cell's own form and the file's style.
    func encodedSource(_ text: String, for cell: CodeCell) -> [UInt8] {
        guard cell.form == .lines else { return encode(text) }
        // nbformat's lines: each item ends with its `\n`, except a last line without one.
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" { lines.append(current); current = "" }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.isEmpty { return Array("[]".utf8) }
        let leading: [UInt8], separator: [UInt8], trailing: [UInt8]
        if let l = cell.listLeading, let t = cell.listTrailing {
            leading = l
            trailing = t
            separator = cell.listSeparator ?? ([UInt8(ascii: ",")] + l)
        } else if let unit = indentUnit {
            // The list was `[]`: lay it out as the writer lays out other lists at this depth.
            leading = [UInt8(ascii: "\n")] + cell.keyIndent + unit
            trailing = [UInt8(ascii: "\n")] + cell.keyIndent
            separator = [UInt8(ascii: ",")] + leading
        } else {
            (leading, separator, trailing) = ([], Array(", ".utf8), [])
        }
        var out: [UInt8] = [UInt8(ascii: "[")] + leading
        for (index, line) in lines.enumerated() {
            if index > 0 { out += separator }
            out += cell.itemTokens[line] ?? encode(line)
        }
        return out + trailing + [UInt8(ascii: "]")]
    }

    /// A JSON string token as Python's `json.dumps` writes it (nbformat's writer), in this file's style.
    func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        func hex(_ value: UInt32) {
            var digits = String(value, radix: 16, uppercase: upperHex)
            while digits.count < 4 { digits = "0" + digits }
            out += Array(("\\u" + digits).utf8)
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            case "\u{08}": out += Array("\\b".utf8)
            case "\u{0C}": out += Array("\\f".utf8)
            case "/" where escapesSlash: out += Array("\\/".utf8)
            default:
                if scalar.value < 0x20 {
                    hex(scalar.value)
                } else if scalar.value >= 0x80 && escapesNonASCII {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        hex(0xD800 + (v >> 10))
                        hex(0xDC00 + (v & 0x3FF))
                    } else {
                        hex(scalar.value)
                    }
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// A small JSON walker that records byte ranges (the tree reader keeps none). It assumes valid
    /// JSON and returns nil at anything unexpected.
    struct Scanner {
        let bytes: [UInt8]
        var at = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[at]) { at += 1 }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        /// Skips one string token (at its opening quote); returns its range.
        mutating func stringToken() -> Range<Int>? {
            skipSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            let start = at
            at += 1
            while at < bytes.count {
                if bytes[at] == UInt8(ascii: "\\") { at += 2; continue }
                if bytes[at] == UInt8(ascii: "\"") { at += 1; return start..<at }
                at += 1
            }
            return nil
        }

        func decodedString(_ range: Range<Int>) -> String? {
            (try? JSONText.parse(bytes[range])) as? String
        }

        /// Skips any value; returns its range.
        mutating func value() -> Range<Int>? {
            skipSpace()
            guard at < bytes.count else { return nil }
            let start = at
            switch bytes[at] {
            case UInt8(ascii: "\""): return stringToken()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close = bytes[at] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                let isObject = close == UInt8(ascii: "}")
                at += 1
                if expect(close) { return start..<at }
                while true {
                    if isObject { guard stringToken() != nil, expect(UInt8(ascii: ":")) else { return nil } }
                    guard value() != nil else { return nil }
                    if expect(UInt8(ascii: ",")) { continue }
                    return expect(close) ? start..<at : nil
                }
            default:
                while at < bytes.count, !([0x2C, 0x5D, 0x7D, 0x20, 0x0A, 0x0D, 0x09] as [UInt8]).contains(bytes[at]) { at += 1 }
                return at > start ? start..<at : nil
            }
        }

        /// Members of the object starting at `at`: key and value range, in file order.
        mutating func members() -> [(key: String, value: Range<Int>)]? {
            guard expect(UInt8(ascii: "{")) else { return nil }
            var result: [(key: String, value: Range<Int>)] = []
            if expect(UInt8(ascii: "}")) { return result }
            while true {
                guard let keyRange = stringToken(), let key = decodedString(keyRange), expect(UInt8(ascii: ":")),
                      let range = value() else { return nil }
                result.append((key, range))
                if expect(UInt8(ascii: ",")) { continue }
                return expect(UInt8(ascii: "}")) ? result : nil
            }
        }

        /// Items of the array at `range`: each item's range.
        func items(_ range: Range<Int>) -> [Range<Int>]? {
            var inner = Scanner(bytes: bytes)
            inner.at = range.lowerBound
            guard inner.expect(UInt8(ascii: "[")) else { return nil }
            var result: [Range<Int>] = []
            if inner.expect(UInt8(ascii: "]")) { return result }
            while true {
                guard let item = inner.value() else { return nil }
                result.append(item)
                if inner.expect(UInt8(ascii: ",")) { continue }
                return inner.expect(UInt8(ascii: "]")) ? result : nil
            }
        }

        mutating func topLevelCells() -> [CodeCell]? {
            at = 0
            // Like the tree reader, a repeated key counts by its last value.
            guard let top = members(), let cellsRange = top.last(where: { $0.key == "cells" })?.value,
                  let cellRanges = items(cellsRange) else { return nil }
            var cells: [CodeCell] = []
            for (index, cellRange) in cellRanges.enumerated() {
                var inner = Scanner(bytes: bytes)
                inner.at = cellRange.lowerBound
                guard let fields = inner.members() else { return nil }
                guard let typeRange = fields.last(where: { $0.key == "cell_type" })?.value,
                      decodedString(typeRange) == "code" else { continue }
                guard let source = fields.last(where: { $0.key == "source" }) else {
                    cells.append(CodeCell(number: index + 1, text: "", form: .absent, valueRange: nil, itemTokens: [:],
                                          listLeading: nil, listSeparator: nil, listTrailing: nil, keyIndent: []))
                    continue
                }
                let range = source.value
                var lineStart = range.lowerBound
                while lineStart > 0, bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
                let keyIndent = Array(bytes[lineStart...].prefix { $0 == 0x20 || $0 == 0x09 })
                if bytes[range.lowerBound] == UInt8(ascii: "\"") {
                    guard let text = decodedString(range) else { return nil }
                    cells.append(CodeCell(number: index + 1, text: text, form: .string, valueRange: range, itemTokens: [:],
                                          listLeading: nil, listSeparator: nil, listTrailing: nil, keyIndent: keyIndent))
                    continue
                }
                guard let itemRanges = items(range) else { return nil }
                var text = ""
                var tokens: [String: [UInt8]] = [:]
                for item in itemRanges {
                    guard let line = decodedString(item) else { return nil }
                    text += line
                    tokens[line] = tokens[line] ?? Array(bytes[item])
                }
                var leading: [UInt8]? = nil, separator: [UInt8]? = nil, trailing: [UInt8]? = nil
                if let first = itemRanges.first, let last = itemRanges.last {
                    leading = Array(bytes[(range.lowerBound + 1)..<first.lowerBound])
                    trailing = Array(bytes[last.upperBound..<(range.upperBound - 1)])
                    if itemRanges.count > 1 { separator = Array(bytes[itemRanges[0].upperBound..<itemRanges[1].lowerBound]) }
                }
                cells.append(CodeCell(number: index + 1, text: text, form: .lines, valueRange: range, itemTokens: tokens,
                                      listLeading: leading, listSeparator: separator, listTrailing: trailing,
                                      keyIndent: keyIndent))
            }
            return cells
        }

        /// The whitespace before the top object's first key, after its line break (nil: one-line JSON).
        func indentUnit() -> [UInt8]? {
            guard let open = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
            var index = open + 1
            var sawBreak = false
            var unit: [UInt8] = []
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) {
                if bytes[index] == 0x0A || bytes[index] == 0x0D { sawBreak = true; unit = [] } else { unit.append(bytes[index]) }
                index += 1
            }
            return sawBreak ? unit : nil
        }

        /// How the file escapes: any `\uXXXX` above ASCII means `ensure_ascii`, its hex digits' case, `\/`.
        func escapeStyle() -> (ascii: Bool, upper: Bool, slash: Bool) {
            var ascii = false, upper = false, slash = false
            var index = 0
            while index + 1 < bytes.count {
                guard bytes[index] == UInt8(ascii: "\\") else { index += 1; continue }
                let next = bytes[index + 1]
                if next == UInt8(ascii: "/") { slash = true }
                if next == UInt8(ascii: "u"), index + 6 <= bytes.count {
                    let digits = bytes[(index + 2)..<(index + 6)]
                    if let value = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) {
                        if value >= 0x80 { ascii = true }
                        if digits.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }) { upper = true }
                    }
                }
                index += 2
            }
            return (ascii, upper, slash)
        }
    }
}

/// The analysed module of a notebook during `--fix`: where each code cell's text lies in it and which
/// lines are masked IPython syntax, kept up to date as fixes change the text, so the fixed module can
/// be split back into cells. A fix is taken only when all its edits fall in one cell and none edits a
/// masked line: a magic's masked stand-in is not the cell's text, so an edit there could not be
/// written back.
struct NotebookFixScope {
    struct Cell {
        var start: Int
        var end: Int
        /// Byte ranges of masked lines (with their `\n`) and the original line they stand for.
        var masked: [(range: Range<Int>, original: String)]
        let layout: NotebookJSONLayout.CodeCell
        /// Why fixes cannot go into this cell at all (nil: they can).
        let closed: String?
        /// Whether a fix changed it. Only such cells are written: the module's view of an untouched
        /// cell is not its exact text (`\r\n` line ends become `\n`).
        var edited = false
    }

    private(set) var cells: [Cell]
    let layout: NotebookJSONLayout

    /// Rebuilds the module from the JSON as `NotebookLoader.join` does; nil (no fixes) if it does not
    /// match `module`, the text that was analysed.
    init?(raw: [UInt8], module: [UInt8]) {
        guard let layout = NotebookJSONLayout.scan(raw) else { return nil }
        self.layout = layout
        var cells: [Cell] = []
        var rebuilt: [UInt8] = []
        for cell in layout.cells {
            var lines = cell.text.split(omittingEmptySubsequences: false,
                                        whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
            if lines.last == "" { lines.removeLast() }
            let masked = NotebookLoader.mask(lines)
            let start = rebuilt.count
            var maskedRanges: [(range: Range<Int>, original: String)] = []
            for (original, shown) in zip(lines, masked) {
                let lineStart = rebuilt.count
                rebuilt += Array(shown.utf8) + [UInt8(ascii: "\n")]
                if original != shown { maskedRanges.append((lineStart..<rebuilt.count, original)) }
            }
            // The module ends every line with `\n`; a cell written with `\r\n` or `\r` could not be
            // given its own line ends back reliably, so it is not fixed.
            let closed = cell.text.unicodeScalars.contains("\r")
                ? "cell \(cell.number) uses \\r line endings, which heaplint does not write back" : nil
            cells.append(Cell(start: start, end: rebuilt.count, masked: maskedRanges, layout: cell, closed: closed))
        }
        guard rebuilt == module else { return nil }
        self.cells = cells
    }

    enum Placement { case cell(Int), refused(String) }

    /// The one cell (index into `cells`) all of `edits` fall in, or why the fix cannot be written.
    /// An insertion on the line between two cells could go to either: the earlier one is taken (fixes
    /// insert after the statement they follow, such as `del name`).
    func place(_ edits: [TextEdit]) -> Placement {
        var candidates = Set(cells.indices)
        for edit in edits {
            let r = edit.range
            let fits = cells.indices.filter { cells[$0].start <= r.lowerBound && r.upperBound <= cells[$0].end
                && (r.isEmpty || r.lowerBound < cells[$0].end) }
            candidates.formIntersection(fits)
        }
        guard let index = candidates.min() else {
            return .refused("it spans more than one cell, and heaplint writes a fix only into the cell it belongs to")
        }
        let cell = cells[index]
        if let closed = cell.closed { return .refused(closed) }
        for edit in edits {
            let r = edit.range
            for masked in cell.masked {
                let m = masked.range
                let touches = r.isEmpty ? (m.lowerBound < r.lowerBound && r.lowerBound < m.upperBound)
                                        : (r.lowerBound < m.upperBound && m.lowerBound < r.upperBound)
                if touches {
                    return .refused("it edits the IPython line `\(masked.original.trimmingWhitespace())`, which heaplint masks to analyse the cell")
                }
            }
        }
        return .cell(index)
    }

    /// Moves the cells and masked lines past edits placed by `place` (applied together, non-overlapping).
    mutating func apply(_ placed: [(cell: Int, edit: TextEdit)]) {
        // Back to front, so each edit's offsets are still those of the text before it.
        for (index, edit) in placed.sorted(by: { $0.edit.range.lowerBound > $1.edit.range.lowerBound }) {
            let delta = edit.replacement.count - edit.range.count
            cells[index].edited = true
            cells[index].end += delta
            for later in cells.indices where later > index {
                cells[later].start += delta
                cells[later].end += delta
                for m in cells[later].masked.indices {
                    let range = cells[later].masked[m].range
                    cells[later].masked[m].range = (range.lowerBound + delta)..<(range.upperBound + delta)
                }
            }
            for m in cells[index].masked.indices where cells[index].masked[m].range.lowerBound >= edit.range.upperBound {
                let range = cells[index].masked[m].range
                cells[index].masked[m].range = (range.lowerBound + delta)..<(range.upperBound + delta)
            }
        }
    }

    /// Each cell's text (as Jupyter holds it) from the module: masked lines given back their original.
    func cellText(_ index: Int, module: [UInt8]) -> String {
        let cell = cells[index]
        var bytes: [UInt8] = []
        var position = cell.start
        for masked in cell.masked {
            bytes += module[position..<masked.range.lowerBound]
            bytes += Array(masked.original.utf8) + [UInt8(ascii: "\n")]
            position = masked.range.upperBound
        }
        bytes += module[position..<cell.end]
        // The module ends a cell's last line with `\n`; the cell may not have had one.
        if !cell.layout.text.hasSuffix("\n"), bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The cell map of `module` (the fixed text), for showing the remaining findings per cell.
    func cellMap(module: [UInt8]) -> NotebookCellMap {
        var line = 0
        var position = 0
        var map: [NotebookCellMap.Cell] = []
        for cell in cells {
            while position < cell.start {
                if module[position] == UInt8(ascii: "\n") { line += 1 }
                position += 1
            }
            map.append(NotebookCellMap.Cell(number: cell.layout.number, firstLine: line))
        }
        return NotebookCellMap(cells: map)
    }

    /// The notebook's bytes with each changed cell's `source` value replaced, and a diff per changed cell.
    func writeBack(raw: [UInt8], module: [UInt8], path: String) -> (bytes: [UInt8], diff: String)? {
        var bytes = raw
        var diff = ""
        // Back to front through the file, so earlier values keep their offsets.
        for index in cells.indices.reversed() where cells[index].edited {
            let old = cells[index].layout.text
            let new = cellText(index, module: module)
            guard new != old else { continue }
            guard let range = cells[index].layout.valueRange else { return nil }
            bytes.replaceSubrange(range, with: layout.encodedSource(new, for: cells[index].layout))
            if let cellDiff = UnifiedDiff.make(old: old, new: new, path: "\(path):cell \(cells[index].layout.number)") {
                diff = cellDiff + diff
            }
        }
        return (bytes, diff)
    }
}
