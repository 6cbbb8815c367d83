import HeapModel
import HeapSyntax

/// HL106: an exception caught in a function (or its traceback, or the frame itself) stored on an object
/// one of the function's locals reaches.
public struct ExceptionStoredOnObject: Rule {
    public static let metadata = RuleMetadata(
        code: "HL106", name: "exception-stored-on-object", family: .referenceCycles, status: .stable,
        severity: .warning, fix: .never,
        summary: "A caught exception is stored on an object the catching frame holds, so the exception's traceback and the frame keep each other alive.",
        doc: RuleDoc(
            whatItFinds: """
                Inside a function: an exception caught there (`except ... as e`, `sys.exc_info()[1]`, \
                `sys.exception()`, or a local copied from one), its `__traceback__`, `sys.exc_info()`, or \
                `inspect.currentframe()` stored on an object that a local or parameter reaches — `self._exc = e`, \
                `result.error = e`, `self.errors.append(e)`, `state["error"] = e`, `future.set_exception(e)`, \
                also inside a tuple (`self.history.append((when, e))`) — without the traceback being dropped. And in \
                `__exit__`/`__aexit__`, storing the exception or traceback parameter on `self`: their traceback \
                starts at the frame that ran the `with` block, which keeps the context manager \
                (`with self.assertRaises(E) as cm:` is the classic case).
                """,
            whyItMatters: """
                The traceback of an exception caught in a function starts at that function's frame (`tb_frame`), and \
                the frame keeps every local and parameter alive (`f_locals`), `self` included. Storing the exception \
                on `self` closes the loop: instance → exception → `__traceback__` → traceback → frame → `self`. \
                Reference counting can never free any of it; the instance, the exception, the frame and every other \
                local of the frame wait for the cyclic garbage collector (and are never freed while `gc` is disabled). \
                `concurrent.futures` and `asyncio` futures store exceptions this way, which is why their own code \
                takes care to drop the traceback or break the cycle.
                """,
            example: """
                ```python
                class Job:
                    def run(self):
                        try:
                            self.work()
                        except Exception as exc:
                            self.error = exc      # HL106
                ```
                """,
            useInstead: """
                ```python
                class Job:
                    def run(self):
                        try:
                            self.work()
                        except Exception as exc:
                            self.error = exc.with_traceback(None)   # or traceback.format_exception(exc)
                ```
                Or keep only what is needed later (`str(exc)`, `type(exc)`, the formatted traceback text), or clear \
                the stored exception once it has been reported.
                """,
            whenItsFine: """
                Storing an exception that was made or caught elsewhere (a `set_exception(self, exc)` method that \
                receives it as a parameter: its traceback does not reach this frame), storing `str(exc)`, \
                `exc.with_traceback(None)`, or the exception after `exc.__traceback__ = None`, and stores that a \
                `finally` block undoes are not reported. A global (`_last_error = e` with `global`) is kept by the \
                module for the process's life anyway, and is not reported here.
                """,
            references: [
                "https://docs.python.org/3/reference/datamodel.html#traceback-objects",
                "https://docs.python.org/3/library/exceptions.html#BaseException.with_traceback",
                "https://docs.python.org/3/library/gc.html",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        Self.oneFindingPerCycle(context.heap.frameCycles.filter { $0.kind == .exceptionStored }, tree: context.tree)
            .map { cycle, others in
            var explanation = cycle.explanation(for: context.settings.targetVersion)
            explanation.alsoClosedAt = others.map {
                ClosingSite(site: $0.site, line: $0.line + 1, summary: "\($0.holder) ← exception")
            }
            let what: String
            switch cycle.stored ?? .exception {
            case .exception: what = "the caught exception"
            case .traceback: what = "the traceback of an exception caught here"
            case .excInfo: what = "sys.exc_info() (the caught exception and its traceback)"
            case .frame: what = "the current frame"
            }
            if cycle.throughWithBlock {
                return Finding(Self.self, range: cycle.site,
                               message: "`\(cycle.holder)` now holds the exception passed to `__exit__`, whose traceback refers to the frame that ran the `with` block, which keeps the context manager (`with ... as cm`): a reference cycle only the cyclic garbage collector can free",
                               explanation: explanation)
            }
            return Finding(Self.self, range: cycle.site,
                           message: "`\(cycle.holder)` now holds \(what), whose traceback refers to the frame of `\(cycle.functionName)()`, which holds `\(cycle.rootLocal)`: a reference cycle only the cyclic garbage collector can free",
                           explanation: explanation)
        }
    }

    /// One finding per cycle: the stores of one function into the same slot (`self.parser_exc = exc` in
    /// five `except` clauses of one `parse()`) all close the same loop — instance → exception →
    /// `__traceback__` → traceback → that function's frame → `f_locals` → instance — so at run time there is
    /// one cycle per call whichever clause ran. They are one finding at the first store; the others are its
    /// related locations (`alsoClosedAt`). Different slots (`request._exception`, `self.handshake_exc`) or
    /// different functions stay separate findings.
    static func oneFindingPerCycle(_ cycles: [FrameCycle], tree: SyntaxTree) -> [(FrameCycle, [FrameCycle])] {
        struct Key: Hashable {
            let function: Int
            let holder: String
            let rootLocal: String
            let stored: String
            let throughWithBlock: Bool
        }
        var order: [Key] = []
        var groups: [Key: [FrameCycle]] = [:]
        for cycle in cycles.sorted(by: { $0.site.start < $1.site.start }) {
            // The enclosing `def` (by its start offset) identifies the frame: two methods of one name in
            // different classes are different frames.
            let function = tree.namedNode(at: cycle.site.start).ancestors
                .first { $0.kind == .functionDefinition }?.range.start ?? -1
            let key = Key(function: function, holder: cycle.holder, rootLocal: cycle.rootLocal,
                          stored: "\(cycle.stored ?? .exception)", throughWithBlock: cycle.throughWithBlock)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(cycle)
        }
        return order.compactMap { key in
            guard let members = groups[key], let first = members.first else { return nil }
            return (first, Array(members.dropFirst()))
        }
    }
}
