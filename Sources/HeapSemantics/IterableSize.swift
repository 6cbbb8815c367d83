#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapSyntax

/// How many items iterating an expression yields, as far as the source tells: an exact count
/// (`range(10**7)`, a literal), an upper bound (a filtered comprehension), a small bounded set
/// (`*args`, `sys.argv`, a literal), or unbounded because it depends on input (a file, a cursor,
/// `os.walk`, an iterable heaplint cannot see through).
public enum IterableSize: Sendable, Hashable {
    case exactly(Int)
    case atMost(Int)
    /// The size depends on input; `source` says what it comes from ("a file's lines", "`items`").
    case unbounded(source: String)

    /// The largest count the source allows, nil when unbounded.
    public var upperCount: Int? {
        switch self {
        case .exactly(let n), .atMost(let n): n
        case .unbounded: nil
        }
    }

    public var isUnbounded: Bool { upperCount == nil }

    /// Whether the rules should report a materialization of this size.
    public func reaches(_ threshold: Int) -> Bool {
        guard let n = upperCount else { return true }
        return n >= threshold
    }

    /// Whether heaplint could not size the iterable at all (a parameter, an attribute, a call it
    /// cannot see through): its `source` is the expression itself. Such a size is not shown large.
    public var isUnknown: Bool {
        if case .unbounded(let source) = self { return source.hasPrefix("`") }
        return false
    }

    /// Whether the rules should report a materialization of this size: a size at or above
    /// `threshold`, or one shown to grow with input (file lines, a cursor, a directory walk). An
    /// unknown size counts only when `countingUnknown` (the HL3xx preview behaviour).
    public func reaches(_ threshold: Int, countingUnknown: Bool) -> Bool {
        if isUnknown { return countingUnknown }
        return reaches(threshold)
    }

    func filtered() -> IterableSize {
        switch self {
        case .exactly(let n): .atMost(n)
        default: self
        }
    }
}

/// What each item of a comprehension is, for the byte model: ints up to a value, floats, strings,
/// shared constants (small ints, None, bools: no new object per item), tuples, or unknown objects.
public enum ElementShape: Sendable, Hashable {
    case int(maxMagnitude: Int?)
    case float
    case string
    case sharedConstant
    case tuple(count: Int)
    case object

    /// "ints", "floats", "strs", "items" — the plural used in messages.
    public var pluralNoun: String {
        switch self {
        case .int: "ints"
        case .float: "floats"
        case .string: "strs"
        case .tuple: "tuples"
        case .sharedConstant, .object: "items"
        }
    }
}

/// Sizes iterables and comprehensions from the syntax tree, constant folding and imports.
public struct IterableSizer: Sendable {
    public let semantics: SemanticModel
    public let folder: ConstantFolder

    /// Each scope's bindings, by name, built on first use: one scan per scope instead of one per
    /// name looked up (N module-level loops each sizing a name scanned the module N times).
    private let bindings = ScopeBindingsCache()

    public init(semantics: SemanticModel, folder: ConstantFolder) {
        self.semantics = semantics
        self.folder = folder
    }

    /// Calls whose result yields input-dependent data, by import-resolved name.
    static let unboundedSources: [String: String] = [
        "open": "a file's lines", "io.open": "a file's lines", "codecs.open": "a file's lines",
        "gzip.open": "a file's lines", "bz2.open": "a file's lines", "lzma.open": "a file's lines",
        "fileinput.input": "the input files' lines", "csv.reader": "a CSV file's rows",
        "csv.DictReader": "a CSV file's rows", "os.walk": "a directory tree's entries", "os.scandir": "a directory's entries",
        "os.listdir": "a directory's entries", "glob.glob": "the matching paths", "glob.iglob": "the matching paths",
        "itertools.count": "an endless counter's values", "itertools.cycle": "an endless cycle's items",
        "itertools.repeat": "a repeat's items", "itertools.product": "a cartesian product's tuples",
        "itertools.permutations": "the permutations", "itertools.combinations": "the combinations",
    ]

