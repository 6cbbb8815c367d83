import HeapModel

/// HL107: a generator made from an object's own method (or from a function given the object) stored on
/// that object.
public struct GeneratorStoredOnObject: Rule {
    public static let metadata = RuleMetadata(
        code: "HL107", name: "generator-stored-on-object", family: .referenceCycles, status: .preview,
        severity: .info, fix: .never,
        summary: "A generator whose frame holds an object is stored on that object: a cycle until the generator is exhausted or closed.",
        doc: RuleDoc(
            whatItFinds: """
                `self._it = self._produce()` (or `obj.rows = read_rows(obj)`, `self._pending.append(self._work())`, or through a local first) where `_produce` \
                is a generator function of the same module, and neither the storing function, on every path after the \
                store, nor a lifecycle method of the object's own class (`close()`, `__exit__`, `shutdown()`, ... or a \
                method of `self` it calls) closes the generator or clears that attribute (`self._it.close()`, \
                `self._it = None`, `del self._it`).
                """,
            whyItMatters: """
                Calling a generator function creates a generator object that owns a frame (`gi_frame`), and that frame \
                holds the call's arguments as locals from the start, before the first `next()`: here, `self`. Storing \
                the generator on `self` closes the loop: instance → generator → frame → `self`. Only exhausting the \
                generator or calling `close()` clears its frame; an instance dropped before that is freed only by \
                the cyclic garbage collector, together with the generator and everything its frame holds.
                """,
            example: """
                ```python
                class Reader:
                    def __init__(self, lines):
                        self.lines = lines
                        self._rows = self._parse()    # HL107

                    def _parse(self):
                        for line in self.lines:
                            yield line.split(",")
                ```
                """,
            useInstead: """
                ```python
                class Reader:
                    def __init__(self, lines):
                        self.lines = lines
                        self._rows = parse(lines)     # a generator that does not hold the reader

                def parse(lines):
                    for line in lines:
                        yield line.split(",")
                ```
                Or close the generator when the object is done with it (`self._rows.close()` in `close()` or \
                `__exit__`).
                """,
            whenItsFine: """
                Generators that do not receive the object (`self._rows = parse(self.lines)`), generators the storing \
                function or the class's lifecycle methods close or clear, generators kept in a local, and coroutines (`async def`: they are awaited or wrapped \
                in a task, which runs them to completion) are not reported.
                """,
            references: [
                "https://docs.python.org/3/reference/expressions.html#generator-iterator-methods",
                "https://docs.python.org/3/library/inspect.html#inspect.getgeneratorlocals",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        context.heap.frameCycles.filter { $0.kind == .generatorStored }.map { cycle in
            Finding(Self.self, range: cycle.site,
                    message: "`\(cycle.holder)` stores a generator of `\(cycle.generatorName ?? "")()` whose frame holds `\(cycle.rootLocal)`: a reference cycle until the generator is exhausted or closed",
                    explanation: cycle.explanation(for: context.settings.targetVersion))
        }
    }
}
