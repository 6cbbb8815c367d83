import HeapSyntax

/// How often the body of a function runs over a process's life, as far as the module shows.
public enum RunFrequency: Sendable, Hashable {
    /// Once, or a fixed number of times at import: only called from module-level code (a module-level call,
    /// a decorator applied at import, a `main()` run once), cached (`functools.cache`), or a test function
    /// (pytest runs it once per test).
    case once
    /// Each time some caller asks: a method, a function the module hands out (public API, a callback), a
    /// function called in a loop, recursively or from code that itself runs per call.
    case perCall
}

/// A `class` statement or a three-argument `type(name, bases, namespace)` call, and the function it runs in.
public struct ClassCreation: Sendable {
    /// The `class_definition` or `call` node.
    public let node: Node
    /// Where a finding belongs: the class's name, or the `type` call.
    public let site: Node
    /// The class name (`Record`), or the `type(...)` call's first argument as written.
    public let className: String
    public let function: FunctionScope
}

/// Which functions run per call, and so which class creations make a new class object per call.
///
/// A fact of the module alone: callers in other modules are unknown, so a function the module does not
/// call itself (its public API) counts as per call, and one it calls only from import-time code as once.
public struct RunFrequencies {
    public let semantics: SemanticModel
    /// `test_*.py`, `*_test.py`, `conftest.py`: their functions (tests, `setUp`, helpers) run a fixed number
    /// of times per test, and a test runs once per test session.
    public let isTestFile: Bool
    private var memo: [Node: RunFrequency] = [:]
    private var inProgress: Set<Node> = []
    /// Module-level name → the identifiers spelling it, built on first use.
    private var references: [String: [Node]]?

    public init(semantics: SemanticModel, path: String? = nil) {
        self.semantics = semantics
        let file = path.map { String($0.split(separator: "/").last ?? "") } ?? ""
        self.isTestFile = ((file.hasPrefix("test_") || file.hasSuffix("_test.py")) && file.hasSuffix(".py")) || file == "conftest.py"
    }

    static let cachingDecorators = ["functools.lru_cache", "functools.cache", "lru_cache", "cache"]
    /// Methods CPython calls once per class definition (at import, with the class statement): the hooks of
    /// `type.__new__` and `__build_class__` (`__mro_entries__` resolves a non-class base).
    static let classDefinitionHooks: Set<String> = ["__init_subclass__", "__set_name__", "__mro_entries__"]

    /// How often `function` (a `function_definition` or `lambda` node) runs.
    public mutating func frequency(of function: Node) -> RunFrequency {
        if let known = memo[function] { return known }
        // Recursion (direct or mutual) means several runs per outer call.
        if inProgress.contains(function) { return .perCall }
        inProgress.insert(function)
        let result = compute(function)
        inProgress.remove(function)
        memo[function] = result
        return result
    }

    private mutating func compute(_ function: Node) -> RunFrequency {
        guard function.kind == .functionDefinition, let scope = semantics.scope(of: function) else { return .perCall }
        // A cached function builds its result once per distinct argument tuple and keeps it.
        for decorator in function.decoratorNodes {
            guard let expression = decorator.firstNamedChild else { continue }
            let callee = expression.kind == .call ? expression.child(.function) : expression
            if let callee, semantics.resolves(callee, toAnyOf: Self.cachingDecorators) { return .once }
        }
        if isTestFile { return .once }
        // `def f` then `from _accelerator import f` (often in `try:`): the import replaces the Python
        // version, which runs only where the accelerator is missing.
        if function.enclosingScopeNode == nil, let imported = semantics.importedNames[scope.name],
           imported.site.start > function.range.end { return .once }
        if let owner = function.enclosingScopeNode, owner.kind == .classDefinition {
            // `__init_subclass__` and a metaclass's `__new__`/`__init__` run per class statement, i.e. at import.
            if Self.classDefinitionHooks.contains(scope.name) { return .once }
            if ["__new__", "__init__", "__prepare__"].contains(scope.name), isMetaclass(owner) { return .once }
            return .perCall
        }
        // Every use of the name must be a call (or a decorator) made from code that runs once, outside loops.
        let uses = references(to: scope.name, in: function)
        if uses.isEmpty { return .perCall }
        for use in uses {
            guard isCallee(use) else { return .perCall }
            switch runnerOfCall(use) {
            case .module: continue
            case .inLoop: return .perCall
            case .function(let caller):
                if isLazyGlobalInit(use, in: caller) { continue }
                if frequency(of: caller) == .perCall { return .perCall }
            }
        }
        return .once
    }

