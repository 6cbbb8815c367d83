import HeapSyntax

/// A class statement as the heap model needs it: its methods, what its body binds at class level,
/// `__slots__`, and whether it has a finalizer.
public struct ClassModel: Sendable {
    public let name: String
    /// The `class_definition` node.
    public let node: Node
    public let nameNode: Node
    /// Base class expressions, import-resolved where possible (`weakref.ref`, `Base`).
    public let baseNames: [String]
    /// Methods by name: the `function_definition` node (the last one wins, as at run time).
    public let methods: [String: Node]
    /// Names bound directly in the class body (class attributes, methods, nested classes).
    public let classAttributes: Set<String>
    /// Names of methods decorated with `@property` (or `functools.cached_property`).
    public let properties: Set<String>
    /// `__slots__` names when the class body assigns a literal; nil otherwise.
    public let slots: [String]?
    /// Decorators, import-resolved (`dataclasses.dataclass`).
    public let decorators: [String]
    /// Methods decorated with `@staticmethod` or `@classmethod`: `self.m` binds no instance.
    public let staticOrClassMethods: Set<String>
    /// Annotated class-body names in order (`x: int`), the fields of a dataclass-style class.
    public let annotatedFields: [String]

    public var hasFinalizer: Bool { methods["__del__"] != nil }
    public var finalizer: Node? { methods["__del__"] }
}

/// A function or lambda scope: parameters, `global`/`nonlocal` declarations and the names it binds.
public struct FunctionScope: Sendable {
    /// The `function_definition` or `lambda` node.
    public let node: Node
    public let name: String
    public let parameters: [String]
    /// The class whose body directly contains this `def`, if any.
    public let enclosingClass: String?
    /// The name of the instance parameter (`self`) for plain methods; nil for static/class methods.
    public let selfName: String?
    public let globals: Set<String>
    public let nonlocals: Set<String>
    /// Names local to this scope: parameters and every binding not declared global/nonlocal.
    public let locals: Set<String>
    /// The nearest enclosing function scope's node (nil at module level or directly in a class at module level).
    public let enclosingFunction: Node?

    public var body: Node? { node.child(.body) }
}

/// Walks a subtree in pre-order with an explicit stack; nested function, lambda, class and
/// comprehension scopes are not entered when `intoNestedScopes` is false (the root itself always is).
public func walkScope(_ root: Node, intoNestedScopes: Bool = false, _ visit: (Node) -> Void) {
    // The flat tree is in pre-order and every subtree is a contiguous index range, so the walk is a
    // loop over indices that jumps over nested scopes: no recursion, no per-node allocation.
    let tree = root.tree
    let end = subtreeEnd(of: root)
    var index = Int(root.index)
    while index < end {
        let node = tree.node(NodeIndex(index))
        visit(node)
        if index != Int(root.index) && !intoNestedScopes && node.kind.opensScope {
            index = subtreeEnd(of: node)
        } else {
            index += 1
        }
    }
}

/// One past the last index of `node`'s subtree.
@inline(__always) func subtreeEnd(of node: Node) -> Int { node.subtreeEnd }

extension SyntaxKind {
    /// Node kinds that start a new Python scope.
    public var opensScope: Bool {
        switch self {
        case .functionDefinition, .lambda, .classDefinition, .listComprehension, .setComprehension,
             .dictionaryComprehension, .generatorExpression:
            return true
        default:
            return false
        }
    }
}

extension Node {
    /// The identifiers a binding target introduces: `a`, `a, b`, `(a, [b, *c])`.
    public var boundIdentifiers: [Node] {
        var result: [Node] = []
        var stack: [Node] = [self]
        while let node = stack.popLast() {
            switch node.kind {
            case .identifier:
                result.append(node)
            case .patternList, .tuplePattern, .listPattern, .tuple, .list, .expressionList, .listSplatPattern,
                 .listSplat, .parenthesizedExpression, .asPatternTarget:
                for child in node.namedChildren.array.reversed() { stack.append(child) }
            default:
                continue
            }
        }
        return result
    }

    /// The nearest ancestor (not self) that opens a scope.
    public var enclosingScopeNode: Node? {
        ancestors.first { $0.kind.opensScope }
    }