    /// Method names whose result is input-dependent data whatever the receiver.
    static let unboundedMethods: [String: String] = [
        "readlines": "a file's lines", "fetchall": "a database cursor's rows", "fetchmany": "a database cursor's rows",
        "execute": "a database cursor's rows", "iterdir": "a directory's entries", "rglob": "a directory tree's entries",
        "glob": "the matching paths", "iter_lines": "a response's lines", "iter_content": "a response's chunks",
    ]

    /// Names whose contents are small by nature: iterating them never builds a large list.
    static let smallSources: Set<String> = [
        "sys.argv", "sys.path", "sys.modules", "sys.meta_path", "sys.path_hooks", "os.environ",
        "string.ascii_letters", "string.ascii_lowercase", "string.ascii_uppercase", "string.digits",
        "string.hexdigits", "string.punctuation", "string.printable", "string.whitespace",
        "calendar.day_name", "calendar.day_abbr", "calendar.month_name", "calendar.month_abbr",
    ]
    static let smallCalls: Set<String> = [
        "dir", "vars", "locals", "globals", "dataclasses.fields", "dataclasses.asdict", "inspect.getmembers",
        "inspect.signature", "os.environ.items", "sys.argv", "sys.exc_info",
    ]
    static let smallBound = 256

    /// Items a comprehension yields: the product of its `for` clauses, bounded (not exact) if filtered.
    public func size(ofComprehension comprehension: Node) -> IterableSize {
        if let sequence = batchedSequence(of: comprehension) {
            return .unbounded(source: "the batches of `\(Self.short(sequence))` (together a copy of every item)")
        }
        return size(ofComprehension: comprehension, depth: 0)
    }

    /// `[objs[i:i + n] for i in range(0, len(objs), n)]` (django's `bulk_create` batching): slices
    /// that together copy the whole sequence, so the list costs as much as the input itself.
    /// Returns the sliced sequence's text.
    public func batchedSequence(of comprehension: Node) -> String? {
        let clauses = comprehension.namedChildren.filter { $0.kind == .forInClause }
        guard clauses.count == 1, let variable = clauses[0].child(.left), variable.kind == .identifier,
              let iterable = clauses[0].child(.right), iterable.kind == .call,
              iterable.child(.function)?.textEquals("range") == true,
              let body = comprehension.child(.body) ?? comprehension.firstNamedChild, body.kind == .subscript,
              let sequence = body.child(.value), let slice = body.child(.subscript), slice.kind == .slice,
              slice.firstNamedChild?.text == variable.text else { return nil }
        let bounds = iterable.child(.arguments)?.namedChildren.filter { $0.kind != .comment } ?? []
        guard bounds.count >= 2, bounds[1].kind == .call, bounds[1].child(.function)?.textEquals("len") == true,
              bounds[1].child(.arguments)?.firstNamedChild?.text == sequence.text else { return nil }
        return sequence.text
    }

    private func size(ofComprehension comprehension: Node, depth: Int) -> IterableSize {
        guard depth < 8 else { return .unbounded(source: "`\(Self.short(comprehension.text))`") }
        var total: IterableSize = .exactly(1)
        var filteredAny = false
        for clause in comprehension.namedChildren {
            if clause.kind == .ifClause { filteredAny = true; continue }
            guard clause.kind == .forInClause, let iterable = clause.child(.right) else { continue }
            let size = size(of: iterable, depth: depth + 1)
            switch (total.upperCount, size.upperCount) {
            case (let a?, let b?):
                let (product, overflow) = a.multipliedReportingOverflow(by: b)
                let exact: Bool
                if case .exactly = total, case .exactly = size { exact = true } else { exact = false }
                total = overflow ? .atMost(Int.max) : (exact ? .exactly(product) : .atMost(product))
            case (_, nil):
                return size
            case (nil, _):
                return total
            }
        }
        return filteredAny ? total.filtered() : total
    }

    /// Items iterating `node` yields.
    public func size(of node: Node) -> IterableSize { size(of: node, depth: 0) }

