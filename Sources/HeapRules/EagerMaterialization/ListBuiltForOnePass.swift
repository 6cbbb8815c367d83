import HeapModel
import HeapSemantics
import HeapSyntax

/// HL301: a list (or set) comprehension, or `list(...)` around a lazy iterable, passed straight to a
/// function that iterates it once, when the list is large or its size grows with input.
public struct ListBuiltForOnePass: Rule {
    public static let metadata = RuleMetadata(
        code: "HL301", name: "list-built-for-one-pass", family: .eagerMaterialization, status: .stable,
        severity: .warning, fix: .sometimes,
        summary: "A large list is built only to be iterated once by sum(), any(), max(), sorted(), ...",
        doc: RuleDoc(
            whatItFinds: """
            A list comprehension (or `list(genexpr)`, `list(map(...))`) passed directly to a consumer that \
            iterates its argument once: `sum`, `any`, `all`, `min`, `max`, `sorted`, `set`, `tuple`, \
            `frozenset`, `dict`, `enumerate`, `zip`, `heapq.nlargest`/`nsmallest`, `collections.Counter`, \
            `statistics.mean`/`fmean`/`median`. Reported only when the list is large: its size, folded from \
            `range` bounds and module constants, reaches `large-threshold` (10,000 items by default), or it \
            is shown to grow with input (lines of a file, `readlines()`, a CSV reader, `os.walk`, a \
            database cursor's rows, standard input). An iterable whose size heaplint cannot know (a parameter, an attribute, a call it cannot see through: the fields of one model, the entities of one query) is not a finding by default; `--preview` (or `preview = true`) reports it too. `str.join` is not a consumer here: it builds a \
            list from a generator anyway. For consumers that keep every item (`tuple`, `set`, \
            `frozenset`, `sorted`, `Counter`, `statistics.median`) the message and estimate claim \
            only the temporary list itself (8 bytes per item plus over-allocation): the consumer builds \
            the same items from a generator.
            """,
            whyItMatters: """
            The comprehension runs to the end before the consumer starts, so every item is alive at once: \
            the list's pointer array (8 bytes per slot, over-allocated by ~1/8 while it grows) plus each \
            item object (a 28-byte int takes a 32-byte pymalloc block). `[i for i in range(10**7)]` peaks \
            at ~410 MB on CPython 3.11. A generator expression hands the consumer one item at a time; each \
            item is freed by reference counting as soon as the consumer drops it, and the generator itself \
            is ~200 bytes. That saving is real for reducing consumers (`sum`, `any`, `all`, `min`, \
            `max`, `math.fsum`, `statistics.mean`): a million ints peak at ~41 MB as a list and a few \
            hundred bytes as a generator. Consumers that keep every item build their result from the \
            same items either way, so the generator saves only the list's pointer array (~9 MB for a \
            million items, measured with tracemalloc in Tests/python/test_oracle_memory.py). `any`/`all` \
            also stop at the first decisive item, which the list form cannot.
            """,
            example: """
            ```python
            total = sum([i * i for i in range(10**7)])
            longest = max([len(line) for line in open(path)])
            ```
            """,
            useInstead: """
            ```python
            total = sum(i * i for i in range(10**7))
            longest = max(len(line) for line in open(path))
            ```
            """,
            whenItsFine: """
            Small collections: for a few hundred items a list comprehension is often faster than a \
            generator and costs nothing worth reporting, so literal-sized inputs are never reported (ruff's \
            C419 and pylint's R1728 do report them). A set comprehension passed to `sum`/`sorted` \
            deduplicates, so it is only reported for consumers where that does not matter (`set`, `min`, \
            `max`, `any`, `all`, `frozenset`). Names rebound in the module (`sum = my_sum`) are not builtins.
            """,
            fixSafety: """
            The fix removes the brackets when the comprehension is the only argument (`sum([...])` → \
            `sum(...)`) and turns them into parentheses otherwise (`sum([...], start)` → `sum((...), start)`), \
            keeping comments. It is unsafe for `any`, `all` and `zip`, which stop early so fewer items are \
            evaluated, and when the element or filter may have side effects (a call, `await`, `:=`), whose \
            order relative to the consumer changes. Otherwise it is safe. No fix is offered when removing \
            `list(` would delete a comment; only an unsafe one after `from m import *`, which may have \
            bound the consumer's name to something else.
            """,
            references: [
                "https://docs.python.org/3/reference/expressions.html#generator-expressions",
                "https://peps.python.org/pep-0289/",
                "https://docs.python.org/3/library/tracemalloc.html",
            ]),
        examples: ListBuiltForOnePassExamples.all)

