import HeapSyntax

/// Integer constant folding and name-binding facts for the size-aware rules (HL3xx, HL4xx, HL5xx).
///
/// Folds integer literals (`1_000_000`, `0x10`), `+ - * // % **` and unary minus, parentheses, and
/// names bound exactly once at module level to a foldable expression (`N = 10**7`). Anything else is
/// not a constant. Overflow gives nil, never a trap.
public struct ConstantFolder: Sendable {
    /// Module-level names assigned exactly once in the whole file, to the expression they hold.
    let moduleConstants: [String: Node]
    /// Every name the file binds anywhere (assignment, def, class, import, parameter, loop target, ...).
    public let boundNames: Set<String>
    /// Names bound per scope: the innermost enclosing function's (or lambda's) node index, -1 for the module.
    let scopedNames: [NodeIndex: Set<String>]
    /// Whether the module runs `from m import *`, which may bind any name, builtins included.
    let hasWildcardImport: Bool

    public init(tree: SyntaxTree) {
        var assignmentCount: [String: Int] = [:]
        var moduleValue: [String: Node] = [:]
        var bound: Set<String> = []
        var scoped: [NodeIndex: Set<String>] = [:]
        var wildcard = false
        // Memoised: the N nested assignments of `a0 = a1 = ... = []` would each walk up the others.
        var enclosingScope = NearestAncestor(where: { $0.kind == .functionDefinition || $0.kind == .lambda })
        func bind(_ name: String, _ site: Node) {
            bound.insert(name)
            scoped[enclosingScope.of(site)?.index ?? -1, default: []].insert(name)
        }
        // Visit order does not matter: the results are sets, counts and values kept only when bound once.
        for node in tree.nodes(ofKinds: .assignment, .augmentedAssignment, .functionDefinition, .classDefinition,
                                .forStatement, .forInClause, .parameters, .lambdaParameters, .aliasedImport,
                                .importStatement, .importFromStatement, .asPatternTarget, .namedExpression,
                                .globalStatement, .caseClause) {
            switch node.kind {
            case .assignment, .augmentedAssignment:
                guard let left = node.child(.left) else { continue }
                for name in ConstantFolder.boundIdentifiers(in: left) {
                    bind(name, node)
                    assignmentCount[name, default: 0] += 1
                    if node.kind == .assignment, left.kind == .identifier, let right = node.child(.right),
                       node.parent?.kind == .expressionStatement, node.parent?.parent?.kind == .module {
                        moduleValue[name] = right
                    }
                }
            case .functionDefinition, .classDefinition:
                if let name = node.child(.name) { bind(name.text, node); assignmentCount[name.text, default: 0] += 1 }
            case .forStatement, .forInClause:
                if let left = node.child(.left) { for name in ConstantFolder.boundIdentifiers(in: left) { bind(name, node); assignmentCount[name, default: 0] += 1 } }
            case .parameters, .lambdaParameters:
                for parameter in node.namedChildren {
                    let nameNode = parameter.kind == .identifier ? parameter
                        : (parameter.child(.name) ?? parameter.namedChildren.first { $0.kind == .identifier })
                    if let nameNode, nameNode.kind == .identifier { bind(nameNode.text, node) }
                }
            case .aliasedImport:
                if let alias = node.child(.alias) { bind(alias.text, node); assignmentCount[alias.text, default: 0] += 1 }
            case .importStatement, .importFromStatement:
                if node.kind == .importFromStatement, node.namedChildren.contains(where: { $0.kind == .wildcardImport }) { wildcard = true }
                for child in node.children(.name) where child.kind == .dottedName {
                    let head = node.kind == .importStatement ? (child.firstNamedChild?.text ?? child.text) : child.text
                    bind(head, node)
                    assignmentCount[head, default: 0] += 1
                }
            case .asPatternTarget, .namedExpression:
                let target = node.kind == .namedExpression ? node.child(.name) : node.firstNamedChild
                if let target, target.kind == .identifier { bind(target.text, node); assignmentCount[target.text, default: 0] += 1 }
            case .globalStatement:
                // `global sum` then `sum = 3` in one function rebinds the module's `sum`, which every
                // other function reads: the name is bound at module level too.
                for name in node.namedChildren where name.kind == .identifier {
                    bound.insert(name.text)
                    scoped[-1, default: []].insert(name.text)
                }
            case .caseClause:
                // A capture pattern (`case sum:`, `case [sum, *_]:`) binds its name like an assignment;
                // the grammar spells a capture as a one-part `dotted_name` (a class pattern's class name
                // looks the same and is counted too, which only makes the answer more cautious).
                for part in node.children where part.field != .consequence && part.field != .guard {
                    for name in [part] + Array(part.descendants) where name.kind == .dottedName {
                        let parts = Array(name.namedChildren)
                        if parts.count == 1, parts[0].kind == .identifier { bind(parts[0].text, node) }
                    }
                }
            default:
                continue
            }
        }
        self.boundNames = bound
        self.scopedNames = scoped
        self.hasWildcardImport = wildcard
        self.moduleConstants = moduleValue.filter { assignmentCount[$0.key] == 1 }
    }

