import HeapSemantics
import HeapSyntax

/// The frame-retention query (HL103's locals): run each function's body through the structured interpreter
/// with the frame domain, and at every way the frame ends — falling off the end, each `return`, an explicit
/// `raise` that leaves the function — report the locals that still lead back to the frame:
/// frame → `f_locals[name]` → (container →) exception/traceback/frame → … → frame.
enum FrameRetentionQuery {
    static func find(_ semantics: SemanticModel) -> [FrameRetention] { analyse(semantics).retentions }

    /// HL103's retained locals, and the `raise`s whose exception a local still keeps when the frame ends
    /// (frame → `f_locals[err]` → exception → `__traceback__` → traceback → `tb_frame` → frame, the
    /// traceback entry made by the raise itself).
    static func analyse(_ semantics: SemanticModel) -> (retentions: [FrameRetention], raised: [FrameCycle]) {
        // Only functions with an `except` clause, a frame-returning call, a `name.result()` or a `raise` of
        // something other than a fresh call can keep their frame.
        var candidates = Set<Node>()
        for node in semantics.tree.nodes(ofKinds: .exceptClause, .exceptGroupClause, .call, .raiseStatement) {
            if node.kind == .call, !callMayReturnFrame(node), FutureModels.raisingReceiver(node) == nil { continue }
            if node.kind == .raiseStatement, !mayRaiseHeldValue(node) { continue }
            if let function = node.ancestors.first(where: { $0.kind == .functionDefinition }) { candidates.insert(function) }
        }
        var retentions: [FrameRetention] = []
        var raised: [FrameCycle] = []
        let futureFunctions = FutureReturningFunctions(semantics: semantics)
        for function in candidates {
            guard let scope = semantics.functionScopes[function], let body = function.child(.body) else { continue }
            let found = analyse(body, scope: scope, semantics: semantics, futureFunctions: futureFunctions)
            retentions += found.retentions
            raised += found.raised
        }
        return (retentions.sorted { $0.site < $1.site }, raised.sorted { $0.site < $1.site })
    }

    /// `raise name`, `raise a.b`, `raise a[0]`, `raise e.with_traceback(tb)`, `raise fut.exception()`: a raise
    /// whose value may be held by a local (`raise Error(...)` and a bare `raise` are not).
    private static func mayRaiseHeldValue(_ raise: Node) -> Bool {
        guard let raised = raise.namedChildren.first(where: { $0.field != .cause && $0.kind != .comment }) else { return false }
        guard raised.kind == .call else { return true }
        return raised.child(.function)?.child(.attribute).map {
            $0.textEquals("with_traceback") || FunctionContext.returnsHeldException($0.text)
        } ?? false
    }

    /// A call whose callee's last name is one of the frame-returning functions (checked precisely later).
    private static func callMayReturnFrame(_ call: Node) -> Bool {
        guard let callee = call.child(.function) else { return false }
        let name = callee.kind == .attribute ? callee.child(.attribute) : callee
        guard let name else { return false }
        return name.textEquals("currentframe") || name.textEquals("_getframe") || name.textEquals("stack")
            || name.textEquals("trace")
    }

    static func retentions(in body: Node, scope: FunctionScope, semantics: SemanticModel) -> [FrameRetention] {
        analyse(body, scope: scope, semantics: semantics).retentions
    }

