import HeapSemantics
import HeapSyntax

/// Syntax facts the HL4xx rules share: classes and their methods, decorators, module-level bindings.
enum LifetimeFacts {
    /// The function definition and its decorators' expressions, for a `function_definition` node.
    static func decorators(of function: Node) -> [Node] {
        guard let decorated = function.parent, decorated.kind == .decoratedDefinition else { return [] }
        return decorated.namedChildren.filter { $0.kind == .decorator }.compactMap { $0.firstNamedChild }
    }

    /// The class whose body directly defines `function` (a method), or nil.
    static func owningClass(of function: Node) -> Node? {
        var current = function.parent
        if current?.kind == .decoratedDefinition { current = current?.parent }
        guard let block = current, block.kind == .block, let owner = block.parent, owner.kind == .classDefinition else { return nil }
        return owner
    }

    /// The name of a function's first parameter (`self` by convention), if plain.
    static func firstParameter(of function: Node) -> String? {
        guard let first = function.child(.parameters)?.namedChildren.first(where: { $0.kind != .comment }) else { return nil }
        switch first.kind {
        case .identifier: return first.text
        case .typedParameter: return first.firstNamedChild?.kind == .identifier ? first.firstNamedChild?.text : nil
        case .defaultParameter, .typedDefaultParameter: return first.child(.name)?.text
        default: return nil
        }
    }

    /// The enclosing function definition of a node (the innermost), if any.
    static func enclosingFunction(of node: Node) -> Node? {
        node.ancestors.first { $0.kind == .functionDefinition }
    }

    /// Whether the statement containing `node` sits at module level (not in a def, class or loop).
    static func isModuleLevelStatement(_ node: Node) -> Bool {
        !node.ancestors.contains { [.functionDefinition, .classDefinition, .forStatement, .whileStatement, .lambda, .listComprehension, .setComprehension, .dictionaryComprehension, .generatorExpression].contains($0.kind) }
    }

    /// A class instantiated exactly once in the file, at module level, and never subclassed here:
    /// its instances cannot pile up in a per-class cache.
    static func isProvableSingleton(_ classNode: Node, tree: SyntaxTree) -> Bool {
        guard let name = classNode.child(.name)?.text else { return false }
        var calls = 0
        var moduleLevel = true
        let nameRange = classNode.child(.name)!.range
        for node in tree.nodes(ofKind: .identifier) where node.textEquals(name) && !nameRange.contains(node.range.start) {
            if let parent = node.parent, parent.kind == .call, node.field == .function {
                calls += 1
                if !isModuleLevelStatement(parent) { moduleLevel = false }
            } else if node.parent?.kind == .argumentList, node.parent?.parent?.kind == .classDefinition {
                return false
            }
        }
        return calls == 1 && moduleLevel
    }

    /// A class whose every instantiation in the file is a module-level statement (constants such as
    /// `REACHABLE = Status(True)`), and at least one: a fixed number of instances, created at import.
    static func isInstantiatedOnlyAtImport(_ classNode: Node, tree: SyntaxTree) -> Bool {
        guard let nameNode = classNode.child(.name) else { return false }
        let name = nameNode.text
        var calls = 0
        for node in tree.nodes(ofKind: .identifier) where node.textEquals(name) && node != nameNode {
            guard let parent = node.parent, parent.kind == .call, node.field == .function else { continue }
            if !isModuleLevelStatement(parent) { return false }
            calls += 1
        }
        return calls > 0
    }

    static let enumBases: Set<String> = ["enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum"]

    static func isEnumClass(_ classNode: Node, semantics: SemanticModel) -> Bool {
        guard let bases = classNode.child(.superclasses) else { return false }
        for base in bases.namedChildren {
            if let name = semantics.qualifiedName(of: base) {
                if enumBases.contains(name) || name.hasSuffix("Enum") || name.hasSuffix("Flag") { return true }
            }
        }
        return false
    }

    /// A module-level `NAME = value` statement for `name` (the first), with its value.
    static func moduleAssignments(of name: String, tree: SyntaxTree) -> [Node] {
        tree.root.namedChildren.compactMap { statement -> Node? in
            guard statement.kind == .expressionStatement, let assignment = statement.firstNamedChild,
                  assignment.kind == .assignment, let left = assignment.child(.left), left.kind == .identifier,
                  left.text == name else { return nil }
            return assignment
        }
    }

    /// Constructors of mutable containers that can grow, by import-resolved name.
    static let growableConstructors: [String: String] = [
        "dict": "dict", "list": "list", "set": "set", "collections.defaultdict": "defaultdict",
        "collections.OrderedDict": "OrderedDict", "collections.Counter": "Counter", "collections.deque": "deque",
    ]

    /// Weak containers: they do not keep their items alive.
    static let weakConstructors: Set<String> = [
        "weakref.WeakSet", "weakref.WeakValueDictionary", "weakref.WeakKeyDictionary", "_weakrefset.WeakSet",
    ]

    /// The container kind a value expression creates (`dict`, `list`, ...), nil if not a fresh growable container.
    static func containerKind(of value: Node, semantics: SemanticModel, folder: ConstantFolder) -> String? {
        switch value.kind {
        case .dictionary: return "dict"
        case .list: return "list"
        case .set: return "set"
        case .call:
            guard let function = value.child(.function), let name = semantics.qualifiedName(of: function) else { return nil }
            if !name.contains(".") && !folder.isBuiltin(name, at: value) { return nil }
            guard let kind = growableConstructors[name] else { return nil }
            // A deque with maxlen is bounded.
            if kind == "deque", value.child(.arguments)?.namedChildren.contains(where: {
                $0.kind == .keywordArgument && $0.child(.name)?.text == "maxlen"
            }) == true || (kind == "deque" && (value.child(.arguments)?.namedChildren.filter { $0.kind != .comment }.count ?? 0) >= 2) {
                return nil
            }
            return kind
        default:
            return nil
        }
    }

    static func isWeakContainer(_ value: Node, semantics: SemanticModel) -> Bool {
        guard value.kind == .call, let function = value.child(.function), let name = semantics.qualifiedName(of: function) else { return false }
        return weakConstructors.contains(name)
    }

    static let growingMethods: Set<String> = ["append", "add", "update", "extend", "insert", "setdefault", "appendleft", "extendleft", "__setitem__"]
    static let shrinkingMethods: Set<String> = ["clear", "pop", "popitem", "remove", "discard", "popleft", "difference_update",
                                                "intersection_update", "symmetric_difference_update", "__delitem__", "move_to_end"]
    static let readingMethods: Set<String> = ["get", "keys", "values", "items", "copy", "count", "index", "__contains__",
                                              "__getitem__", "issubset", "issuperset", "union", "intersection", "difference",
                                              "isdisjoint", "most_common", "elements", "__len__", "__iter__"]
}
