import HeapSemantics
import HeapSyntax

/// An exception, traceback or frame kept in a local variable of the very frame it refers to:
/// exception → `__traceback__` → traceback → `tb_frame` → frame → `f_locals` → the same exception.
public struct FrameRetention: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// `err = e` inside `except ... as e:`.
        case exception
        /// `errors.append(e)` into a local container.
        case exceptionInContainer
        /// `info = sys.exc_info()`, `_, value, tb = sys.exc_info()`.
        case excInfo
        /// `tb = e.__traceback__`.
        case traceback
        /// `frame = inspect.currentframe()`, `sys._getframe()`, `inspect.stack()`.
        case frame
    }

    public let kind: Kind
    /// The statement that stores it.
    public let site: SourceRange
    public let line: Int
    /// The local that holds it.
    public let localName: String
    /// The function whose frame is kept.
    public let functionName: String

    public func explanation(for version: TargetVersion) -> HeapExplanation {
        let line = self.line + 1
        let holder = "frame of \(functionName)()"
        var path: [ReferenceStep]
        switch kind {
        case .frame:
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: "frame", site: site, line: line)]
            if localName.isEmpty == false, kind == .frame {
                path[0] = ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: holder, site: site, line: line)
            }
        case .traceback:
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: "traceback", site: site, line: line),
                    ReferenceStep(from: "traceback", via: "tb_frame", to: holder)]
        case .exceptionInContainer:
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: "list", site: site, line: line),
                    ReferenceStep(from: "list", via: "", to: "exception"),
                    ReferenceStep(from: "exception", via: "__traceback__", to: "traceback"),
                    ReferenceStep(from: "traceback", via: "tb_frame", to: holder)]
        case .exception, .excInfo:
            let held = kind == .excInfo ? "exc_info tuple" : "exception"
            path = [ReferenceStep(from: holder, via: "f_locals[\(localName)]", to: held, site: site, line: line)]
            if kind == .excInfo { path.append(ReferenceStep(from: held, via: "", to: "traceback")) }
            else {
                path.append(ReferenceStep(from: "exception", via: "__traceback__", to: "traceback"))
            }
            path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: holder))
        }
        var lower = CPythonSizes.frame + CPythonSizes.traceback
        var upper = CPythonSizes.frame + 512 + CPythonSizes.traceback * 4
        if kind != .frame { lower += CPythonSizes.exception; upper += CPythonSizes.exception + 300 }
        var basis = "frame, traceback\(kind == .frame ? "" : ", exception"), not counting the frame's other locals"
        if version != .py311 {
            lower = lower * 3 / 4
            upper = upper * 5 / 4
            basis += "; sizes measured on CPython 3.11, widened ±25 % for \(version.displayName) (not measured)"
        }
        return HeapExplanation(
            path: path,
            estimate: ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis),
            mechanism: CPythonSizes.cycleMechanism + " Until then every local of the frame stays alive too.",
            remedy: kind == .frame
                ? "Delete the frame reference when done (`del \(localName)` in a finally block), or take only what you need from it (f_back.f_code.co_name)."
                : "Release it when done: `\(localName) = None` or `del \(localName)` in a finally block; or keep only str(exc) / the exception type.")
    }
}

enum FrameRetentionSearch {
    static func find(_ semantics: SemanticModel) -> [FrameRetention] {
        var result: [FrameRetention] = []
        // Only functions with an `except` clause or a frame-returning call can keep a frame.
        var candidates = Set<Node>()
        for node in semantics.tree.nodes(ofKinds: .exceptClause, .exceptGroupClause, .call) {
            let relevant: Bool
            switch node.kind {
            case .exceptClause, .exceptGroupClause:
                relevant = true
            case .call:
                if let callee = node.child(.function), callee.kind == .attribute, let name = callee.child(.attribute) {
                    relevant = name.textEquals("currentframe") || name.textEquals("_getframe") || name.textEquals("stack")
                        || name.textEquals("trace")
                } else {
                    relevant = node.child(.function).map { $0.textEquals("currentframe") || $0.textEquals("_getframe") || $0.textEquals("stack") } ?? false
                }
            default:
                relevant = false
            }
            if relevant, let function = node.ancestors.first(where: { $0.kind == .functionDefinition }) { candidates.insert(function) }
        }
        // Results are sorted below, so the candidates' order does not matter; looking each one up
        // avoids copying every scope of the module.
        for node in candidates {
            guard let scope = semantics.functionScopes[node], let body = node.child(.body) else { continue }
            var nodes: [Node] = []
            walkScope(body) { nodes.append($0) }
            result.append(contentsOf: search(nodes, scope: scope, semantics: semantics))
        }
        return result.sorted { $0.site < $1.site }
    }

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

