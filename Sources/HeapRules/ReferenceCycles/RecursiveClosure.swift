import HeapModel

/// HL105: a nested function that refers to itself through its enclosing scope.
public struct RecursiveClosureRule: Rule {
    public static let metadata = RuleMetadata(
        code: "HL105", name: "recursive-closure", family: .referenceCycles, status: .stable,
        severity: .info, fix: .never,
        summary: "A nested function refers to itself by name, so its closure cell holds the function: a cycle per call.",
        doc: RuleDoc(
            whatItFinds: """
                A `def` nested in another function (or a lambda bound to a local name) whose body calls or mentions \
                its own name, which it reaches through the enclosing function's scope.
                """,
            whyItMatters: """
                A nested function reaches the names of its enclosing function through closure cells. When it refers to \
                itself, the cell holds the function and the function's `__closure__` holds the cell: a reference cycle \
                built on every call of the outer function. The function, its cells and everything else it captured \
                (often large locals such as a result list or a graph) are freed only by the cyclic garbage collector, \
                never while `gc` is disabled.
                """,
            example: """
                ```python
                def flatten(tree):
                    result = []

                    def walk(node):          # HL105
                        for child in node:
                            if isinstance(child, list):
                                walk(child)
                            else:
                                result.append(child)

                    walk(tree)
                    return result
                ```
                """,
            useInstead: """
                ```python
                def _walk(node, result):
                    for child in node:
                        if isinstance(child, list):
                            _walk(child, result)
                        else:
                            result.append(child)

                def flatten(tree):
                    result = []
                    _walk(tree, result)
                    return result
                ```
                Or `del walk` in a `finally` block once the helper is done, or an explicit stack instead of recursion.
                """,
            whenItsFine: """
                Module-level recursive functions (they reach themselves through the module's globals), methods that \
                recurse through `self`, nested helpers that do not mention their own name (an attribute `x.walk`, a \
                parameter or local of the same name, a comprehension's own loop variable `[proc(r) for proc in procs]` \
                and the imported name in `from m import walk as _walk` do not count), and helpers deleted after use are not reported. Outer \
                functions that run rarely make the cost negligible.
                """,
            references: [
                "https://docs.python.org/3/reference/executionmodel.html#resolution-of-names",
                "https://docs.python.org/3/library/gc.html",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        context.heap.recursiveClosures.map { closure in
            Finding(Self.self, range: closure.site,
                    message: "Nested function `\(closure.name)` refers to itself through its closure cell, a reference cycle created on every call of `\(closure.enclosingFunction)()`",
                    explanation: closure.explanation(for: context.settings.targetVersion))
        }
    }
}
