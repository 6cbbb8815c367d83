import Foundation
import Testing
@testable import HeapLintKit
import HeapDiagnostics
import HeapSyntax

@Suite struct NotebookLoaderTests {
    func load(_ json: String) -> (text: String, cells: NotebookCellMap?, error: String?) {
        switch NotebookLoader.decode(Array(json.utf8)) {
        case let .text(source, encoding):
            return (source.text(0..<source.byteCount), encoding.notebookCells, nil)
        case .unreadable(let message):
            return ("", nil, message)
        }
    }

    @Test func codeCellsAreJoinedWithACellMapCountingAllCells() {
        let loaded = load("""
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
              {"cell_type": "code", "source": ["a = 1\\n", "b = 2"]},
              {"cell_type": "markdown", "source": "# title"},
              {"cell_type": "code", "source": "c = 3\\n"},
              {"cell_type": "code", "source": []}
            ]}
            """)
        #expect(loaded.error == nil)
        // Every cell ends with a newline, so the next one starts on a line of its own.
        #expect(loaded.text == "a = 1\nb = 2\nc = 3\n")
        #expect(loaded.cells?.cells == [.init(number: 1, firstLine: 0), .init(number: 3, firstLine: 2),
                                        .init(number: 4, firstLine: 3)])
        #expect(loaded.cells?.locate(line: 1).cell == 1)
        #expect(loaded.cells?.locate(line: 1).line == 1)
        #expect(loaded.cells?.locate(line: 2).cell == 3)
        #expect(loaded.cells?.locate(line: 2).line == 0)
    }

    @Test func magicsAreMaskedInPlaceKeepingLineCountAndIndentation() {
        let masked = NotebookLoader.mask([
            "%matplotlib inline", "!ls", "files = !ls -l", "t = %timeit -o f()", "len?", "??len",
            "for x in y:", "    !echo {x}", "z = (1", "     % 2)", "w = 3 \\", "% 4",
        ])
        #expect(masked == [
            "pass  # %matplotlib inline", "pass  # !ls", "files = None  # !ls -l", "t = None  # %timeit -o f()",
            "pass  # len?", "pass  # ??len", "for x in y:", "    pass  # !echo {x}", "z = (1", "     % 2)",
            "w = 3 \\", "% 4",
        ])
    }

    @Test func aCellMagicMasksTheWholeCell() {
        #expect(NotebookLoader.mask(["", "%%bash", "def f(:", ""]) == ["", "# %%bash", "# def f(:", ""])
    }

    @Test func malformedNotebooksAreUnreadableWithAReason() {
        #expect(load("{oops").error?.contains("not valid JSON") == true)
        #expect(load("{\"a\": 1}").error?.contains("not a Jupyter notebook") == true)
        #expect(load("{\"nbformat\": 3, \"cells\": []}").error?.contains("nbformat 3") == true)
        #expect(load("{\"cells\": [{\"cell_type\": \"code\", \"source\": 7}]}").error?.contains("cell 1") == true)
        #expect(load("{\"cells\": [3]}").error?.contains("cell 1 is not a JSON object") == true)
    }

    @Test func onlyIpynbPathsAreDecodedAsNotebooks() {
        let json = Array("{\"cells\": []}".utf8)
        if case .text(_, let encoding) = SourceLoader.decode(json, path: "x.ipynb") {
            #expect(encoding.notebookCells != nil)
            #expect(!encoding.isWritable)
        } else {
            Issue.record("a notebook without cells is an empty module")
        }
        if case .text(_, let encoding) = SourceLoader.decode(json, path: "x.py") {
            #expect(encoding == .utf8)
        } else {
            Issue.record("a .py file is read as Python")
        }
    }

    @Test func carriageReturnLineEndsKeepTheCellMapInStep() {
        // A lone `\r` ends a line for Python and for `SourceText`: the next cell must start after it.
        let loaded = load("""
            {"cells": [{"cell_type": "code", "source": "a = 1\\rb = 2\\r\\n"},
                       {"cell_type": "code", "source": "c = 3\\n"}]}
            """)
        #expect(loaded.text == "a = 1\nb = 2\nc = 3\n")
        #expect(loaded.cells?.cells == [.init(number: 1, firstLine: 0), .init(number: 2, firstLine: 2)])
    }
}
