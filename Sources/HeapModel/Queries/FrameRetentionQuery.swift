import HeapSemantics
import HeapSyntax

/// The frame-retention query (HL103's locals): run each function's body through the structured interpreter
/// with the frame domain, and at every way the frame ends — falling off the end, each `return`, an explicit
/// `raise` that leaves the function — report the locals that still lead back to the frame:
/// frame → `f_locals[name]` → (container →) exception/traceback/frame → … → frame.
enum FrameRetentionQuery {
    static func find(_ semantics: SemanticModel) -> [FrameRetention] {
        // Only functions with an `except` clause or a frame-returning call can keep their frame.
        var candidates = Set<Node>()
        for node in semantics.tree.nodes(ofKinds: .exceptClause, .exceptGroupClause, .call) {
            if node.kind == .call, !callMayReturnFrame(node) { continue }
            if let function = node.ancestors.first(where: { $0.kind == .functionDefinition }) { candidates.insert(function) }
        }
        var result: [FrameRetention] = []
        for function in candidates {
            guard let scope = semantics.functionScopes[function], let body = function.child(.body) else { continue }
            result += retentions(in: body, scope: scope, semantics: semantics)
        }
        return result.sorted { $0.site < $1.site }
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
        let flow = StructuredFlow(domain: FrameLocalsDomain(scope: scope, semantics: semantics))
        let outcome = flow.run(body, FrameLocalsState())
        var exits: [FrameLocalsState] = outcome.returns.map(\.state)
        if let normal = outcome.normal { exits.append(normal) }
        if let raised = outcome.raised { exits.append(raised) }

        // (storing statement, local) pairs still holding a tied object when the frame ends.
        var held: [NodeIndex: (kind: FrameRetention.Kind, locals: Set<String>)] = [:]
        for state in exits {
            for (name, references) in state.locals {
                for reference in references where reference.object.isTiedByItself {
                    held[reference.site, default: (kind(of: reference.object), [])].locals.insert(name)
                }
                for reference in references where reference.object.kind == .container {
                    for item in state.reachable(from: [reference]) where item.object.isTiedByItself {
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
        return held.keys.sorted().compactMap { index -> FrameRetention? in
            guard let entry = held[index] else { return nil }
            let site = tree.node(index)
            let name = firstNamed(entry.locals, in: site)
            guard reportedLocals.insert(name).inserted else { return nil }
            return FrameRetention(kind: entry.kind, site: site.range, line: site.start.line, localName: name,
                                  functionName: scope.name)
        }
    }

    private static func kind(of object: FrameObject) -> FrameRetention.Kind {
        switch object.kind {
        case .exception: return .exception
        case .excInfo: return .excInfo
        case .traceback: return .traceback
        case .frame: return .frame
        case .container: return .exceptionInContainer
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
