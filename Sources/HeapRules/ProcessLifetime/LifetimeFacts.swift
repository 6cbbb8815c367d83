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

/// Where the keys of a dict or set cache come from, as far as the source shows. A dict or set holds one
/// entry per distinct key, so a cache keyed by a bounded set (a database alias, a backend or cache
/// name, a language code, an enum member, a class) stops growing once every key has been seen; only
/// keys drawn from unbounded input make it grow for ever. HL401 reports only keys shown unbounded.
enum CacheKeyDomain {
    /// Words in a key's name that say it comes from unbounded input.
    static let unboundedWords: Set<String> = [
        "path", "paths", "filename", "filenames", "file", "files", "fname", "url", "urls", "uri", "id", "ids",
        "ident", "uuid", "pk", "request", "req", "body", "text", "data", "content", "contents", "line", "lines",
        "query", "sql", "pattern", "regex", "user", "session", "token", "payload", "input", "message", "msg",
        "addr", "address", "host",
    ]
    /// Words that say the key is one of a small, fixed set.
    static let boundedWords: Set<String> = [
        "alias", "name", "names", "lang", "language", "locale", "backend", "cls", "klass", "class", "type", "kind",
        "enum", "member", "dialect", "connector", "version", "mode", "level", "tag", "option", "flag", "setting",
        "format", "codec", "encoding", "scheme", "engine", "driver", "platform", "method", "attr", "field", "alphabet",
    ]
    /// Calls whose result identifies one object or one file: a new key for each object or file.
    static let unboundedCalls: Set<String> = ["id", "hash", "os.path.abspath", "os.path.realpath", "os.path.normpath",
                                              "os.fspath", "open", "uuid.uuid4"]

    /// Whether the key expression at a growth site is shown to come from unbounded input: an `id()`
    /// or a file path, a name that says so (`path`, `request`, `user_id`), or a parameter of a public
    /// function whose name does not say it is bounded (`def get(key)`: arbitrary arguments).
    static func isUnbounded(_ key: Node, in function: Node, semantics: SemanticModel, depth: Int = 0) -> Bool {
        guard depth < 4 else { return false }
        switch key.kind {
        case .tuple, .parenthesizedExpression, .expressionList:
            return key.namedChildren.contains { isUnbounded($0, in: function, semantics: semantics, depth: depth + 1) }
        case .call:
            if let callee = key.child(.function), let name = semantics.qualifiedName(of: callee), unboundedCalls.contains(name) { return true }
            // `value.replace("-", "_")`, `str(path)`: the receiver or argument decides.
            if let callee = key.child(.function), callee.kind == .attribute, let receiver = callee.child(.object) {
                return isUnbounded(receiver, in: function, semantics: semantics, depth: depth + 1)
            }
            if let first = key.child(.arguments)?.namedChildren.first(where: { $0.kind != .comment && $0.kind != .keywordArgument }) {
                return isUnbounded(first, in: function, semantics: semantics, depth: depth + 1)
            }
            return false
        case .subscript:
            // `request.GET["q"]`, `row[0]`: what is indexed decides.
            guard let value = key.child(.value) else { return false }
            return isUnbounded(value, in: function, semantics: semantics, depth: depth + 1)
        case .attribute:
            guard let attribute = key.child(.attribute)?.text else { return false }
            if let verdict = verdict(forName: attribute) { return verdict }
            if let object = key.child(.object) { return isUnbounded(object, in: function, semantics: semantics, depth: depth + 1) }
            return false
        case .identifier:
            let name = key.text
            if let verdict = verdict(forName: name), verdict == false { return false }
            // A local computed in the function: its value decides (`fid = id(frame)`, `key = (cls, abspath(f))`).
            let assignments = Array(function.descendants).filter { node in
                node.kind == .assignment && node.child(.left)?.kind == .identifier && node.child(.left)?.text == name
                    && LifetimeFacts.enclosingFunction(of: node) == function
            }
            if assignments.count == 1, let value = assignments[0].child(.right) {
                return isUnbounded(value, in: function, semantics: semantics, depth: depth + 1)
            }
            if verdict(forName: name) == true { return true }
            // A parameter of a public function: whatever callers pass.
            let functionName = function.child(.name)?.text ?? "_"
            let isPublic = !functionName.hasPrefix("_") || (functionName.hasPrefix("__") && functionName.hasSuffix("__"))
            guard isPublic, let parameters = function.child(.parameters) else { return false }
            let parameterNodes = Array(parameters.namedChildren.filter { $0.kind != .comment })
                .dropFirst(LifetimeFacts.owningClass(of: function) == nil ? 0 : 1)
            guard let parameter = parameterNodes.first(where: { p in
                (p.kind == .identifier ? p : (p.child(.name) ?? p.firstNamedChild))?.text == name
            }) else { return false }
            // A flag (`def platform(aliased=False, terse=False)`) takes two values.
            if let value = parameter.child(.value), value.kind == .true || value.kind == .false { return false }
            // A class (`def MultiCallCreator(widget): class MultiCall(widget): ...`): one entry per class.
            let usedAsBase = function.descendants.contains { node in
                node.kind == .classDefinition && node.child(.superclasses)?.namedChildren.contains { $0.kind == .identifier && $0.text == name } == true
            }
            return !usedAsBase
        default:
            return false
        }
    }

    /// true: the name says unbounded; false: it says bounded; nil: it says nothing.
    static func verdict(forName name: String) -> Bool? {
        let words = name.lowercased().split(separator: "_").map(String.init).filter { !$0.isEmpty }
        if words.contains(where: { boundedWords.contains($0) }) { return false }
        if words.contains(where: { unboundedWords.contains($0) }) { return true }
        return nil
    }
}
