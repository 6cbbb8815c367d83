import HeapSemantics
import HeapSyntax

/// Library calls that return a future: an object that keeps the exception its work failed with
/// (`concurrent.futures.Future._exception`, `asyncio.Future._exception`) and re-raises that same object
/// from `result()`. Each row is data; the frame domain makes a `.future` object where one is called.
enum FutureModels {
    /// Functions and classes, by import-resolved name.
    static let factories: Set<String> = [
        "concurrent.futures.Future", "concurrent.futures._base.Future", "asyncio.Future", "asyncio.futures.Future",
        "asyncio.run_coroutine_threadsafe", "asyncio.ensure_future", "asyncio.create_task",
    ]
    /// Methods that return a future whatever their receiver's class: `Executor.submit`,
    /// `AbstractEventLoop.create_future`, `loop.run_coroutine_threadsafe` (a receiver the model rarely knows).
    static let methods: Set<String> = ["submit", "create_future", "run_coroutine_threadsafe"]
    /// Methods of a future that raise its stored exception when it failed.
    static let raisingMethods: Set<String> = ["result"]

    /// Whether `call` is one of the rows above.
    static func isFactoryCall(_ call: Node, _ semantics: SemanticModel) -> Bool {
        guard let callee = call.child(.function) else { return false }
        if let qualified = semantics.qualifiedName(of: callee), factories.contains(qualified) { return true }
        if callee.kind == .attribute, let method = callee.child(.attribute)?.text, methods.contains(method) { return true }
        return false
    }

    /// `name.result()`: the local whose future may raise its stored exception here.
    static func raisingReceiver(_ call: Node) -> Node? {
        guard call.kind == .call, let callee = call.child(.function), callee.kind == .attribute,
              let method = callee.child(.attribute), raisingMethods.contains(method.text),
              let receiver = callee.child(.object), receiver.kind == .identifier else { return nil }
        return receiver
    }
}

/// Which module-level functions return a future on every `return` (dramatiq's `_submit` building one):
/// a summary per function, computed once per module by running the frame domain over its body, whose
/// calls to other module functions are not followed (one level, as a summary of a summary would need a
/// fixpoint over the call graph). One per query run, not shared between modules.
final class FutureReturningFunctions {
    private let semantics: SemanticModel
    private var known: [String: Bool] = [:]

    init(semantics: SemanticModel) { self.semantics = semantics }

    /// Whether calling the module function named by `callee` returns a future.
    func returnsFuture(_ callee: Node) -> Bool {
        guard callee.kind == .identifier, semantics.importedNames[callee.text] == nil else { return false }
        let name = callee.text
        if let answer = known[name] { return answer }
        known[name] = false  // a recursive function's own calls see "no" while it is being summarised
        let answer = summarise(name)
        known[name] = answer
        return answer
    }

    private func summarise(_ name: String) -> Bool {
        // The last definition in the module is the one its name is bound to when the module has run.
        guard let (node, scope) = semantics.functionScopes.filter({ node, scope in
            node.kind == .functionDefinition && scope.name == name && scope.enclosingClass == nil && scope.enclosingFunction == nil
        }).max(by: { $0.key.index < $1.key.index }), let body = node.child(.body) else { return false }
        let domain = FrameLocalsDomain(scope: scope, semantics: semantics)
        let outcome = StructuredFlow(domain: domain).run(body, domain.entryState())
        guard !outcome.returns.isEmpty else { return false }
        return outcome.returns.allSatisfy { exit in
            guard let value = exit.statement.firstNamedChild else { return false }
            return domain.value(of: value, exit.state).contains { $0.object.kind == .future }
        }
    }
}
