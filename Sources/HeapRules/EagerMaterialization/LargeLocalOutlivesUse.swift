import HeapModel
import HeapSyntax

/// HL304: a local bound to large data (a whole file read, a large comprehension, `list(range(n))`,
/// a decoded payload) whose last use is followed, in the same frame, by long-running work that does
/// not need it: a long loop, a `yield`/`await` that suspends the frame, a call such as
/// `serve_forever()`, `join()` or `sleep()`. The frame keeps the value alive until it ends.
public struct LargeLocalOutlivesUse: Rule {
    public static let metadata = RuleMetadata(
        code: "HL304", name: "large-local-outlives-use", family: .eagerMaterialization, status: .preview,
        severity: .warning, fix: .sometimes,
        summary: "A local keeps large data alive after its last use while the function goes on with long-running work.",
        doc: RuleDoc(
            whatItFinds: """
            A local variable bound to data shown to be large — a whole file read (`f.read()`, \
            `f.readlines()`, `Path.read_text()`), `json.load(...)` / `.decode()` of such a payload, \
            `list(range(n))` or a comprehension whose folded size reaches `large-threshold`, the rows of a \
            cursor (`fetchall()`) — whose last use is followed, in the same function, by work that runs for \
            a long time and does not need it: an endless `while True` loop or a loop over other large data, \
            a `yield` or `await` that suspends the frame, or a call that blocks (`serve_forever()`, \
            `run_forever()`, `run()`, `join()`, `sleep()`, `wait()`). The last use may be the header of \
            the loop whose body does that work (`for line in text.splitlines(): yield line`): the header \
            is evaluated once and the loop's iterator holds the new list, not `text`.
            """,
            whyItMatters: """
            In CPython a function's locals live in its frame until the frame ends, the name is rebound, or \
            the name is deleted: the frame holds one reference to each value, so a value the code no \
            longer reads is not freed while the function keeps running. A generator or coroutine keeps its \
            whole frame — every local — alive while it is suspended at `yield` or `await`, for as long \
            as its consumer or the event loop leaves it there. `del name` drops the frame's reference at \
            once; when it was the last one, reference counting frees the value immediately, with no \
            garbage collection needed. A file read whole is as large as the file; a list of a million \
            ints is ~41 MB.
            """,
            example: """
            ```python
            def main(path):
                with open(path) as fh:
                    config = fh.read()
                server = make_server(parse(config))
                server.serve_forever()  # `config` stays alive until the process exits
            ```
            """,
            useInstead: """
            Delete the name after its last use, or move the code that needs the data into its own \
            function so its frame ends before the long-running work starts:
            ```python
            def main(path):
                with open(path) as fh:
                    config = fh.read()
                server = make_server(parse(config))
                del config
                server.serve_forever()
            ```
            """,
            whenItsFine: """
            Values whose size heaplint cannot show to be large (a parameter, an unknown call, a small \
            range); values that are returned, yielded, stored elsewhere (an attribute, a container, an \
            alias) — deleting the local would free nothing; values used again later; and functions that \
            end right after the last use (the frame ends, so the value is freed anyway). Short loops and \
            calls are not long-running work.
            """,
            fixSafety: """
            The fix inserts `del name` after the statement holding the last use, and only when the \
            assignment always runs before it; there is none when the last use is a loop's header (bind \
            the iterable to a name, then `del`, by hand). It is unsafe: code that reads the frame (`locals()`, a \
            debugger, a traceback's `tb_frame.f_locals`) no longer sees the value, and a later edit that \
            reads the name again would raise `NameError`.
            """,
            references: [
                "https://docs.python.org/3/reference/simple_stmts.html#the-del-statement",
                "https://docs.python.org/3/reference/executionmodel.html#naming-and-binding",
                "https://docs.python.org/3/library/tracemalloc.html",
            ]),
        examples: LargeLocalOutlivesUseExamples.all)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let query = LargeLocalQuery(tree: context.tree, semantics: context.semantics, folder: context.folder, sizer: context.sizer,
                                    threshold: context.settings.largeThreshold, version: context.settings.targetVersion)
        return query.find().map { finding(for: $0, source: context.source) }
    }

    private func finding(for retention: LargeLocalRetention, source: SourceText) -> Finding {
        let name = retention.name, work = retention.work
        func line(_ offset: Int) -> Int { source.position(of: offset).line + 1 }
        let anchorEndLine = line(retention.anchor.range.end)
        let mechanism = work.kind == .suspend
            ? "a suspended \(work.suspender) keeps its frame, and every local in it, alive until it is resumed to the end or closed; the frame's reference to `\(name)` is dropped only by `del \(name)` or rebinding"
            : "a frame's locals live until the function returns or the name is rebound or deleted; `del \(name)` drops the frame's reference and reference counting frees the value at once"
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "frame of `\(retention.functionName)`", via: "", to: "local `\(name)`",
                                 site: retention.target.range, line: line(retention.target.range.start)),
                   ReferenceStep(from: "local `\(name)`", via: "", to: retention.large.noun)],
            estimate: retention.large.estimate,
            mechanism: mechanism,
            remedy: retention.lastUseInLoopHeader
                ? "bind the loop's iterable to a name and `del \(name)` before the loop, or move the code that uses it into its own function"
                : "`del \(name)` after its last use (line \(anchorEndLine)), or move the code that uses it into its own function")
        // Unsafe: whatever reads the frame later (a debugger, a traceback's f_locals) no longer sees the value.
        let fix = retention.deleteEdit.map {
            Fix(title: "Delete `\(name)` after its last use", applicability: .unsafe, edits: [$0])
        }
        let release = retention.lastUseInLoopHeader
            ? "binding the loop's iterable to a name and `del \(name)` before the loop"
            : "`del \(name)` after line \(anchorEndLine)"
        let message = "`\(name)` keeps \(retention.large.noun) alive after its last use on line \(line(retention.lastUse.range.start)) while \(work.phrase) on line \(line(work.node.range.start)); \(release) frees it"
        return Finding(Self.self, range: retention.target.range, message: message, explanation: explanation, fix: fix)
    }
}
