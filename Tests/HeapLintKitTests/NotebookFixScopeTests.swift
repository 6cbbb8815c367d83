import Testing
@testable import HeapLintKit
import HeapSyntax

/// Which fixes can be written back into a notebook cell. No rule today makes a fix that edits a masked
/// magic or crosses a cell boundary (fixes stay inside one statement), so the refusals are driven
/// here with edits made by hand.
@Suite struct NotebookFixScopeTests {
    struct NotLoaded: Error {}

    // Module: "a = 1\n" 0..<6, "pass  # %time b\n" 6..<22 (masked), "c = 2\n" 22..<28 | "d = 4\n" 28..<34.
    let raw = Array("""
        {"cells": [{"cell_type": "code", "source": ["a = 1\\n", "%time b\\n", "c = 2\\n"]},
          {"cell_type": "markdown", "source": "text"},
          {"cell_type": "code", "source": "d = 4"}], "nbformat": 4}
        """.utf8)

    func scope() throws -> (NotebookFixScope, [UInt8]) {
        guard case let .text(source, _) = NotebookLoader.decode(raw) else { throw NotLoaded() }
        #expect(String(decoding: source.bytes, as: UTF8.self) == "a = 1\npass  # %time b\nc = 2\nd = 4\n")
        let scope = try #require(NotebookFixScope(raw: raw, module: source.bytes))
        return (scope, source.bytes)
    }

    func edit(_ range: Range<Int>, _ text: String = "") -> TextEdit { TextEdit(range: range, replacement: Array(text.utf8)) }

    func refusal(_ placement: NotebookFixScope.Placement) -> String? {
        if case .refused(let reason) = placement { return reason }
        return nil
    }

    @Test func editsInsideOneCellArePlacedInIt() throws {
        let (scope, _) = try scope()
        guard case .cell(0) = scope.place([edit(0..<1, "x"), edit(22..<23, "y")]) else { Issue.record("not cell 0"); return }
        guard case .cell(1) = scope.place([edit(28..<29, "z")]) else { Issue.record("not cell 1"); return }
        // A line inserted before a masked line leaves the magic as it is.
        guard case .cell(0) = scope.place([edit(6..<6, "e = 5\n")]) else { Issue.record("insertion refused"); return }
        // Between two cells: the earlier one (a statement appended after the cell's last line).
        guard case .cell(0) = scope.place([edit(28..<28, "del a\n")]) else { Issue.record("not the earlier cell"); return }
    }

    @Test func anEditOfAMaskedLineIsRefused() throws {
        let (scope, _) = try scope()
        #expect(refusal(scope.place([edit(8..<9)]))?.contains("edits the IPython line `%time b`") == true)
        #expect(refusal(scope.place([edit(10..<10, "x")])) != nil)
        // Joining the magic with the next line (deleting its line end) is an edit of it too.
        #expect(refusal(scope.place([edit(21..<22)])) != nil)
    }

    @Test func aFixSpanningTwoCellsIsRefused() throws {
        let (scope, _) = try scope()
        #expect(refusal(scope.place([edit(0..<1, "x"), edit(28..<29, "y")]))?.contains("spans more than one cell") == true)
        #expect(refusal(scope.place([edit(26..<30)])) != nil)
    }

    @Test func cellsAreWrittenBackWithMagicsAndTheirOwnLastLineEnd() throws {
        var (scope, module) = try scope()
        // "a" → "alpha" in cell 1 and "4" → "44" in cell 3, applied together as one fix pass applies them.
        let edits = [(0, edit(0..<1, "alpha")), (1, edit(32..<33, "44"))]
        for (_, e) in edits.sorted(by: { $0.1.range.lowerBound > $1.1.range.lowerBound }) {
            module.replaceSubrange(e.range, with: e.replacement)
        }
        scope.apply(edits.map { (cell: $0.0, edit: $0.1) })
        #expect(scope.cellText(0, module: module) == "alpha = 1\n%time b\nc = 2\n")
        #expect(scope.cellText(1, module: module) == "d = 44")
        #expect(scope.cellMap(module: module).cells.map(\.firstLine) == [0, 3])
        let (bytes, diff) = try #require(scope.writeBack(raw: raw, module: module, path: "nb.ipynb"))
        #expect(String(decoding: bytes, as: UTF8.self) == """
            {"cells": [{"cell_type": "code", "source": ["alpha = 1\\n", "%time b\\n", "c = 2\\n"]},
              {"cell_type": "markdown", "source": "text"},
              {"cell_type": "code", "source": "d = 44"}], "nbformat": 4}
            """)
        #expect(diff.hasPrefix("--- nb.ipynb:cell 1\n+++ nb.ipynb:cell 1\n"))
        #expect(diff.contains("--- nb.ipynb:cell 3\n"))
    }

    @Test func stringsAreEncodedAsPythonsJSONWriterDoes() throws {
        let (scope, _) = try scope()
        #expect(String(decoding: scope.layout.encode("é\"\\\t\u{1}🐍/"), as: UTF8.self) == "\"é\\\"\\\\\\t\\u0001🐍/\"")
    }
}