    private func size(of node: Node, depth: Int) -> IterableSize {
        guard depth < 8 else { return .unbounded(source: "`\(Self.short(node.text))`") }
        switch node.kind {
        case .list, .tuple, .set, .dictionary:
            if node.namedChildren.contains(where: { $0.kind == .listSplat || $0.kind == .dictionarySplat }) {
                return .atMost(Self.smallBound)
            }
            return .exactly(node.namedChildren.filter { $0.kind != .comment }.count)
        case .string, .concatenatedString:
            return .atMost(max(node.range.end - node.range.start, 1))
        case .parenthesizedExpression:
            if let inner = node.firstNamedChild { return size(of: inner, depth: depth + 1) }
        case .listComprehension, .setComprehension, .dictionaryComprehension, .generatorExpression:
            return size(ofComprehension: node, depth: depth + 1)
        case .call:
            return size(ofCall: node, depth: depth)
        case .attribute:
            if let name = semantics.qualifiedName(of: node) {
                if Self.smallSources.contains(name) || name.hasSuffix("__slots__") || name.hasSuffix("__all__") {
                    return .atMost(Self.smallBound)
                }
                if name == "sys.stdin" { return .unbounded(source: "standard input's lines") }
            }
        case .identifier:
            return size(ofName: node, depth: depth)
        case .subscript:
            // `xs[0:2]`, `xs[:10]`: a slice with constant, non-negative bounds has at most stop - start items.
            if let slice = node.child(.subscript), slice.kind == .slice {
                let parts = slice.children.map { $0 }
                var bounds: [Int?] = [nil, nil]
                var position = 0
                for part in parts {
                    if !part.isNamed && part.textEquals(":") { position += 1; continue }
                    if position < 2, part.isNamed { bounds[position] = folder.integerValue(of: part) }
                }
                if position <= 1, let stop = bounds[1], stop >= 0, (bounds[0] ?? 0) >= 0 {
                    return .atMost(max(0, stop - (bounds[0] ?? 0)))
                }
            }
        default:
            break
        }
        return .unbounded(source: "`\(Self.short(node.text))`")
    }

