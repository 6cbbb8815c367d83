import HeapModel
import HeapSemantics
import HeapSyntax

/// HL404: a mutable default argument (`[]`, `{}`, `set()`) that the function adds to.
public struct MutatedMutableDefault: Rule {
    public static let metadata = RuleMetadata(
        code: "HL404", name: "mutated-mutable-default", family: .processLifetime, status: .stable,
        severity: .warning, fix: .never,
        summary: "A mutable default argument is added to by the function, so it grows across calls.",
        doc: RuleDoc(
            whatItFinds: """
            A parameter whose default is a fresh mutable container (`[]`, `{}`, `set()`, `list()`, \
            `dict()`, `collections.defaultdict(...)`) that the function body adds to: `append`, `add`, \
            `extend`, `update`, `insert`, `setdefault`, `x[k] = v` on a dict with a non-constant key, \
            `x += ...`. A default that is only read, or a list whose slots are replaced (`state[0] += 1`, a \
            mutable counter), is not reported.
            """,
            whyItMatters: """
            The default is evaluated once, when `def` runs, and stored in the function's `__defaults__` \
            (or `__kwdefaults__`). The function object lives as long as its module (or class), so every \
            call that omits the argument adds to the same container, which is never freed: it grows for \
            the life of the process and keeps alive everything added to it.
            """,
            example: """
            ```python
            def visit(node, seen=set()):
                seen.add(node.id)
                ...
            ```
            """,
            useInstead: """
            ```python
            def visit(node, seen=None):
                if seen is None:
                    seen = set()
                seen.add(node.id)
            ```
            """,
            whenItsFine: """
            Defaults that are only read (`def f(opts={}): return opts.get("x")`), immutable defaults \
            (`()`, `frozenset()`), parameters rebound in the body before use (`seen = set(seen)`), and \
            functions defined inside another function, whose default is created anew on each call of the \
            outer one (`def seen(p, m={})` inside pkgutil's `walk_packages`).
            """,
            references: [
                "https://docs.python.org/3/reference/compound_stmts.html#function-definitions",
                "https://docs.astral.sh/ruff/rules/mutable-argument-default/",
            ]),
        examples: [
            .triggering("""
            def visit(node, seen=↓set()):
                seen.add(node.id)
                for child in node.children:
                    visit(child, seen)
            """, oracle: .run("""
                import types
                for i in range(n):
                    visit(types.SimpleNamespace(id=i, children=[]))
                """)),
            .triggering("""
            def log(message, history=↓[]):
                history.append(message)
                return history
            """, oracle: .run("""
                for i in range(n):
                    log(f"message {i}")
                """)),
            .triggering("""
            def memo_fib(n, _cache=↓{}):
                if n not in _cache:
                    _cache[n] = n if n < 2 else memo_fib(n - 1) + memo_fib(n - 2)
                return _cache[n]
            """, oracle: .run("""
                for i in range(n):
                    memo_fib(i)
                """)),
            .triggering("""
            class Collector:
                def gather(self, items, *, into=↓list()):
                    into.extend(items)
                    return into
            """, oracle: .run("""
                for i in range(n):
                    Collector().gather([i])
                """)),
            .triggering("""
            def count(word, counts: dict = ↓{}):
                counts[word] = counts.get(word, 0) + 1
                return counts[word]
            """, oracle: .run("""
                for i in range(n):
                    count(f"word-{i}")
                """)),
            .triggering("""
            def tag(item, tags=↓[]):
                tags += [item.kind]
                return tags
            """, oracle: .run("""
                import types
                for i in range(n):
                    tag(types.SimpleNamespace(kind=i))
                """)),
            .nonTriggering("""
            def lookup(key, table={}):
                return table.get(key)
            """, oracle: .run("""
                for i in range(n):
                    lookup(f"key-{i}")
                """)),
            .nonTriggering("""
            def visit(node, seen=None):
                if seen is None:
                    seen = set()
                seen.add(node.id)
            """, oracle: .run("""
                import types
                for i in range(n):
                    visit(types.SimpleNamespace(id=i, children=[]))
                """)),
            .nonTriggering("""
            def names(items, exclude=()):
                return [i for i in items if i not in exclude]
            """, oracle: .run("""
                for i in range(n):
                    names([i, i + 1])
                """)),
            .nonTriggering("""
            def merge(base, extra={}):
                result = dict(base)
                result.update(extra)
                return result
            """, oracle: .run("""
                for i in range(n):
                    merge({f"key-{i}": i})
                """)),
            .nonTriggering("""
            def collect(items, acc=[]):
                acc = list(acc)
                acc.extend(items)
                return acc
            """, oracle: .run("""
                for i in range(n):
                    collect([i])
                """)),
            .nonTriggering("""
            def counter(state=[0]):
                state[0] += 1
                state[0] = state[0] % 100
                return state[0]
            """, oracle: .run("""
                for _ in range(n):
                    counter()
                """)),
            .nonTriggering("""
            def first(items, default=frozenset()):
                return next(iter(items), default)
            """, oracle: .run("""
                for i in range(n):
                    first([i])
                """)),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let semantics = context.semantics
        let folder = context.folder
        let version = context.settings.targetVersion
        var findings: [Finding] = []
        for function in context.tree.nodes(ofKind: .functionDefinition) {
            guard let parameters = function.child(.parameters), let body = function.child(.body) else { continue }
            // A function defined inside another is created anew, with a fresh default, on every call of
            // the outer one (pkgutil's `def seen(p, m={})` in walk_packages): the memo lasts one call.
            if LifetimeFacts.enclosingFunction(of: function) != nil { continue }
            for parameter in parameters.namedChildren where parameter.kind == .defaultParameter || parameter.kind == .typedDefaultParameter {
                guard let nameNode = parameter.child(.name), nameNode.kind == .identifier, let value = parameter.child(.value),
                      let kind = LifetimeFacts.containerKind(of: value, semantics: semantics, folder: folder) else { continue }
                let name = nameNode.text
                var rebound = false
                var growth: Node?
                for node in body.descendants {
                    switch node.kind {
                    case .assignment:
                        if let left = node.child(.left), ConstantFolder.boundIdentifiers(in: left).contains(name) { rebound = true }
                        // `state[0] = n` replaces a slot of a list (or a constant key): no growth.
                        if growth == nil, kind != "list", let left = node.child(.left), left.kind == .subscript,
                           left.child(.value)?.kind == .identifier, left.child(.value)?.text == name,
                           let key = left.child(.subscript), ![.string, .integer, .true, .false, .none].contains(key.kind) { growth = node }
                    case .augmentedAssignment:
                        if growth == nil, node.child(.left)?.kind == .identifier, node.child(.left)?.text == name { growth = node }
                    case .forStatement, .forInClause, .namedExpression:
                        if let left = node.child(.left) ?? node.child(.name), ConstantFolder.boundIdentifiers(in: left).contains(name) { rebound = true }
                    case .call:
                        if growth == nil, let callee = node.child(.function), callee.kind == .attribute,
                           callee.child(.object)?.kind == .identifier, callee.child(.object)?.text == name,
                           let method = callee.child(.attribute)?.text, LifetimeFacts.growingMethods.contains(method) {
                            growth = node
                        }
                    default:
                        continue
                    }
                }
                // Rebinding makes growth after it touch a different object; stay quiet rather than guess.
                guard !rebound, let growth else { continue }
                let functionName = function.child(.name)?.text ?? "function"
                let containerModel: CollectionSizes.Container = kind == "list" ? .grownList : (kind == "set" ? .set : .dict)
                let explanation = HeapExplanation(
                    path: [ReferenceStep(from: "function \(functionName)", via: "__defaults__", to: "\(kind) (created once, line \(value.start.line + 1))", site: value.range, line: value.start.line + 1),
                           ReferenceStep(from: kind, via: "", to: "items added on every call (line \(growth.start.line + 1))", site: growth.range, line: growth.start.line + 1)],
                    estimate: ByteEstimate(lowerBytes: CollectionSizes.containerBytes(containerModel, count: 0, version: version), upperBytes: nil,
                                           version: version, basis: "one item per call that omits `\(name)`, kept for the life of the function"),
                    mechanism: "the default is evaluated once when def runs and lives in the function's __defaults__ as long as the function",
                    remedy: "default to None and create a new \(kind) inside the function")
                findings.append(Finding(Self.self, range: value.range,
                    message: "The default `\(value.text)` for `\(name)` is created once and \(functionName)() adds to it (line \(growth.start.line + 1)), so it grows across calls for the life of the function",
                    explanation: explanation))
            }
        }
        return findings
    }
}
