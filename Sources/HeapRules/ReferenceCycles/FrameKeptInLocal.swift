import HeapModel

/// HL103: an exception, traceback or frame kept in a local variable of the frame it refers to.
public struct FrameKeptInLocal: Rule {
    public static let metadata = RuleMetadata(
        code: "HL103", name: "frame-kept-in-local", family: .referenceCycles, status: .stable,
        severity: .warning, fix: .never,
        summary: "An exception, traceback or frame is kept in a local variable of the frame it refers to.",
        doc: RuleDoc(
            whatItFinds: """
                Inside a function: an `except ... as e:` exception copied to another local (`err = e`) or appended to a \
                local list, `sys.exc_info()` kept whole (or any part but the type), `e.__traceback__` kept in a local, \
                and `inspect.currentframe()`, `sys._getframe()` or `inspect.stack()` stored in a local — each still held \
                on some path when the frame ends (a `return`, the end of the body, or a `raise` that leaves the function): \
                a `del name` or `name = None` on one branch only, or after a `return` that can run first (a success after \
                an earlier failure in a retry loop), does not release it. And `raise err` where `err` — or `self._exc`, `errors[0]`: anything \
                reached from a local or parameter — holds the exception being raised, whatever made it (a call, a copy of \
                an `except` alias, a list element), unless a `finally` releases it on every path.
                """,
            whyItMatters: """
                An exception holds its traceback (`__traceback__`), the traceback holds the frame (`tb_frame`) and the \
                frame holds all its local variables — including the one that holds the exception or the frame. That is \
                a reference cycle (raising an exception adds a traceback entry for the raising frame, so `raise err` closes it \
                too): when the function returns, the frame, the exception and *every other local* of the \
                function stay alive until the cyclic garbage collector runs (never while `gc` is disabled). This is why \
                Python deletes the `as e` name at the end of the `except` block.
                """,
            example: """
                ```python
                def parse_all(lines):
                    error = None
                    for line in lines:
                        try:
                            int(line)
                        except ValueError as exc:
                            error = exc          # HL103
                    return error
                ```
                """,
            useInstead: """
                ```python
                def parse_all(lines):
                    error = None
                    try:
                        for line in lines:
                            try:
                                int(line)
                            except ValueError as exc:
                                error = exc
                        return error
                    finally:
                        error = None          # break frame → error → traceback → frame
                ```
                Or keep only what you need: `message = str(exc)`, `kind = sys.exc_info()[0]`; for frames, \
                `del frame` in a `finally` block.
                """,
            whenItsFine: """
                Using the exception only inside the `except` block, keeping `str(exc)` or `type(exc)`, \
                `sys.exc_info()[0]`, `sys._getframe(1)` (the caller's frame does not refer to this one), and names \
                released later with `del name` or `name = None` are not reported; nor is `raise make_error()` or \
                `raise Error(...) from None` (no local holds the new exception), a bare `raise`, `raise e` inside its own \
                `except ... as e` block (Python deletes `e` when the block ends), or raising a name that holds a class \
                (`raise exc_type`: CPython makes a new instance). A caught exception stored on `self` or another object \
                is HL106's finding.
                """,
            references: [
                "https://docs.python.org/3/reference/compound_stmts.html#except-clause",
                "https://docs.python.org/3/library/inspect.html#the-interpreter-stack",
                "https://docs.python.org/3/library/sys.html#sys.exc_info",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let version = context.settings.targetVersion
        let retentions = context.heap.frameRetentions
        // A local already reported for keeping the exception closes the same cycle when it is raised.
        let reported = Set(retentions.map { $0.functionName + "." + $0.localName })
        let raised = context.heap.frameCycles.filter {
            $0.kind == .raisedFromLocal && !reported.contains($0.functionName + "." + $0.rootLocal)
        }.map { cycle in
            let held = cycle.holder == cycle.rootLocal ? "`\(cycle.holder)`" : "`\(cycle.holder)` (through the local `\(cycle.rootLocal)`)"
            return Finding(Self.self, range: cycle.site,
                           message: "The raised exception is still held by \(held) of the raising frame: its traceback will refer to this frame, a reference cycle that keeps every local of `\(cycle.functionName)()` alive until the cyclic garbage collector runs",
                           explanation: cycle.explanation(for: version))
        }
        let futures = context.heap.frameCycles.filter { $0.kind == .futureResultRaised }.map { cycle in
            Finding(Self.self, range: cycle.site,
                    message: "`\(cycle.raisingReceiver ?? cycle.holder).result()` re-raises the exception the future keeps while the local `\(cycle.holder)` still holds the future: if it failed, its traceback refers to this frame, a reference cycle that keeps every local of `\(cycle.functionName)()` alive until the cyclic garbage collector runs",
                    explanation: cycle.explanation(for: version))
        }
        return raised + futures + retentions.map { retention in
            let what: String
            switch retention.kind {
            case .exception: what = "the exception"
            case .exceptionInContainer: what = "a container holding the exception"
            case .excInfo: what = "sys.exc_info() (with the exception and its traceback)"
            case .traceback: what = "the traceback"
            case .frame: what = "the current frame"
            }
            return Finding(Self.self, range: retention.site,
                           message: "`\(retention.localName)` keeps \(what) in a local of the frame it refers to, a reference cycle that keeps every local of `\(retention.functionName)()` alive until the cyclic garbage collector runs",
                           explanation: retention.explanation(for: version))
        }
    }
}