    private func size(ofCall call: Node, depth: Int) -> IterableSize {
        guard let function = call.child(.function) else { return .unbounded(source: "a call") }
        let arguments = call.child(.arguments)?.namedChildren.filter { $0.kind != .comment && $0.kind != .keywordArgument } ?? []
        let hasKeywords = call.child(.arguments)?.namedChildren.contains { $0.kind == .keywordArgument } ?? false
        let fallback = IterableSize.unbounded(source: "`\(Self.short(call.text))`")
        if let name = semantics.qualifiedName(of: function) {
            let isBuiltin = !name.contains(".") && folder.isBuiltin(name, at: call)
            if isBuiltin && name == "range" && !hasKeywords {
                let values = arguments.map { folder.integerValue(of: $0) }
                guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
                    return .unbounded(source: "`\(Self.short(call.text))` (bound known only at run time)")
                }
                let v = values.compactMap { $0 }
                let (start, stop, step) = v.count == 1 ? (0, v[0], 1) : (v[0], v[1], v.count > 2 ? v[2] : 1)
                guard step != 0 else { return .exactly(0) }
                let span = step > 0 ? stop - start : start - stop
                let stride = abs(step)
                return .exactly(span <= 0 ? 0 : (span + stride - 1) / stride)
            }
            if let source = Self.unboundedSources[name], isBuiltin || name.contains(".") {
                return .unbounded(source: source)
            }
            if Self.smallCalls.contains(name) && (isBuiltin || name.contains(".")) { return .atMost(Self.smallBound) }
            if isBuiltin, ["enumerate", "reversed", "sorted", "list", "tuple", "set", "frozenset", "iter", "map", "filter", "dict"].contains(name) {
                let index = name == "map" || name == "filter" ? 1 : 0
                guard arguments.count > index else { return name == "iter" ? fallback : .exactly(0) }
                let inner = size(of: arguments[index], depth: depth + 1)
                return name == "filter" ? inner.filtered() : inner
            }
            if isBuiltin, name == "zip" {
                let sizes = arguments.map { size(of: $0, depth: depth + 1) }
                if let smallest = sizes.compactMap(\.upperCount).min() { return .atMost(smallest) }
                return sizes.first ?? .exactly(0)
            }
        }
        if function.kind == .attribute, let method = function.child(.attribute)?.text, let receiver = function.child(.object) {
            if let source = Self.unboundedMethods[method] { return .unbounded(source: source) }
            if ["items", "keys", "values", "copy", "split", "splitlines"].contains(method) {
                let inner = size(of: receiver, depth: depth + 1)
                if inner.upperCount != nil { return method == "split" || method == "splitlines" ? inner.filtered() : inner }
                return .unbounded(source: "`\(Self.short(call.text))`")
            }
        }
        return fallback
    }

    private func size(ofName name: Node, depth: Int) -> IterableSize {
        let text = name.text
        let unknown = IterableSize.unbounded(source: "`\(text)`")
        let scope = Self.enclosingScope(of: name)
        // `*args` / `**kwargs` parameters hold the call's arguments: small.
        if let parameters = scope.kind == .functionDefinition ? scope.child(.parameters) : nil {
            for parameter in parameters.namedChildren where parameter.kind == .listSplatPattern || parameter.kind == .dictionarySplatPattern {
                if parameter.firstNamedChild?.text == text { return .atMost(Self.smallBound) }
            }
        }
        let found = bindings.of(scope)[text]
        let values = found?.values ?? [], grows = found?.grows ?? false, otherBinding = found?.otherBinding ?? false
        if values.isEmpty, scope.kind != .module {
            // A global read inside a function: use the module's single binding, if any.
            if let value = folder.moduleConstants[text] { return sized(value, grows: grows, depth: depth, unknown: unknown) }
        }
        // Many bindings fan out exponentially through nested names: give up early.
        if values.count > 8 { return unknown }
        guard values.count == 1, !otherBinding, let value = values.first else {
            // Several bindings: bounded only if every one of them is a small literal.
            if !values.isEmpty, !otherBinding, !grows {
                let sizes = values.map { size(of: $0, depth: depth + 1) }
                if let largest = sizes.compactMap(\.upperCount).max(), sizes.allSatisfy({ $0.upperCount != nil }) {
                    return .atMost(largest)
                }
                if let unboundedSize = sizes.first(where: { $0.isUnbounded }), case .unbounded(let s) = unboundedSize,
                   !s.hasPrefix("`") { return unboundedSize }
            }
            return unknown
        }
        return sized(value, grows: grows, depth: depth, unknown: unknown)
    }

    private func sized(_ value: Node, grows: Bool, depth: Int, unknown: IterableSize) -> IterableSize {
        let inner = size(of: value, depth: depth + 1)
        if case .unbounded(let source) = inner, source.hasPrefix("`") { return unknown }
        if grows && inner.upperCount != nil { return unknown }
        return inner
    }

    /// The function (or module) whose locals a name in `node` refers to.
    public static func enclosingScope(of node: Node) -> Node {
        for ancestor in node.ancestors where ancestor.kind == .functionDefinition || ancestor.kind == .module {
            return ancestor
        }
        return node.tree.root
    }

    /// The shape of each element a comprehension builds.
    public func elementShape(ofComprehension comprehension: Node) -> ElementShape {
        guard let body = comprehension.child(.body) ?? comprehension.firstNamedChild else { return .object }
        return shape(of: body, in: comprehension, depth: 0)
    }

    private func shape(of expression: Node, in comprehension: Node, depth: Int) -> ElementShape {
        // Deeply nested operators (`1 + 1 + ... + 1`) must not exhaust the stack.
        guard depth < 32 else { return .object }
        switch expression.kind {
        case .integer:
            guard let value = folder.integerValue(of: expression) else { return .int(maxMagnitude: nil) }
            return (-5...256).contains(value) ? .sharedConstant : .int(maxMagnitude: abs(value))
        case .true, .false, .none:
            return .sharedConstant
        case .float:
            return .float
        case .string, .concatenatedString:
            return expression.text.hasPrefix("f") || expression.text.hasPrefix("F") ? .string : .sharedConstant
        case .tuple:
            return .tuple(count: expression.namedChildren.count)
        case .parenthesizedExpression:
            if let inner = expression.firstNamedChild { return shape(of: inner, in: comprehension, depth: depth + 1) }
        case .identifier:
            // The loop variable of a `range(...)` clause: ints up to the range's end.
            for clause in comprehension.namedChildren where clause.kind == .forInClause {
                guard clause.child(.left)?.kind == .identifier, clause.child(.left)?.text == expression.text,
                      let iterable = clause.child(.right), iterable.kind == .call,
                      let function = iterable.child(.function), function.textEquals("range"), folder.isBuiltin("range", at: iterable)
                else { continue }
                let bounds = iterable.child(.arguments)?.namedChildren.compactMap { folder.integerValue(of: $0) } ?? []
                let magnitude = bounds.map(abs).max()
                if let magnitude, magnitude <= 257 { return .sharedConstant }
                return .int(maxMagnitude: magnitude)
            }
        case .binaryOperator:
            let op = expression.child(.operator)?.text ?? ""
            if op == "/" { return .float }
            if let left = expression.child(.left), let right = expression.child(.right) {
                let l = shape(of: left, in: comprehension, depth: depth + 1), r = shape(of: right, in: comprehension, depth: depth + 1)
                if case .float = l { return .float }
                if case .float = r { return .float }
                if case .int = l, ["+", "-", "*", "//", "%", "**", "<<", "|", "&", "^"].contains(op) { return .int(maxMagnitude: nil) }
                if case .string = l, op == "+" || op == "%" { return .string }
            }
        case .call:
            if let function = expression.child(.function), let name = semantics.qualifiedName(of: function),
               !name.contains("."), folder.isBuiltin(name, at: expression) {
                switch name {
                case "str", "repr", "format", "chr", "hex", "oct", "bin", "ascii": return .string
                case "float": return .float
                case "int", "len", "ord", "abs", "hash": return .int(maxMagnitude: nil)
                default: break
                }
            }
        default:
            break
        }
        return .object
    }

    static func short(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 40 ? String(oneLine.prefix(37)) + "..." : oneLine
    }
}