    /// Whether a class statement derives from `type` (so its `__new__`/`__init__` run per class made).
    private func isMetaclass(_ classNode: Node) -> Bool {
        guard let bases = classNode.child(.superclasses) else { return false }
        return bases.namedChildren.contains { $0.kind != .keywordArgument && semantics.resolves($0, to: "type") }
    }

    /// Identifiers naming `function`'s name in the scope that binds it (the module for a module-level def,
    /// the enclosing function for a nested one), other than the `def` name itself.
    private mutating func references(to name: String, in function: Node) -> [Node] {
        let definer = function.enclosingScopeNode
        let all: [Node]
        if let definer {
            var found: [Node] = []
            walkScope(definer, intoNestedScopes: true) { node in
                if node.kind == .identifier && node.textEquals(name) { found.append(node) }
            }
            all = found
        } else {
            if references == nil {
                var table: [String: [Node]] = [:]
                for node in semantics.tree.nodes(ofKind: .identifier) { table[node.text, default: []].append(node) }
                references = table
            }
            all = references?[name] ?? []
        }
        let defName = function.child(.name)
        return all.filter { node in
            if node == defName { return false }
            // `x.name` is an attribute, not this function; keyword names `f(name=...)` neither.
            if let parent = node.parent {
                if parent.kind == .attribute && parent.child(.attribute) == node { return false }
                if parent.kind == .keywordArgument && parent.child(.name) == node { return false }
                // `del make` after its import-time call (dateutil's `gettz = __get_gettz(); del __get_gettz`).
                if parent.kind == .deleteStatement || (parent.kind == .expressionList && parent.parent?.kind == .deleteStatement) {
                    return false
                }
            }
            return true
        }
    }

    /// `f(...)` with `f` as the callee, or `@f` / `@f(...)` decorating a definition.
    private func isCallee(_ identifier: Node) -> Bool {
        guard let parent = identifier.parent else { return false }
        if parent.kind == .call && parent.child(.function) == identifier { return true }
        if parent.kind == .decorator { return true }
        return false
    }

    /// `global X` … `if X is None: X = f()`: the call runs once, then the module keeps its result.
    private func isLazyGlobalInit(_ callee: Node, in caller: Node) -> Bool {
        guard let call = callee.parent, let assignment = call.parent, assignment.kind == .assignment,
              assignment.child(.right) == call, let target = assignment.child(.left), target.kind == .identifier,
              let scope = semantics.scope(of: caller), scope.globals.contains(target.text) else { return false }
        for ancestor in assignment.ancestors {
            if ancestor == caller { return false }
            guard ancestor.kind == .ifStatement, let condition = ancestor.child(.condition),
                  ancestor.child(.consequence)?.contains(assignment) ?? false else { continue }
            var tested = false
            walkScope(condition) { node in if node.kind == .identifier && node.textEquals(target.text) { tested = true } }
            if tested { return true }
        }
        return false
    }

    private enum Runner { case module, inLoop, function(Node) }

    /// What runs a call: module-level code (class bodies at module level included), a loop, or a function.
    private func runnerOfCall(_ node: Node) -> Runner {
        for ancestor in node.ancestors {
            switch ancestor.kind {
            case .functionDefinition, .lambda:
                // Default values and annotations run with the `def` statement, not with each call.
                guard ancestor.child(.body)?.contains(node) ?? false else { continue }
                return .function(ancestor)
            case .forStatement, .whileStatement, .listComprehension, .setComprehension,
                 .dictionaryComprehension, .generatorExpression:
                // Module-level loops run at import; their classes are usually kept (one per item).
                if semantics.enclosingFunction(of: ancestor) == nil { continue }
                return .inLoop
            default:
                continue
            }
        }
        return .module
    }

