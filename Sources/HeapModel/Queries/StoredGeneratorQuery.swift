import HeapSemantics
import HeapSyntax

/// HL107's question, asked of the frame interpreter: which stores put a `.generator` object on the object
/// its own frame holds? Calling a generator function makes a generator whose `gi_frame` holds the call's
/// arguments as locals from the start (before the first `next()`), so `self._it = self._produce()` closes
/// object → `attr` → generator → `gi_frame` → generator frame → `f_locals[self]` → object. CPython clears
/// `gi_frame` only when the generator is exhausted or closed; until then only the collector frees the cycle.
///
/// A store is no cycle when something removes that edge reliably: a statement of this function on every
/// path after it (`self._it = None`, `del self._it`, `self._it.close()`: the frame domain's kills of a
/// `.generator` `TrackedStore`), or a lifecycle method of the holder's own class (`close()`, `__exit__`, ...:
/// `ModuleFacts.teardownTable`) that clears that very field of `self`. A method of another class that
/// clears a field of the same name kills nothing here.
enum StoredGeneratorQuery {
    /// A call of a generator function or method, and the locals its generator's frame starts with.
    struct GeneratorCall: Hashable, Sendable {
        let name: String
        let holds: Set<String>
    }

    /// Generator functions of the module (a `yield` in their own scope), by name; methods as `Class.name`.
    /// (`async def` with a `yield` is an async generator: its `ag_frame` holds its arguments the same way.)
    static func generatorFunctions(_ semantics: SemanticModel) -> Set<String> {
        var result = Set<String>()
        for node in semantics.tree.nodes(ofKind: .yield) {
            guard let function = semantics.enclosingFunction(of: node), function.node.kind == .functionDefinition,
                  node.enclosingScopeNode == function.node else { continue }
            if let owner = function.enclosingClass { result.insert(owner + "." + function.name) }
            else if function.enclosingFunction == nil { result.insert(function.name) }
        }
        return result
    }

    /// The calls of this function that make a generator holding one of its locals: `self._produce()` (a
    /// generator method of the class or a base, its frame gets `self`) and `walk(tree, self)` (a module-level
    /// generator function, its frame gets every local passed to it).
    static func generatorCalls(_ context: FunctionContext, generators: Set<String>) -> [NodeIndex: GeneratorCall] {
        guard !generators.isEmpty else { return [:] }
        let scope = context.scope
        let semantics = context.semantics
        var result: [NodeIndex: GeneratorCall] = [:]
        for call in context.statements where call.kind == .call {
            guard let callee = call.child(.function) else { continue }
            if callee.kind == .attribute, let receiver = callee.child(.object), receiver.kind == .identifier,
               let selfName = scope.selfName, receiver.textEquals(selfName), context.isFrameLocal(selfName),
               let className = scope.enclosingClass, let method = callee.child(.attribute)?.text,
               let owner = semantics.classLineage(className).first(where: { $0.methods[method] != nil }),
               generators.contains(owner.name + "." + method), let definition = owner.methods[method],
               !definition.decoratorNodes.contains(where: { $0.text.hasSuffix("staticmethod") || $0.text.hasSuffix("classmethod") }) {
                // A static or class method's frame gets no `self` (filelock's `_scan`, a `@staticmethod` generator).
                result[call.index] = GeneratorCall(name: method, holds: [selfName])
            } else if callee.kind == .identifier, generators.contains(callee.text), semantics.classes[callee.text] == nil {
                let arguments = (call.child(.arguments)?.namedChildren.array ?? []).map { $0.kind == .keywordArgument ? ($0.child(.value) ?? $0) : $0 }
                let locals = Set(arguments.filter { $0.kind == .identifier && context.isFrameLocal($0.text) }.map(\.text))
                if !locals.isEmpty { result[call.index] = GeneratorCall(name: callee.text, holds: locals) }
            }
        }
        return result
    }