/// How a scope binds one name, as `size(ofName:)` reads it: the values assigned to it (in source
/// order), whether something grows it in place, whether anything else (a loop, an unpacking) binds it.
struct NameBindings {
    var values: [Node] = []
    var grows = false
    var otherBinding = false
}

/// Per scope (a def or the module, nested defs included, as `size(ofName:)` always scanned), the
/// bindings of every name: built in one pass over the scope the first time any name in it is sized.
final class ScopeBindingsCache: @unchecked Sendable {
    private let lock = Lock()
    private var byScope: [Node: [String: NameBindings]] = [:]

    func of(_ scope: Node) -> [String: NameBindings] {
        lock.lock()
        defer { lock.unlock() }
        if let known = byScope[scope] { return known }
        let built = Self.scan(scope)
        byScope[scope] = built
        return built
    }

    private static let growingMethods: Set<String> = ["append", "extend", "add", "update", "insert", "setdefault", "__setitem__"]

    private static func scan(_ scope: Node) -> [String: NameBindings] {
        var result: [String: NameBindings] = [:]
        for node in scope.descendants {
            switch node.kind {
            case .assignment:
                guard let left = node.child(.left) else { continue }
                if left.kind == .identifier, let right = node.child(.right) { result[left.text, default: NameBindings()].values.append(right) }
                else { for name in ConstantFolder.boundIdentifiers(in: left) { result[name, default: NameBindings()].otherBinding = true } }
            case .augmentedAssignment:
                if let left = node.child(.left) { result[left.text, default: NameBindings()].grows = true }
            case .asPattern:
                if let target = node.namedChildren.first(where: { $0.kind == .asPatternTarget }),
                   let value = node.firstNamedChild { result[target.text, default: NameBindings()].values.append(value) }
            case .forStatement, .forInClause:
                if let left = node.child(.left) {
                    for name in ConstantFolder.boundIdentifiers(in: left) { result[name, default: NameBindings()].otherBinding = true }
                }
            case .call:
                if let function = node.child(.function), function.kind == .attribute,
                   let object = function.child(.object), object.kind == .identifier,
                   let method = function.child(.attribute)?.text, growingMethods.contains(method) {
                    result[object.text, default: NameBindings()].grows = true
                }
            default:
                continue
            }
        }
        return result
    }
}
