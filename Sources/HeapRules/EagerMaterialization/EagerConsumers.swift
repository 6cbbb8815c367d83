import HeapModel
import HeapSemantics
import HeapSyntax

/// Facts the HL3xx rules share for one file: constant folding, the iterable sizer, and the
/// syntax checks their fixes need (comments in a range, side effects in a comprehension).
struct EagerFacts {
    let context: AnalysisContext
    let folder: ConstantFolder
    let sizer: IterableSizer
    let commentRanges: [SourceRange]

    init(_ context: AnalysisContext) {
        self.context = context
        self.folder = context.folder
        self.sizer = context.sizer
        self.commentRanges = context.tree.nodes(ofKind: .comment).map(\.range)
    }

    var version: TargetVersion { context.settings.targetVersion }

    /// The import-resolved name of a callee; bare builtins only when the file never rebinds them.
    func calleeName(_ call: Node) -> String? {
        guard let function = call.child(.function), let name = context.semantics.qualifiedName(of: function) else { return nil }
        if !name.contains(".") && !folder.isBuiltin(name, at: call) { return nil }
        if function.kind == .identifier, !name.contains("."), context.semantics.importedNames[name] != nil { return nil }
        return name
    }

    /// How safe a fix is that leaves calls to the builtins `names` at `node` (writes a new one, or
    /// changes what an existing one receives): nil (no fix) when any is shadowed there, at most
    /// `.unsafe` when a wildcard import may have rebound one, else `applicability`.
    func fixApplicability(_ applicability: FixApplicability, calling names: [String], at node: Node) -> FixApplicability? {
        var result = applicability
        for name in names where !name.contains(".") {
            switch folder.builtinBinding(name, at: node) {
            case .builtin: continue
            case .shadowed: return nil
            case .unknown: result = .unsafe
            }
        }
        return result
    }

    /// Positional arguments of a call, without comments; nil if it has `*args`/`**kwargs`.
    func positionalArguments(_ call: Node) -> [Node]? {
        guard let arguments = call.child(.arguments) else { return nil }
        if arguments.kind == .generatorExpression { return [arguments] }
        var result: [Node] = []
        for child in arguments.namedChildren where child.kind != .comment {
            switch child.kind {
            case .keywordArgument: continue
            case .listSplat, .dictionarySplat, .parenthesizedListSplat: return nil
            default: result.append(child)
            }
        }
        return result
    }

    /// Whether `node` is the only thing in its call's parentheses (no other argument, no trailing comma).
    func isSoleArgument(_ node: Node) -> Bool {
        guard let arguments = node.parent, arguments.kind == .argumentList else { return false }
        let named = arguments.namedChildren.filter { $0.kind != .comment }
        guard named.count == 1, named[0] == node else { return false }
        return !arguments.children.contains { !$0.isNamed && $0.textEquals(",") }
    }

    func hasComment(in range: Range<Int>) -> Bool {
        commentRanges.contains { $0.start < range.upperBound && $0.end > range.lowerBound }
    }

    /// Whether evaluating the comprehension lazily instead of eagerly could change what happens:
    /// any call, await, yield or walrus outside the first `for` clause's iterable (which is
    /// evaluated up front in both forms).
    func mayHaveSideEffects(_ comprehension: Node) -> Bool {
        let firstIterable = comprehension.namedChildren.first { $0.kind == .forInClause }?.child(.right)
        for node in comprehension.descendants {
            if let firstIterable, firstIterable.contains(node) { continue }
            switch node.kind {
            case .call:
                if let function = node.child(.function), function.kind == .identifier,
                   Self.pureBuiltins.contains(function.text), folder.isBuiltin(function.text, at: node) { continue }
                return true
            case .await, .yield, .namedExpression: return true
            default: continue
            }
        }
        return false
    }

    static let pureBuiltins: Set<String> = [
        "len", "str", "int", "float", "abs", "round", "min", "max", "repr", "ord", "chr", "bool", "tuple",
        "isinstance", "hash", "divmod", "pow", "hex", "oct", "bin", "sum", "any", "all", "sorted",
    ]

    func isAsync(_ comprehension: Node) -> Bool {
        comprehension.namedChildren.contains { clause in
            clause.kind == .forInClause && clause.children.contains { !$0.isNamed && $0.textEquals("async") }
        }
    }

    /// "builds a list of ~10,000,000 ints (~410 MB on CPython 3.11)" or, unbounded,
    /// "builds a list with an item for each of a file's lines (grows with input)".
    func buildsPhrase(_ containerName: String, size: IterableSize, shape: ElementShape, estimate: ByteEstimate) -> String {
        switch size {
        case .unbounded(let source):
            return "builds a \(containerName) with an item for each of \(source) (grows with input)"
        case .exactly(let n):
            return "builds a \(containerName) of ~\(CollectionSizes.formatCount(n)) \(shape.pluralNoun) (\(estimate.summary) on \(version.displayName))"
        case .atMost(let n):
            return "builds a \(containerName) of up to \(CollectionSizes.formatCount(n)) \(shape.pluralNoun) (up to \(ByteEstimate.format(estimate.upperBytes ?? 0)) on \(version.displayName))"
        }
    }

    /// `10,000,000 int` / `one item per element of a file's lines` for path steps.
    func itemsStep(size: IterableSize, shape: ElementShape) -> String {
        switch size {
        case .unbounded(let source): "an item for each of \(source)"
        case .exactly(let n): "\(CollectionSizes.formatCount(n)) \(shape.pluralNoun)"
        case .atMost(let n): "up to \(CollectionSizes.formatCount(n)) \(shape.pluralNoun)"
        }
    }

    func line(_ node: Node) -> Int { node.start.line + 1 }

    var generatorSummary: String { "~\(ByteEstimate.format(CollectionSizes.generatorBytes(version: version)))" }
}
