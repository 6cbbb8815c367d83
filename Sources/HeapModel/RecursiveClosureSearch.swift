import HeapSemantics
import HeapSyntax

/// A nested function (or lambda bound to a local) that refers to itself by name: its closure cell
/// holds the function, and the function holds the cell.
public struct RecursiveClosure: Sendable, Hashable {
    /// The function's name where it is bound (`def ↓walk`).
    public let site: SourceRange
    public let line: Int
    public let name: String
    public let enclosingFunction: String
    /// Where the function refers to itself.
    public let referenceSite: SourceRange
    public let referenceLine: Int

    public func explanation(for version: TargetVersion) -> HeapExplanation {
        var lower = CPythonSizes.function + CPythonSizes.cell
        var upper = CPythonSizes.function + CPythonSizes.cell * 4 + 64
        var basis = "function object and its closure cell"
        if version != .py311 {
            lower = lower * 3 / 4
            upper = upper * 5 / 4
            basis += "; sizes measured on CPython 3.11, widened ±25 % for \(version.displayName) (not measured)"
        }
        return HeapExplanation(
            path: [ReferenceStep(from: "function \(name)", via: "__closure__", to: "cell(\(name))", site: referenceSite, line: referenceLine + 1),
                   ReferenceStep(from: "cell(\(name))", via: "cell_contents", to: "function \(name)", site: site, line: line + 1)],
            estimate: ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis),
            mechanism: CPythonSizes.cycleMechanism + " Each call of \(enclosingFunction)() leaves one more such cycle, with every other cell the function captured.",
            remedy: "Move the recursive helper to module level (it then reaches itself through globals), pass it to itself as an argument, or `del \(name)` in the enclosing function once done.")
    }
}

enum RecursiveClosureSearch {
    static func find(_ semantics: SemanticModel) -> [RecursiveClosure] {
        var result: [RecursiveClosure] = []
        for (node, scope) in semantics.functionScopes {
            guard let outerNode = node.enclosingScopeNode,
                  outerNode.kind == .functionDefinition || outerNode.kind == .lambda,
                  let outer = semantics.scope(of: outerNode) else { continue }
            var name: String
            var nameNode: Node
            if node.kind == .functionDefinition {
                guard let identifier = node.child(.name) else { continue }
                name = identifier.text
                nameNode = identifier
            } else {
                guard let assignment = node.parent, assignment.kind == .assignment, node.field == .right,
                      let left = assignment.child(.left), left.kind == .identifier else { continue }
                name = left.text
                nameNode = left
            }
            guard outer.locals.contains(name), !scope.locals.contains(name), !outer.globals.contains(name),
                  !outer.nonlocals.contains(name) else { continue }
            var reference: Node?
            walkScope(node.child(.body) ?? node, intoNestedScopes: true) { inner in
                guard reference == nil, inner.kind == .identifier, inner.text == name else { return }
                if inner.field == .attribute && inner.parent?.kind == .attribute { return }
                if inner.field == .name && inner.parent?.kind == .keywordArgument { return }
                reference = inner
            }
            guard let reference else { continue }
            if isReleased(name, after: node, in: outerNode) { continue }
            result.append(RecursiveClosure(site: nameNode.range, line: nameNode.start.line, name: name,
                                           enclosingFunction: outer.name, referenceSite: reference.range,
                                           referenceLine: reference.start.line))
        }
        return result.sorted { $0.site < $1.site }
    }

    static func isReleased(_ name: String, after definition: Node, in outer: Node) -> Bool {
        var released = false
        walkScope(outer.child(.body) ?? outer) { node in
            guard !released, node.range.start >= definition.range.end else { return }
            if node.kind == .deleteStatement,
               node.namedChildren.flatMap({ $0.kind == .expressionList ? $0.namedChildren.array : [$0] })
                .contains(where: { $0.kind == .identifier && $0.text == name }) {
                released = true
            }
            if node.kind == .assignment, node.child(.left)?.kind == .identifier, node.child(.left)?.text == name,
               node.child(.right)?.kind == SyntaxKind.none {
                released = true
            }
        }
        return released
    }
}
