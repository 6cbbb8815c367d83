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
        let sizes = CPythonSizes.sizes(for: version)
        var lower = sizes.function + sizes.cell
        var upper = sizes.function + sizes.cell * 4 + 64
        var basis = "function object and its closure cell"
        sizes.finish(lower: &lower, upper: &upper, basis: &basis)
        return HeapExplanation(
            path: [ReferenceStep(from: "function \(name)", via: "__closure__", to: "cell(\(name))", site: referenceSite, line: referenceLine + 1),
                   ReferenceStep(from: "cell(\(name))", via: "cell_contents", to: "function \(name)", site: site, line: line + 1)],
            estimate: ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis),
            mechanism: CPythonCollector.cycleMechanism(for: version, detail: "Each call of \(enclosingFunction)() leaves one more such cycle, with every other cell the function captured."),
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
                guard refersToEnclosingBinding(inner, of: node, semantics) else { return }
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

    /// Whether `identifier`, inside `function`, reads the name from `function`'s enclosing scope: it is
    /// not a name an import statement mentions (`from m import walk as _walk` binds `_walk` and reads
    /// nothing), and no scope between it and `function` binds it again (a comprehension's own loop
    /// variable `[proc(r) for proc in procs]`, a nested function's local or parameter).
    static func refersToEnclosingBinding(_ identifier: Node, of function: Node, _ semantics: SemanticModel) -> Bool {
        let name = identifier.text
        var child = identifier
        for ancestor in identifier.ancestors {
            if ancestor == function { return true }
            switch ancestor.kind {
            case .importStatement, .importFromStatement, .futureImportStatement:
                return false
            case .functionDefinition, .lambda:
                // A parameter's name binds; its default, annotation and the decorators are evaluated in
                // the enclosing scope.
                if child == ancestor.child(.parameters), isParameterName(identifier) { return false }
                guard child == ancestor.child(.body), let inner = semantics.scope(of: ancestor) else { break }
                if inner.locals.contains(name) || inner.globals.contains(name) { return false }
            case .listComprehension, .setComprehension, .dictionaryComprehension, .generatorExpression:
                if comprehension(ancestor, binds: name, outside: child) { return false }
            case .classDefinition:
                // A class body's own assignments shadow the name for the class body itself (not for
                // its methods, which the function case above has already left).
                guard child == ancestor.child(.body) else { break }
                if ancestor.child(.body).map({ classBody($0, binds: name) }) == true { return false }
            default:
                break
            }
            child = ancestor
        }
        return true
    }

    static func isParameterName(_ identifier: Node) -> Bool {
        guard let parent = identifier.parent else { return false }
        switch parent.kind {
        case .parameters, .lambdaParameters, .listSplatPattern, .dictionarySplatPattern:
            return true
        case .defaultParameter, .typedDefaultParameter:
            return identifier.field == .name
        case .typedParameter:
            return parent.namedChildren.first(where: { $0.kind == .identifier }) == identifier
        default:
            return false
        }
    }

    /// Whether a comprehension binds `name` in its own scope for code in `part`: its `for` targets bind
    /// it everywhere except in the first clause's iterable, which runs in the enclosing scope.
    static func comprehension(_ node: Node, binds name: String, outside part: Node) -> Bool {
        var clauses: [Node] = []
        for child in node.namedChildren where child.kind == .forInClause { clauses.append(child) }
        if let first = clauses.first, let iterable = first.child(.right), iterable.range.encloses(part.range) { return false }
        return clauses.contains { clause in
            clause.child(.left)?.boundIdentifiers.contains { $0.text == name } == true
        }
    }

    static func classBody(_ body: Node, binds name: String) -> Bool {
        body.namedChildren.contains { statement in
            var definition = statement
            if statement.kind == .decoratedDefinition, let inner = statement.child(.definition) { definition = inner }
            if definition.kind == .functionDefinition || definition.kind == .classDefinition {
                return definition.child(.name)?.text == name
            }
            guard statement.kind == .expressionStatement, let assignment = statement.firstNamedChild,
                  assignment.kind == .assignment else { return false }
            return assignment.child(.left)?.boundIdentifiers.contains { $0.text == name } == true
        }
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