    public init() {}

    /// Consumer → (which positional arguments it iterates, verb phrase, whether it may stop early).
    static let consumers: [String: (arguments: ArgumentSlots, verb: String, stopsEarly: Bool, setAllowed: Bool)] = [
        "sum": (.first, "sum it", false, false),
        "any": (.first, "test whether any item is true", true, true),
        "all": (.first, "test whether every item is true", true, true),
        "min": (.firstOfOne, "take its minimum", false, true),
        "max": (.firstOfOne, "take its maximum", false, true),
        "sorted": (.first, "copy it into sorted()'s own list", false, false),
        "set": (.first, "copy it into a set", false, true),
        "frozenset": (.first, "copy it into a frozenset", false, true),
        "tuple": (.first, "copy it into a tuple", false, false),
        "dict": (.first, "copy it into a dict", false, false),
        "enumerate": (.first, "enumerate it", false, false),
        "zip": (.all, "zip it", true, false),
        "heapq.nlargest": (.second, "pick the largest items", false, false),
        "heapq.nsmallest": (.second, "pick the smallest items", false, false),
        "collections.Counter": (.first, "count it", false, false),
        "statistics.mean": (.first, "average it", false, false),
        "statistics.fmean": (.first, "average it", false, false),
        "statistics.median": (.first, "copy it into median()'s sorted list", false, false),
        "math.fsum": (.first, "sum it", false, false),
        "math.prod": (.first, "multiply it out", false, false),
    ]

    enum ArgumentSlots { case first, firstOfOne, second, all }

    /// Consumers that keep every item they receive: they hold the same items when fed a generator,
    /// so passing one saves the temporary list itself (its pointer array), not the items. Measured
    /// with tracemalloc on 3.11 for a million ints: tuple 48.5 vs 40.7 MB, sorted 48.5 vs 40.5 MB
    /// (the list's ~9 MB); set/frozenset 90.8 vs 70.5 MB (the list, plus items not yet built when the
    /// set's table last resizes: the list is a floor). `dict` is not one: it keeps keys and values but
    /// drops each `(key, value)` pair, so a generator also saves the pairs (159 vs 85 MB).
    static let keepingConsumers: Set<String> = [
        "sorted", "set", "frozenset", "tuple", "collections.Counter", "statistics.median",
    ]

    public func check(_ context: AnalysisContext) -> [Finding] {
        let facts = EagerFacts(context)
        var findings: [Finding] = []
        for call in context.tree.nodes(ofKind: .call) {
            // Only a comprehension or a `list(...)` call argument can be reported: skip the other
            // calls before resolving their names.
            guard let argumentList = call.child(.arguments), argumentList.namedChildren.contains(where: {
                $0.kind == .listComprehension || $0.kind == .setComprehension || $0.kind == .call
            }) else { continue }
            guard let name = facts.calleeName(call), let consumer = Self.consumers[name],
                  let arguments = facts.positionalArguments(call) else { continue }
            let candidates: [Node]
            switch consumer.arguments {
            case .first: candidates = Array(arguments.prefix(1))
            case .firstOfOne: candidates = arguments.count == 1 ? arguments : []
            case .second: candidates = arguments.count >= 2 ? [arguments[1]] : []
            case .all: candidates = arguments
            }
            for argument in candidates {
                if let finding = finding(for: argument, consumerName: name, consumer: consumer, facts: facts) {
                    findings.append(finding)
                }
            }
        }
        return findings
    }