    /// For `function_definition`: the decorators of its `decorated_definition` parent.
    public var decoratorNodes: [Node] {
        guard let parent, parent.kind == .decoratedDefinition else { return [] }
        return parent.namedChildren.filter { $0.kind == .decorator }
    }
}

enum ScopeCollector {
    static func collect(_ tree: SyntaxTree, resolve: (Node) -> String?) -> ([String: ClassModel], [Node: FunctionScope]) {
        var classes: [String: ClassModel] = [:]
        var functions: [Node: FunctionScope] = [:]
        // Source order: a later class of the same name wins, as at run time.
        for node in tree.nodes(ofKind: .classDefinition) {
            if let model = classModel(node, resolve: resolve) { classes[model.name] = model }
        }
        for node in tree.nodes(ofKinds: .functionDefinition, .lambda) {
            functions[node] = functionScope(node, resolve: resolve)
        }
        return (classes, functions)
    }

    static func decoratorName(_ decorator: Node, resolve: (Node) -> String?) -> String? {
        guard var expression = decorator.firstNamedChild else { return nil }
        if expression.kind == .call, let function = expression.child(.function) { expression = function }
        return resolve(expression) ?? expression.text
    }

    static func classModel(_ node: Node, resolve: (Node) -> String?) -> ClassModel? {
        guard let nameNode = node.child(.name), let body = node.child(.body) else { return nil }
        var bases: [String] = []
        if let superclasses = node.child(.superclasses) {
            for base in superclasses.namedChildren where base.kind != .keywordArgument {
                bases.append(resolve(base) ?? base.text)
            }
        }
        var methods: [String: Node] = [:]
        var attributes = Set<String>()
        var properties = Set<String>()
        var slots: [String]?
        var staticOrClass = Set<String>()
        var annotated: [String] = []
        for statement in body.namedChildren {
            var definition = statement
            if statement.kind == .decoratedDefinition, let inner = statement.child(.definition) { definition = inner }
            switch definition.kind {
            case .functionDefinition:
                guard let name = definition.child(.name)?.text else { continue }
                methods[name] = definition
                attributes.insert(name)
                let decorators = definition.decoratorNodes.compactMap { decoratorName($0, resolve: resolve) }
                if decorators.contains(where: isDescriptorDecorator) {
                    properties.insert(name)
                }
                if decorators.contains(where: { $0 == "staticmethod" || $0 == "classmethod" }) { staticOrClass.insert(name) }
            case .classDefinition:
                if let name = definition.child(.name)?.text { attributes.insert(name) }
            case .expressionStatement:
                guard let assignment = statement.firstNamedChild, assignment.kind == .assignment else { continue }
                if assignment.child(.type) != nil, let left = assignment.child(.left), left.kind == .identifier {
                    annotated.append(left.text)
                }
                var current: Node? = assignment
                while let step = current, step.kind == .assignment {
                    for target in step.child(.left)?.boundIdentifiers ?? [] {
                        attributes.insert(target.text)
                        if target.text == "__slots__", let value = step.child(.right) {
                            slots = slotNames(value)
                        }
                    }
                    current = step.child(.right)
                }
            default:
                continue
            }
        }
        let classDecorators = node.decoratorNodes.compactMap { decoratorName($0, resolve: resolve) }
        return ClassModel(name: nameNode.text, node: node, nameNode: nameNode, baseNames: bases, methods: methods,
                          classAttributes: attributes, properties: properties, slots: slots, decorators: classDecorators,
                          staticOrClassMethods: staticOrClass, annotatedFields: annotated)
    }

    /// Decorators that turn a method into a data or caching descriptor, so reading the attribute gives the
    /// computed value, not a bound method: `property`, `functools.cached_property`, SQLAlchemy's
    /// `util.memoized_property`/`memoized_attribute`/`hybrid_property`, Pyramid's `reify`, `abc.abstractproperty`,
    /// and a property's `.setter`/`.getter`/`.deleter`.
    static func isDescriptorDecorator(_ name: String) -> Bool {
        if name.hasSuffix(".setter") || name.hasSuffix(".getter") || name.hasSuffix(".deleter") { return true }
        let last = (name.split(separator: ".").last.map(String.init) ?? name).lowercased()
        return last.hasSuffix("property") || last.hasSuffix("_attribute") || last == "reify" || last == "declared_attr"
    }