    /// The `generatorStored` cycles of one function, from the states `FrameCycleSearch.interpret` recorded.
    static func find(_ context: FunctionContext, calls: [NodeIndex: GeneratorCall]) -> [FrameCycle] {
        guard !calls.isEmpty else { return [] }
        var result: [FrameCycle] = []
        var seen = Set<SourceRange>()
        let domain = FrameLocalsDomain(scope: context.scope, semantics: context.semantics,
                                       generatorCalls: calls.mapValues(\.holds))
        // Assignments (`self._it = ...`, `self.handlers[name] = ...`) and storing calls (`self._pending.append(...)`).
        for node in context.statements where node.kind == .assignment || node.kind == .call {
            guard let statement = node.parent, statement.kind == .expressionStatement else { continue }
            // `list.extend(generator)` iterates the generator to the end (which clears its frame) and keeps
            // its items, not the generator (pytest's `self.items.extend(self.genitems(node))`).
            if node.kind == .call, node.child(.function)?.child(.attribute)?.textEquals("extend") == true { continue }
            let state = context.statesBefore[statement.index] ?? FrameLocalsState()
            for (holder, value) in context.stores(at: node) {
                guard let root = FunctionContext.rootLocal(of: holder), context.isFrameLocal(root.text),
                      !seen.contains(node.range) else { continue }
                let made = domain.value(of: value, state).map(\.object).filter { $0.kind == .generator }
                    .compactMap { calls[$0.origin] }.filter { $0.holds.contains(root.text) }
                guard let generator = made.min(by: { $0.name < $1.name }) else { continue }
                let store = TrackedStore(site: node.index, holder: holder.text, root: root.text, kind: .generator)
                guard context.exitStates.contains(where: { $0.stores.contains(store) }),
                      !clearedByLifecycle(holder: holder, root: root.text, context: context) else { continue }
                seen.insert(node.range)
                result.append(FrameCycle(kind: .generatorStored, site: node.range, line: node.start.line, holder: holder.text,
                                         rootLocal: root.text, functionName: context.scope.name, stored: nil,
                                         generatorName: generator.name))
            }
        }
        return result
    }

    /// Whether a lifecycle method of the class `self` belongs to (or a base) clears `self.<field>`, the holder,
    /// directly or through a method of `self` it calls: `self.<field>.close()` / `.aclose()` (clears the
    /// generator's frame), `self.<field>.clear()` (the container it was put into), `self.<field> = None`,
    /// `del self.<field>`. A `__del__` is no lifecycle method: it
    /// runs only once the collector has found the cycle.
    static func clearedByLifecycle(holder: Node, root: String, context: FunctionContext) -> Bool {
        guard holder.kind == .attribute, root == context.scope.selfName, holder.child(.object)?.textEquals(root) == true,
              let field = holder.child(.attribute)?.text, let className = context.scope.enclosingClass else { return false }
        let semantics = context.semantics
        let lineage = semantics.classLineage(className)
        func method(_ name: String) -> Node? { lineage.lazy.compactMap { $0.methods[name] }.first }
        var pending = Set(lineage.flatMap { $0.methods.keys }.filter { $0 != "__del__" && ModuleFacts.isTeardownName($0) })
        var visited = Set<String>()
        while let name = pending.popFirst() {
            guard visited.insert(name).inserted, visited.count <= 64, let function = method(name),
                  let scope = semantics.scope(of: function), let selfName = scope.selfName else { continue }
            var cleared = false
            walkScope(function.child(.body) ?? function) { node in
                guard !cleared else { return }
                if let called = selfMethodCalled(node, selfName: selfName), called != "__del__" { pending.insert(called) }
                cleared = kills(node, field: field, selfName: selfName)
            }
            if cleared { return true }
        }
        return false
    }

    /// `self.name(...)`: the method of `self` a call runs.
    private static func selfMethodCalled(_ node: Node, selfName: String) -> String? {
        guard node.kind == .call, let callee = node.child(.function), callee.kind == .attribute,
              callee.child(.object)?.textEquals(selfName) == true else { return nil }
        return callee.child(.attribute)?.text
    }

    private static func isField(_ node: Node?, _ field: String, of selfName: String) -> Bool {
        guard let node, node.kind == .attribute else { return false }
        return node.child(.object)?.textEquals(selfName) == true && node.child(.attribute)?.textEquals(field) == true
    }

    private static func kills(_ node: Node, field: String, selfName: String) -> Bool {
        switch node.kind {
        case .call:
            guard let callee = node.child(.function), callee.kind == .attribute,
                  callee.child(.attribute).map({ $0.textEquals("close") || $0.textEquals("aclose") || $0.textEquals("clear") }) == true
            else { return false }
            return isField(callee.child(.object), field, of: selfName)
        case .assignment:
            return isField(node.child(.left), field, of: selfName) && node.child(.right)?.kind == SyntaxKind.none
        case .deleteStatement:
            return node.namedChildren.flatMap { $0.kind == .expressionList ? $0.namedChildren.array : [$0] }
                .contains { isField($0, field, of: selfName) }
        default:
            return false
        }
    }
}