    private func finding(for argument: Node, consumerName: String,
                         consumer: (arguments: ArgumentSlots, verb: String, stopsEarly: Bool, setAllowed: Bool),
                         facts: EagerFacts) -> Finding? {
        let settings = facts.context.settings
        let size: IterableSize
        let shape: ElementShape
        let container: CollectionSizes.Container
        let containerName: String
        var edits: [TextEdit]?
        var sideEffects: Bool
        switch argument.kind {
        case .listComprehension, .setComprehension:
            if argument.kind == .setComprehension && !consumer.setAllowed { return nil }
            guard !facts.isAsync(argument) else { return nil }
            size = facts.sizer.size(ofComprehension: argument)
            shape = facts.sizer.elementShape(ofComprehension: argument)
            container = argument.kind == .listComprehension ? .grownList : .set
            containerName = argument.kind == .listComprehension ? "list" : "set"
            sideEffects = facts.mayHaveSideEffects(argument)
            let open = argument.range.start, close = argument.range.end - 1
            edits = facts.isSoleArgument(argument)
                ? [TextEdit(range: open..<open + 1, replacement: ""), TextEdit(range: close..<close + 1, replacement: "")]
                : [TextEdit(range: open..<open + 1, replacement: "("), TextEdit(range: close..<close + 1, replacement: ")")]
        case .call:
            // `list(x for x in xs)` / `list(map(f, xs))` / `list(filter(p, xs))`.
            guard facts.calleeName(argument) == "list", let listArguments = argument.child(.arguments) else { return nil }
            let inner: Node
            if listArguments.kind == .generatorExpression {
                guard !facts.isAsync(listArguments) else { return nil }
                inner = listArguments
                size = facts.sizer.size(ofComprehension: listArguments)
                shape = facts.sizer.elementShape(ofComprehension: listArguments)
                sideEffects = facts.mayHaveSideEffects(listArguments)
                let call = argument.range
                let removeParens = facts.isSoleArgument(argument)
                edits = removeParens
                    ? [TextEdit(range: call.start..<inner.range.start + 1, replacement: ""),
                       TextEdit(range: inner.range.end - 1..<call.end, replacement: "")]
                    : [TextEdit(range: call.start..<inner.range.start, replacement: "")]
                if facts.hasComment(in: call.start..<inner.range.start + 1) { edits = nil }
            } else {
                guard let only = facts.positionalArguments(argument), only.count == 1, only[0].kind == .call,
                      let innerName = facts.calleeName(only[0]), innerName == "map" || innerName == "filter" else { return nil }
                inner = only[0]
                size = facts.sizer.size(of: inner)
                shape = .object
                sideEffects = true
                edits = [TextEdit(range: argument.range.start..<inner.range.start, replacement: ""),
                         TextEdit(range: inner.range.end..<argument.range.end, replacement: "")]
                if facts.hasComment(in: argument.range.start..<inner.range.start) || facts.hasComment(in: inner.range.end..<argument.range.end) {
                    edits = nil
                }
            }
            container = .grownList
            containerName = "list"
        default:
            return nil
        }
        guard size.reaches(settings.largeThreshold, countingUnknown: settings.preview) else { return nil }
        let keepsItems = Self.keepingConsumers.contains(consumerName)
        let estimate: ByteEstimate
        let message: String
        let mechanism: String
        if keepsItems {
            // The items end up in the consumer's own collection either way: only the list is extra.
            estimate = CollectionSizes.estimate(container, size: size, shape: .sharedConstant, version: facts.version)
                .withBasis("the temporary \(containerName) itself; \(consumerName)() keeps the items either way")
            let saving = size.isUnbounded ? "the \(containerName) itself (8 B per item)" : "the \(containerName) itself (\(estimate.summary))"
            message = "Builds a \(containerName) \(size.isUnbounded ? "with" : "of") \(facts.itemsStep(size: size, shape: shape)) only to \(consumer.verb); \(consumerName)() keeps every item anyway, so a generator saves \(saving), not the items"
            mechanism = "the \(containerName) and \(consumerName)()'s result both hold every item until \(consumerName)() returns; then reference counting frees the \(containerName), the items stay in the result"
        } else {
            estimate = CollectionSizes.estimate(container, size: size, shape: shape, version: facts.version)
            message = "\(facts.buildsPhrase(containerName, size: size, shape: shape, estimate: estimate).sentenceCased) only to \(consumer.verb); a generator keeps one item at a time"
            mechanism = "every item stays alive until \(consumerName)() returns; only then does reference counting free the \(containerName) and its items"
        }
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "\(consumerName)() argument", via: "", to: containerName, site: argument.range, line: facts.line(argument)),
                   ReferenceStep(from: containerName, via: "", to: facts.itemsStep(size: size, shape: shape))],
            estimate: estimate,
            mechanism: mechanism,
            remedy: "pass a generator expression so \(consumerName)() receives one item at a time")
        var fix: Fix?
        // The consumer (and `list`, `map`, `filter` when `list(...)` is removed) must be the builtins
        // whose behaviour on a generator the safety reasoning above assumes.
        var named = [consumerName]
        if argument.kind == .call {
            named.append("list")
            if let only = facts.positionalArguments(argument)?.first, only.kind == .call, let inner = facts.calleeName(only) { named.append(inner) }
        }
        if let edits, let applicability = facts.fixApplicability(consumer.stopsEarly || sideEffects ? .unsafe : .safe,
                                                                  calling: named, at: argument) {
            fix = Fix(title: "Pass a generator instead of building a \(containerName)",
                      applicability: applicability, edits: edits)
        }
        return Finding(Self.self, range: argument.range, message: message, explanation: explanation, fix: fix)
    }
}
