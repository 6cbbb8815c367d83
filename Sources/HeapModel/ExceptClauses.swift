import HeapSemantics
import HeapSyntax

/// Facts about `except` clauses that the frame searches share: which `as` names are bound around a node,
/// whether a node runs while this frame handles an exception, and which expressions produce an object that
/// leads back to the frame (the caught exception, its traceback, `sys.exc_info()`, the frame itself).
enum ExceptClauses {
    /// The `except ... as name` aliases in effect at `node` within the function.
    static func exceptAliases(around node: Node, function: Node) -> Set<String> {
        var names = Set<String>()
        for ancestor in node.ancestors {
            if ancestor == function { break }
            guard ancestor.kind == .exceptClause || ancestor.kind == .exceptGroupClause else { continue }
            for child in ancestor.namedChildren where child.kind == .asPattern {
                if let alias = child.child(.alias) { for name in alias.boundIdentifiers { names.insert(name.text) } }
            }
        }
        return names
    }

    static func insideExcept(_ node: Node, function: Node) -> Bool {
        for ancestor in node.ancestors {
            if ancestor == function { return false }
            if ancestor.kind == .exceptClause || ancestor.kind == .exceptGroupClause { return true }
        }
        return false
    }

    /// What a stored value keeps, if it is one of the frame-holding objects.
    static func classify(_ value: Node, function: Node, semantics: SemanticModel) -> FrameRetention.Kind? {
        switch value.kind {
        case .identifier:
            return exceptAliases(around: value, function: function).contains(value.text) ? .exception : nil
        case .attribute:
            if value.child(.attribute)?.text == "__traceback__", let object = value.child(.object), object.kind == .identifier,
               exceptAliases(around: value, function: function).contains(object.text) {
                return .traceback
            }
            return nil
        case .call:
            guard let callee = value.child(.function) else { return nil }
            let arguments = value.child(.arguments)?.namedChildren.array ?? []
            if semantics.resolves(callee, to: "sys.exc_info") && insideExcept(value, function: function) { return .excInfo }
            if semantics.resolves(callee, to: "inspect.currentframe") { return .frame }
            if semantics.resolves(callee, to: "sys._getframe") && (arguments.isEmpty || arguments.first?.text == "0") { return .frame }
            if semantics.resolves(callee, to: "inspect.stack") { return .frame }
            if semantics.resolves(callee, to: "inspect.trace") && insideExcept(value, function: function) { return .frame }
            return nil
        case .subscript:
            guard let base = value.child(.value), base.kind == .call, let callee = base.child(.function),
                  semantics.resolves(callee, to: "sys.exc_info"), insideExcept(value, function: function) else { return nil }
            // exc_info()[0] is only the type; any other part holds the exception or its traceback.
            if let index = value.child(.subscript), index.text == "0" { return nil }
            return .excInfo
        default:
            return nil
        }
    }

}
