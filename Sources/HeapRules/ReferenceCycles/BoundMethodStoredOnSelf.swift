import HeapModel

/// HL102: a bound method, lambda, nested function, partial or thread target holding `self`, stored
/// where `self` reaches it.
public struct BoundMethodStoredOnSelf: Rule {
    public static let metadata = RuleMetadata(
        code: "HL102", name: "bound-method-stored-on-self", family: .referenceCycles, status: .stable,
        severity: .warning, fix: .never,
        summary: "A callable that holds the object (bound method, lambda, closure, partial, thread target) is stored on that object.",
        doc: RuleDoc(
            whatItFinds: """
                A callable that keeps `self` alive stored somewhere `self` reaches: `self.cb = self.method`, a dict or \
                list of handlers on `self` holding `self.on_x`, a lambda or nested function that uses `self` kept in an \
                attribute or an observer list on `self`, `functools.partial(..., self)` on `self`, \
                `threading.Thread(target=self.run)` stored on `self` and never started, \
                `self.future.add_done_callback(self.done)`.
                """,
            whyItMatters: """
                A bound method holds its instance in `__self__`; a lambda or nested function holds the variables it uses \
                in closure cells; a partial holds its arguments; a `Thread` holds its target until `run()` returns; a \
                future holds its callbacks until it completes. Storing one of them on the object closes a cycle: \
                reference counting can no longer free the object, only the cyclic garbage collector can, later \
                (never while `gc` is disabled), together with everything the object refers to.
                """,
            example: """
                ```python
                class Button:
                    def __init__(self):
                        self.on_click = self.default_click   # HL102: Button.on_click → bound method → Button
                ```
                """,
            useInstead: """
                ```python
                import weakref

                class Button:
                    def __init__(self):
                        self.on_click = weakref.WeakMethod(self.default_click)
                ```
                Or look the method up when it is needed (`getattr(self, name)`), pass the object as an argument \
                instead of capturing it, or clear the attribute/list in `close()`.
                """,
            whenItsFine: """
                `weakref.WeakMethod`, bound methods of *other* objects (`self.write = stream.write`), lambdas that do not use \
                `self`, values of properties and caching descriptors (`@property`, `@cached_property`, \
                `@memoized_property`: reading them gives the computed value, not a bound method), threads that are \
                started (a finished `Thread` drops its target), and handler lists cleared in a teardown method are not \
                reported. A done-callback cycle is reported, but its message says that an asyncio future drops it on \
                completion. Objects created once per process (a singleton app) do not need the fix.
                """,
            references: [
                "https://docs.python.org/3/library/weakref.html#weakref.WeakMethod",
                "https://docs.python.org/3/reference/datamodel.html#instance-methods",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        context.heap.cycles(closedBy: .callableHoldingOwner).map { cycle in
            let callable = cycle.objects.first(where: \.isCallable)?.label ?? "callable"
            let owner = cycle.objects.first(where: { $0.className != nil })?.className
                ?? cycle.objects.first(where: { !$0.isCallable && $0.containerKind == nil })?.label ?? "the object"
            return Finding(Self.self, range: cycle.site,
                           message: "`\(owner)` stores a \(callable) that holds it, forming a reference cycle; \(CycleMessages.reclaim(cycle, pronoun: "it"))",
                           explanation: cycle.explanation(for: context.settings.targetVersion))
        }
    }
}
