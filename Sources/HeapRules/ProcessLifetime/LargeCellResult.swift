import HeapModel
import HeapSemantics
import HeapSyntax

/// HL407: large data as the last expression of a notebook cell, which IPython displays and then keeps
/// in its output cache (`Out[n]`, `_n`, `_`) for the kernel's life.
public struct LargeCellResult: Rule {
    public static let metadata = RuleMetadata(
        code: "HL407", name: "large-cell-result", family: .processLifetime, status: .preview,
        severity: .warning, fix: .never,
        summary: "A notebook cell ends with an expression whose large value IPython keeps in its output cache.",
        doc: RuleDoc(
            whatItFinds: """
            In a Jupyter notebook (`.ipynb`), or a script split into cells with `# %%` lines (run cell by \
            cell in IPython by VS Code, Spyder, PyCharm or Jupytext), a cell whose last statement is an \
            expression, not ended by `;`, whose value is large: a comprehension or `list(range(n))` whose \
            folded size reaches `large-threshold`, a whole file read, or a name that an earlier \
            top-level assignment bound to such a value.
            """,
            whyItMatters: """
            IPython displays the value of a cell's last expression and then stores it: in `Out[n]` (the \
            output cache, a dict in the user namespace), in `_n` for the cell's execution count, and in \
            `_` (shifting the previous ones to `__` and `___`). Those references last for the kernel's \
            life: `del name` no longer frees the data, re-running the cell adds another entry, and the \
            cache is only trimmed after `InteractiveShell.cache_size` (1000 by default) results. A list \
            of a million ints is ~41 MB per run.
            """,
            example: """
            ```python
            # %%
            squares = [i * i for i in range(10**6)]
            squares
            ```
            """,
            useInstead: """
            Show a summary instead (`len(squares)`, `squares[:10]`), or end the line with `;`, which makes \
            IPython neither display nor cache the value. To free a value already cached, `%xdel name` \
            deletes it from the output cache too, and `%reset -f out` empties the cache.
            """,
            whenItsFine: """
            Small values (fewer than `large-threshold` items), values heaplint cannot size, an expression \
            that is not the cell's last statement (IPython displays only the last one, by default), and \
            `.py` files without `# %%` cells. A script with `# %%` lines run as `python script.py` displays \
            nothing; the finding is for running it in cells.
            """,
            references: [
                "https://ipython.readthedocs.io/en/stable/interactive/reference.html#output-caching-system",
                "https://ipython.readthedocs.io/en/stable/interactive/magics.html#magic-xdel",
                "https://ipython.readthedocs.io/en/stable/config/options/terminal.html#configtrait-InteractiveShell.cache_size",
            ]),
        examples: [
            .triggering("""
            # %%
            ↓[i * i for i in range(10**6)]
            """),
            .triggering("""
            # %%
            squares = [i * i for i in range(10**6)]
            ↓squares
            # %%
            print(len(squares))
            """),
            .triggering("""
            # %%
            ↓list(range(100_000))
            # %% a cell with nothing large
            1 + 1
            """),
            .triggering("""
            def squares(n):
                return [i * i for i in range(n)]
            # %%
            ↓[i * i for i in range(10**6)]
            """),
            .triggering("""
            # %%
            import json
            # %%
            ↓json.load(open("catalog.json"))
            """),
            .triggering("""
            # %% residues
            ↓{n % 7919 for n in range(10**6)}
            """),
            .nonTriggering("""
            # %%
            squares = [i * i for i in range(10**6)]
            squares = squares[:10]
            squares
            """),
            .nonTriggering("""
            # %%
            squares = [i * i for i in range(10**6)]
            squares;
            """),
            .nonTriggering("""
            # %%
            squares = [i * i for i in range(10**6)]
            len(squares)
            """),
            .nonTriggering("""
            # %%
            [i * i for i in range(10**6)]
            total = 0
            """),
            .nonTriggering("""
            # %%
            [i * i for i in range(100)]
            """),
            .nonTriggering("""
            squares = [i * i for i in range(10**6)]
            squares
            """),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let statements = Array(context.tree.root.namedChildren)
        let starts = context.notebookCellLines ?? Self.percentCellLines(context.tree)
        guard !starts.isEmpty else { return [] }
        let code = statements.filter { $0.kind != .comment }
        var findings: [Finding] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : Int.max
            guard let last = code.last(where: { $0.start.line >= start && $0.start.line < end }),
                  last.kind == .expressionStatement, Array(last.namedChildren).count == 1, let value = last.firstNamedChild,
                  value.kind != .assignment, value.kind != .augmentedAssignment, !Self.endsWithSemicolon(last, context.source)
            else { continue }
            let what: String
            let estimate: ByteEstimate
            if let (description, size) = LargeImportTimeData.largeValue(value, context: context) {
                what = "This cell's last expression \(description)"
                estimate = size
            } else if let (description, size) = Self.boundLarge(value, before: last, in: code, context: context) {
                what = "This cell ends with `\(value.text)`, whose assignment \(description); even after `del \(value.text)`"
                estimate = size
            } else {
                continue
            }
            let line = value.start.line + 1
            let explanation = HeapExplanation(
                path: [ReferenceStep(from: "IPython user namespace", via: "Out", to: "dict"),
                       ReferenceStep(from: "dict", via: "", to: "the cell's result (also `_`, `_n`)", site: value.range, line: line)],
                estimate: estimate,
                mechanism: "IPython keeps every displayed result in Out and _ until the kernel restarts or the cache passes cache_size entries",
                remedy: "show a summary (len(x), x[:10]) or end the line with `;`; `%xdel name` also drops a cached copy")
            findings.append(Finding(Self.self, range: value.range,
                message: "\(what), IPython keeps the value in `Out` and `_` for the kernel's life; show a summary or end the line with `;`",
                explanation: explanation))
        }
        return findings
    }

    /// 0-based first lines of `# %%` cells (with the code before the first marker as a cell), or none.
    static func percentCellLines(_ tree: SyntaxTree) -> [Int] {
        // Any comment at column 0: after an indented block tree-sitter may put it inside that block.
        let markers = tree.nodes(ofKind: .comment).filter { $0.start.utf8Column == 0 && $0.text.hasPrefix("# %%") }.map(\.start.line)
        return markers.isEmpty ? [] : [0] + markers
    }

    /// `x;`: IPython neither displays nor caches the value.
    static func endsWithSemicolon(_ statement: Node, _ source: SourceText) -> Bool {
        let bytes = source.bytes
        var index = statement.range.end
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        return index < bytes.count && bytes[index] == UInt8(ascii: ";")
    }

    /// A name whose latest top-level assignment before `statement` bound it to large data.
    static func boundLarge(_ value: Node, before statement: Node, in code: [Node],
                           context: AnalysisContext) -> (description: String, estimate: ByteEstimate)? {
        guard value.kind == .identifier else { return nil }
        let name = value.text
        for earlier in code.reversed() where earlier.range.end <= statement.range.start {
            guard earlier.kind == .expressionStatement, let assignment = earlier.firstNamedChild,
                  assignment.kind == .assignment || assignment.kind == .augmentedAssignment,
                  let left = assignment.child(.left), left.kind == .identifier, left.text == name else { continue }
            // Rebound (or grown) last by something else: heaplint does not know its size.
            guard assignment.kind == .assignment, let right = assignment.child(.right),
                  let (description, estimate) = LargeImportTimeData.largeValue(right, context: context) else { return nil }
            return (description, estimate)
        }
        return nil
    }
}