    static func search(_ nodes: [Node], scope: FunctionScope, semantics: SemanticModel) -> [FrameRetention] {
        var found: [(FrameRetention, Node)] = []
        let function = scope.node
        for node in nodes {
            switch node.kind {
            case .assignment:
                guard node.parent?.kind == .expressionStatement, let left = node.child(.left),
                      let right = node.child(.right), right.kind != .assignment else { continue }
                if left.kind == .identifier {
                    guard scope.locals.contains(left.text),
                          let kind = classify(right, function: function, semantics: semantics) else { continue }
                    if kind == .exception, exceptAliases(around: node, function: function).contains(left.text) { continue }
                    found.append((FrameRetention(kind: kind, site: node.range, line: node.start.line, localName: left.text,
                                                 functionName: scope.name), node))
                } else if [.patternList, .tuplePattern, .tuple].contains(left.kind), right.kind == .call,
                          let callee = right.child(.function), semantics.resolves(callee, to: "sys.exc_info"),
                          insideExcept(node, function: function) {
                    let names = left.namedChildren.array
                    for name in names.dropFirst() where name.kind == .identifier && scope.locals.contains(name.text) {
                        found.append((FrameRetention(kind: .excInfo, site: node.range, line: node.start.line,
                                                     localName: name.text, functionName: scope.name), node))
                        break
                    }
                }
            case .call:
                guard node.parent?.kind == .expressionStatement, let callee = node.child(.function), callee.kind == .attribute,
                      let method = callee.child(.attribute)?.text, ["append", "add", "appendleft", "insert"].contains(method),
                      let receiver = callee.child(.object), receiver.kind == .identifier, scope.locals.contains(receiver.text),
                      let argument = node.child(.arguments)?.namedChildren.array.last,
                      let kind = classify(argument, function: function, semantics: semantics),
                      kind == .exception || kind == .traceback else { continue }
                found.append((FrameRetention(kind: .exceptionInContainer, site: node.range, line: node.start.line,
                                             localName: receiver.text, functionName: scope.name), node))
            default:
                continue
            }
        }
        return found.filter { retention, node in
            !isReleased(retention.localName, after: node, in: nodes, semantics: semantics)
        }.map(\.0)
    }

    /// Whether the loop around a `name = name.tb_next` step runs until `name` is None
    /// (`while name:`, `while name is not None:`).
    static func endsAtNone(walkOf name: String, at step: Node) -> Bool {
        guard let loop = step.ancestors.first(where: { $0.kind == .whileStatement || $0.kind == .functionDefinition }),
              loop.kind == .whileStatement, let condition = loop.child(.condition) else { return false }
        if condition.kind == .identifier { return condition.textEquals(name) }
        return condition.kind == .comparisonOperator && condition.text.split(separator: " ").map(String.init) == [name, "is", "not", "None"]
    }

    /// `del name`, `name = None` or `name.clear()` after the storing statement.
    static func isReleased(_ name: String, after site: Node, in nodes: [Node], semantics: SemanticModel) -> Bool {
        for node in nodes where node.range.start > site.range.start {
            switch node.kind {
            case .deleteStatement:
                let targets = node.namedChildren.flatMap { $0.kind == .expressionList ? $0.namedChildren.array : [$0] }
                if targets.contains(where: { $0.kind == .identifier && $0.text == name }) { return true }
            case .assignment:
                // Any later rebinding drops the reference (`frame = frame.f_back`, `err = None`), except a
                // walk down the traceback (`tb = tb.tb_next`): a deeper entry's frame reaches this one
                // through `f_back`, so only a walk that ends at None (`while tb is not None:`) releases.
                if let left = node.child(.left), left.boundIdentifiers.contains(where: { $0.text == name }),
                   node.range.start > site.range.end {
                    if let right = node.child(.right), right.kind == .attribute, right.child(.attribute)?.textEquals("tb_next") == true,
                       !endsAtNone(walkOf: name, at: node) {
                        continue
                    }
                    return true
                }
                if let left = node.child(.left), left.kind == .attribute, left.child(.attribute)?.text == "__traceback__",
                   left.child(.object)?.text == name {
                    return true
                }
            case .namedExpression:
                if node.child(.name)?.text == name { return true }
            case .call:
                if let callee = node.child(.function), callee.kind == .attribute, callee.child(.object)?.text == name,
                   callee.child(.attribute)?.text == "clear" {
                    return true
                }
            default:
                continue
            }
        }
        return false
    }
}