    static func slotNames(_ value: Node) -> [String]? {
        switch value.kind {
        case .string:
            return [String(value.text.dropFirst().dropLast())]
        case .tuple, .list, .parenthesizedExpression:
            return value.namedChildren.compactMap { $0.kind == .string ? String($0.text.dropFirst().dropLast()) : nil }
        default:
            return nil
        }
    }

    static func parameterNames(_ parameters: Node?) -> [String] {
        guard let parameters else { return [] }
        var names: [String] = []
        for parameter in parameters.namedChildren {
            switch parameter.kind {
            case .identifier:
                names.append(parameter.text)
            case .defaultParameter, .typedDefaultParameter:
                if let name = parameter.child(.name) { names.append(name.text) }
            case .typedParameter, .listSplatPattern, .dictionarySplatPattern:
                if let name = parameter.namedChildren.first(where: { $0.kind == .identifier }) { names.append(name.text) }
            default:
                continue
            }
        }
        return names
    }

    static func functionScope(_ node: Node, resolve: (Node) -> String?) -> FunctionScope {
        let name = node.kind == .lambda ? "<lambda>" : (node.child(.name)?.text ?? "")
        let parameters = parameterNames(node.child(.parameters))
        let scopeParent = node.enclosingScopeNode
        var enclosingClass: String?
        var selfName: String?
        if node.kind == .functionDefinition, let scopeParent, scopeParent.kind == .classDefinition {
            enclosingClass = scopeParent.child(.name)?.text
            let decorators = node.decoratorNodes.compactMap { decoratorName($0, resolve: resolve) }
            // `__new__` is implicitly static, `__init_subclass__` and `__class_getitem__` implicitly class methods.
            let isStatic = decorators.contains { $0 == "staticmethod" || $0 == "classmethod" }
                || ["__new__", "__init_subclass__", "__class_getitem__"].contains(name)
            if !isStatic { selfName = parameters.first }
        }
        var enclosingFunction: Node?
        for ancestor in node.ancestors where ancestor.kind == .functionDefinition || ancestor.kind == .lambda {
            enclosingFunction = ancestor
            break
        }
        var globals = Set<String>()
        var nonlocals = Set<String>()
        var bound = Set(parameters)
        let body = node.child(.body) ?? node
        walkScope(body) { inner in
            switch inner.kind {
            case .globalStatement:
                for identifier in inner.namedChildren where identifier.kind == .identifier { globals.insert(identifier.text) }
            case .nonlocalStatement:
                for identifier in inner.namedChildren where identifier.kind == .identifier { nonlocals.insert(identifier.text) }
            case .assignment, .augmentedAssignment:
                for target in inner.child(.left)?.boundIdentifiers ?? [] { bound.insert(target.text) }
            case .forStatement, .forInClause:
                if inner.kind == .forStatement { for target in inner.child(.left)?.boundIdentifiers ?? [] { bound.insert(target.text) } }
            case .asPatternTarget:
                for target in inner.boundIdentifiers { bound.insert(target.text) }
            case .namedExpression:
                if let name = inner.child(.name) { bound.insert(name.text) }
            case .functionDefinition, .classDefinition:
                if inner != body, let name = inner.child(.name) { bound.insert(name.text) }
            case .importStatement, .importFromStatement:
                for child in inner.children(.name) {
                    if child.kind == .aliasedImport, let alias = child.child(.alias) { bound.insert(alias.text) }
                    else if child.kind == .dottedName { bound.insert(child.firstNamedChild?.text ?? child.text) }
                }
            case .deleteStatement:
                for target in inner.namedChildren.flatMap({ $0.boundIdentifiers }) { bound.insert(target.text) }
            default:
                break
            }
        }
        let locals = bound.subtracting(globals).subtracting(nonlocals)
        return FunctionScope(node: node, name: name, parameters: parameters, enclosingClass: enclosingClass,
                             selfName: selfName, globals: globals, nonlocals: nonlocals, locals: locals,
                             enclosingFunction: enclosingFunction)
    }
}