    /// Class statements and `type(name, bases, ns)` calls whose function runs per call: each run makes a new
    /// class object. Not counted: classes nested in a class body (they come with their outer class), classes
    /// under `if TYPE_CHECKING:` (never run), and classes after a module-level memo check in their function.
    public mutating func classesCreatedPerCall() -> [ClassCreation] {
        var result: [ClassCreation] = []
        for node in semantics.tree.nodes(ofKinds: .classDefinition, .call) {
            let site: Node, className: String
            if node.kind == .classDefinition {
                // Only a class whose own scope is a function; a class inside a class body is part of that class.
                guard let owner = node.enclosingScopeNode, owner.kind == .functionDefinition,
                      let name = node.child(.name) else { continue }
                site = name
                className = name.text
            } else {
                guard let callee = node.child(.function), callee.kind == .identifier, callee.textEquals("type"),
                      let arguments = node.child(.arguments),
                      arguments.namedChildren.filter({ $0.kind != .comment }).count == 3,
                      arguments.namedChildren.allSatisfy({ $0.kind != .keywordArgument && $0.kind != .listSplat && $0.kind != .dictionarySplat }),
                      !isRebound("type")
                else { continue }
                site = node
                // `type("Row", ...)`: the name without its quotes; any other expression as written.
                let first = arguments.firstNamedChild
                className = first.map { $0.kind == .string ? String($0.text.filter { $0 != "\"" && $0 != "'" }) : $0.text } ?? "type"
            }
            guard let scope = semantics.enclosingFunction(of: node), scope.node.kind == .functionDefinition else { continue }
            if underTypeChecking(node, within: scope.node) { continue }
            if frequency(of: scope.node) == .once { continue }
            if isMemoised(node, in: scope) { continue }
            result.append(ClassCreation(node: node, site: site, className: className, function: scope))
        }
        return result
    }

    private func isRebound(_ name: String) -> Bool {
        semantics.importedNames[name] != nil
    }

    private func underTypeChecking(_ node: Node, within function: Node) -> Bool {
        for ancestor in node.ancestors {
            if ancestor == function { return false }
            guard ancestor.kind == .ifStatement, let condition = ancestor.child(.condition) else { continue }
            // Only the `if` branch: an `else` of `if TYPE_CHECKING` runs.
            guard let consequence = ancestor.child(.consequence), consequence.contains(node) else { continue }
            if semantics.resolves(condition, toAnyOf: ["typing.TYPE_CHECKING", "TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"]) {
                return true
            }
        }
        return false
    }

    /// A module-level dict used as a memo: the function stores into `NAME[...]` (or calls `NAME.setdefault`)
    /// for a name it does not bind itself, and reads `NAME` before the class statement, so later calls with
    /// the same key return the stored class instead of running the statement again.
    private func isMemoised(_ node: Node, in scope: FunctionScope) -> Bool {
        guard let body = scope.body else { return false }
        var stored = Set<String>()
        var readsBefore: [String: Bool] = [:]
        walkScope(body) { candidate in
            switch candidate.kind {
            case .assignment:
                // `CACHE[key] = cls`, or a memo on an attribute, `self._classes[key] = cls`.
                if let left = candidate.child(.left), left.kind == .subscript,
                   let value = left.child(.value), value.kind == .identifier || value.kind == .attribute {
                    stored.insert(value.text)
                }
            case .call:
                if let callee = candidate.child(.function), callee.kind == .attribute,
                   let method = callee.child(.attribute), method.textEquals("setdefault"),
                   let object = callee.child(.object), object.kind == .identifier { stored.insert(object.text) }
            case .identifier, .attribute:
                if candidate.range.start < node.range.start { readsBefore[candidate.text] = true }
            default:
                break
            }
        }
        // A module-level dict, or a parameter whose default is a dict (`def f(key, _cache={})`): both are
        // made once, with the `def`, and outlive every call.
        let memoParameters = Set(scope.node.child(.parameters)?.namedChildren.compactMap { parameter -> String? in
            guard parameter.kind == .defaultParameter || parameter.kind == .typedDefaultParameter,
                  let value = parameter.child(.value), value.kind == .dictionary,
                  let name = parameter.child(.name) else { return nil }
            return name.text
        } ?? [])
        return stored.contains { name in
            if name.contains(".") { return readsBefore[name] == true }
            return (memoParameters.contains(name) || (!scope.locals.contains(name) && !scope.parameters.contains(name)))
                && readsBefore[name] == true
        }
    }
}