    /// Identifiers bound by an assignment target (`a`, `a, b`, `[a, *b]`, node), not attributes or subscripts.
    public static func boundIdentifiers(in target: Node) -> [String] {
        var names: [String] = []
        var stack = [target]
        while let node = stack.popLast() {
            switch node.kind {
            case .identifier: names.append(node.text)
            case .patternList, .tuplePattern, .listPattern, .expressionList, .tuple, .list, .listSplatPattern,
                 .parenthesizedExpression, .listSplat:
                stack.append(contentsOf: node.namedChildren)
            default: continue
            }
        }
        return names
    }

    /// Whether `name` is a module-level name bound once to a literal (`_ALPHABET = b"ABC..."`, `N = 10`).
    public func isModuleLiteral(_ name: String) -> Bool {
        guard let value = moduleConstants[name] else { return false }
        return [.string, .concatenatedString, .integer, .float, .true, .false, .none].contains(value.kind)
    }

    /// Whether `name` is the builtin of that name everywhere: not rebound anywhere in the file.
    public func isBuiltin(_ name: String) -> Bool { !boundNames.contains(name) }

    /// Whether `name` read at `node` is the builtin: not bound at module level nor in any function
    /// enclosing `node` (a `def sum` nested in one function does not shadow `sum` in another).
    public func isBuiltin(_ name: String, at node: Node) -> Bool {
        if scopedNames[-1]?.contains(name) == true { return false }
        for ancestor in node.ancestors where ancestor.kind == .functionDefinition || ancestor.kind == .lambda {
            if scopedNames[ancestor.index]?.contains(name) == true { return false }
        }
        return true
    }

    /// What the bare name `name` read at `node` calls, as a fix that writes or keeps a call to that
    /// builtin must know: a fix is safe only where it certainly calls the builtin. `sum = 3` then
    /// `sum(1 for ...)` is `TypeError: 'int' object is not callable`.
    public func builtinBinding(_ name: String, at node: Node) -> BuiltinBinding {
        if !isBuiltin(name, at: node) { return .shadowed }
        return hasWildcardImport ? .unknown : .builtin
    }

    /// The value of an integer constant expression, or nil.
    public func integerValue(of node: Node) -> Int? {
        integerValue(of: node, depth: 0)
    }

    private func integerValue(of node: Node, depth: Int) -> Int? {
        guard depth < 32 else { return nil }
        switch node.kind {
        case .integer:
            return Self.parseInteger(node.text)
        case .parenthesizedExpression:
            return node.firstNamedChild.flatMap { integerValue(of: $0, depth: depth + 1) }
        case .unaryOperator:
            guard let operand = node.child(.argument), let value = integerValue(of: operand, depth: depth + 1) else { return nil }
            let op = node.child(.operator)?.text ?? ""
            return op == "-" ? -value : op == "+" ? value : nil
        case .binaryOperator:
            guard let l = node.child(.left).flatMap({ integerValue(of: $0, depth: depth + 1) }),
                  let r = node.child(.right).flatMap({ integerValue(of: $0, depth: depth + 1) }),
                  let op = node.child(.operator)?.text else { return nil }
            switch op {
            case "+": let (v, o) = l.addingReportingOverflow(r); return o ? nil : v
            case "-": let (v, o) = l.subtractingReportingOverflow(r); return o ? nil : v
            case "*": let (v, o) = l.multipliedReportingOverflow(by: r); return o ? nil : v
            case "//": return r == 0 ? nil : Int((Double(l) / Double(r)).rounded(.down))
            case "%": return r == 0 ? nil : ((l % r) + r) % r
            case "**":
                guard r >= 0, r < 64 else { return nil }
                var result = 1
                for _ in 0..<r {
                    let (v, o) = result.multipliedReportingOverflow(by: l)
                    if o { return nil }
                    result = v
                }
                return result
            case "<<": return (r >= 0 && r < 62) ? l << r : nil
            default: return nil
            }
        case .identifier:
            guard let value = moduleConstants[node.text] else { return nil }
            return integerValue(of: value, depth: depth + 1)
        default:
            return nil
        }
    }

    static func parseInteger(_ literal: String) -> Int? {
        var text = String(literal.filter { $0 != "_" }).lowercased()
        if text.hasSuffix("l") { text.removeLast() }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        if text.hasPrefix("0b") { return Int(text.dropFirst(2), radix: 2) }
        return Int(text)
    }
}

/// Whether a bare name is the builtin where it is read.
public enum BuiltinBinding: Sendable {
    /// Nothing in scope binds it: the builtin.
    case builtin
    /// Bound in scope (module-level assignment, import, `def`/`class` name, parameter, local, a
    /// `global` declaration in any function, a `case` capture): not the builtin.
    case shadowed
    /// Not bound by anything heaplint sees, but `from m import *` may have bound it.
    case unknown
}