    static func analyse(_ body: Node, scope: FunctionScope, semantics: SemanticModel,
                        futureFunctions: FutureReturningFunctions? = nil)
        -> (retentions: [FrameRetention], raised: [FrameCycle]) {
        // Which local each raise of an exception instance raises from (the instance-versus-class vocabulary
        // of `FunctionContext`).
        var statements: [Node] = []
        var raises: [Node] = []
        walkScope(body) { inner in
            switch inner.kind {
            case .raiseStatement: statements.append(inner); if mayRaiseHeldValue(inner) { raises.append(inner) }
            case .assignment, .call, .deleteStatement: statements.append(inner)
            default: break
            }
        }
        var holders: [NodeIndex: Node] = [:]
        if !raises.isEmpty {
            var context = FunctionContext(scope: scope, statements: statements, semantics: semantics)
            // `raise errors[0]` raises a held exception only when `errors` holds exceptions, which the
            // interpreter answers at the statements that fill it: a first run records their states (the
            // raise holders do not change which locals hold caught exceptions, only `.raised` objects).
            if raises.contains(where: { !$0.descendants(ofKind: .subscript).isEmpty }) {
                context.statesBefore = FrameCycleSearch.interpret(body, context: context, trackingStores: false).states
            }
            for raise in raises { if let holder = context.raisedHolder(of: raise) { holders[raise.index] = holder } }
        }
        let raisingLocals = holders.compactMapValues { holder -> FrameLocalsDomain.RaisingLocal? in
            guard let root = FunctionContext.rootLocal(of: holder) else { return nil }
            return FrameLocalsDomain.RaisingLocal(name: root.text, isItem: holder.kind == .subscript && holder.child(.value) == root)
        }
        let domain = FrameLocalsDomain(scope: scope, semantics: semantics, raisingLocals: raisingLocals,
                                       futureFunctions: futureFunctions ?? FutureReturningFunctions(semantics: semantics))
        let outcome = StructuredFlow(domain: domain).run(body, domain.entryState())
        var exits: [FrameLocalsState] = outcome.returns.map(\.state)
        if let normal = outcome.normal { exits.append(normal) }
        if let raised = outcome.raised { exits.append(raised) }
        // A future's `result()` raises without a `raise` statement: the paths where it did are exception
        // edges (`mayRaise`), the only paths on which the future holds an exception at all.
        let futureExits = exits + [outcome.mayRaise].compactMap { $0 }

        // (storing statement, local) pairs still holding a tied object when the frame ends.
        var held: [NodeIndex: (kind: FrameRetention.Kind, locals: Set<String>)] = [:]
        // raise statements whose exception a local still reaches when the frame ends.
        var stillRaised = Set<NodeIndex>()
        for state in exits {
            for (name, references) in state.locals {
                for reference in references where reference.object.kind == .raised { stillRaised.insert(reference.object.origin) }
                for reference in references where reference.object.isTiedByItself && reference.object.kind != .raised
                    && state.stillTied(reference.object) {
                    held[reference.site, default: (kind(of: reference.object), [])].locals.insert(name)
                }
                for reference in references where reference.object.kind == .container {
                    for item in state.reachable(from: [reference]) where item.object.kind == .raised {
                        stillRaised.insert(item.object.origin)
                    }
                    for item in state.reachable(from: [reference]) where item.object.isTiedByItself && item.object.kind != .raised
                        && state.stillTied(item.object) {
                        held[item.site, default: (.exceptionInContainer, [])].locals.insert(name)
                    }
                }
            }
        }
        let tree = semantics.tree
        // A chained assignment (`a = b = sys.exc_info()`) is one statement: one finding, at its outer assignment.
        for index in held.keys.sorted(by: >) {  // innermost first: `a = b = c = x`
            let site = tree.node(index)
            guard site.kind == .assignment, let outer = site.parent, outer.kind == .assignment,
                  let entry = held.removeValue(forKey: index) else { continue }
            held[outer.index, default: (entry.kind, [])].locals.formUnion(entry.locals)
        }
        // One finding per storing statement: `kind, value, tb = sys.exc_info()` names the first local it binds
        // that keeps the frame (the others are the same cycle). And one per local: `tb = tb.tb_next` after
        // `tb = e.__traceback__` keeps the same slot on the same cycle, reported at its first store.
        var reportedLocals = Set<String>()
        let retentions = held.keys.sorted().compactMap { index -> FrameRetention? in
            guard let entry = held[index] else { return nil }
            let site = tree.node(index)
            let name = firstNamed(entry.locals, in: site)
            guard reportedLocals.insert(name).inserted else { return nil }
            return FrameRetention(kind: entry.kind, site: site.range, line: site.start.line, localName: name,
                                  functionName: scope.name)
        }
        let raised = stillRaised.sorted().compactMap { index -> FrameCycle? in
            guard let holder = holders[index], let root = raisingLocals[index]?.name else { return nil }
            let site = tree.node(index)
            var cycle = FrameCycle(kind: .raisedFromLocal, site: site.range, line: site.start.line, holder: holder.text,
                                   rootLocal: root, functionName: scope.name, stored: nil, generatorName: nil)
            // Reached from `self`, the method's own instance is on the cycle (its class's `__del__`, if any,
            // then runs only from the collector).
            if root == scope.selfName, let owner = scope.enclosingClass { cycle.selfClass = owner }
            return cycle
        }
        return (retentions, raised + failedFutures(at: futureExits, scope: scope, tree: tree))
    }

    /// `fut.result()` calls whose raised exception a local still reaches through the future when the frame
    /// ends: frame → `f_locals[fut]` → future → `_exception` → exception → `__traceback__` → traceback →
    /// `tb_frame` → frame. One finding per call site and per holding local: the local the call names when it
    /// still holds the future, else the first other local that does (`keep = fut`, then `del fut`).
    private static func failedFutures(at exits: [FrameLocalsState], scope: FunctionScope, tree: SyntaxTree) -> [FrameCycle] {
        var holders: [NodeIndex: Set<String>] = [:]
        for state in exits {
            for (name, references) in state.locals {
                for reference in references where reference.object.kind == .futureFailed {
                    holders[reference.object.origin, default: []].insert(name)
                }
            }
        }
        var reported = Set<String>()
        return holders.keys.sorted().compactMap { index -> FrameCycle? in
            let call = tree.node(index)
            guard let receiver = FutureModels.raisingReceiver(call), let names = holders[index] else { return nil }
            let holder = names.contains(receiver.text) ? receiver.text : names.sorted()[0]
            guard reported.insert(holder).inserted else { return nil }
            var cycle = FrameCycle(kind: .futureResultRaised, site: call.range, line: call.start.line, holder: holder,
                                   rootLocal: holder, functionName: scope.name, stored: nil, generatorName: nil)
            cycle.raisingReceiver = receiver.text
            return cycle
        }
    }

    private static func kind(of object: FrameObject) -> FrameRetention.Kind {
        switch object.kind {
        case .exception: return .exception
        case .excInfo: return .excInfo
        case .traceback: return .traceback
        case .frame: return .frame
        case .container, .raised, .exitException, .exitTraceback, .future, .futureFailed, .classObject, .generator:
            return .exceptionInContainer  // never tied by itself
        }
    }

    /// The local of `names` whose identifier comes first in the statement (sorted names otherwise).
    private static func firstNamed(_ names: Set<String>, in site: Node) -> String {
        if names.count == 1, let only = names.first { return only }
        for identifier in site.descendants(ofKind: .identifier) where names.contains(identifier.text) {
            return identifier.text
        }
        return names.sorted().first ?? ""
    }
}
