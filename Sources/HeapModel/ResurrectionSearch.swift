import HeapSemantics
import HeapSyntax

/// A finalizer that stores `self` where it stays reachable (a module-level or class-level
/// container, a global), bringing the object back to life.
public struct Resurrection: Sendable, Hashable {
    public let site: SourceRange
    public let line: Int
    public let className: String
    /// What now holds the object: `_pool`, `Connection.instances`.
    public let holder: String
}

enum ResurrectionSearch {
    static let storingMethods: Set<String> = ["append", "add", "appendleft", "insert", "put", "put_nowait", "setdefault"]

    static func find(_ semantics: SemanticModel) -> [Resurrection] {
        var result: [Resurrection] = []
        for model in semantics.classes.values {
            guard let finalizer = model.finalizer, let scope = semantics.scope(of: finalizer),
                  let selfName = scope.selfName, let body = finalizer.child(.body) else { continue }
            let facts = ModuleFacts(semantics: semantics)
            let instanceFields = facts.fields(of: model.name)
            let lineage = semantics.classLineage(model.name)
            func escapes(_ holder: Node) -> Bool {
                var root = holder
                var firstField: String?
                while true {
                    if root.kind == .attribute, let object = root.child(.object) {
                        firstField = root.child(.attribute)?.text
                        root = object
                    } else if root.kind == .subscript, let value = root.child(.value) {
                        firstField = nil
                        root = value
                    } else { break }
                }
                if root.kind == .call, let callee = root.child(.function), callee.text == "type" { return true }
                guard root.kind == .identifier else { return false }
                if root.text == selfName {
                    guard let field = firstField else { return false }
                    if field == "__class__" { return true }
                    return instanceFields[field] == nil && lineage.contains { $0.classAttributes.contains(field) }
                        && !lineage.contains { $0.methods[field] != nil }
                }
                return !scope.locals.contains(root.text) || scope.globals.contains(root.text)
            }
            walkScope(body) { node in
                switch node.kind {
                case .call:
                    guard let callee = node.child(.function), callee.kind == .attribute,
                          let method = callee.child(.attribute)?.text, storingMethods.contains(method),
                          let receiver = callee.child(.object),
                          (node.child(.arguments)?.namedChildren.array ?? []).contains(where: { $0.kind == .identifier && $0.text == selfName }),
                          escapes(receiver) else { return }
                    result.append(Resurrection(site: node.range, line: node.start.line, className: model.name, holder: receiver.text))
                case .assignment:
                    guard let right = node.child(.right), right.kind == .identifier, right.text == selfName,
                          let left = node.child(.left) else { return }
                    let escaping: Bool
                    if left.kind == .identifier { escaping = scope.globals.contains(left.text) }
                    else { escaping = escapes(left) }
                    if escaping {
                        result.append(Resurrection(site: node.range, line: node.start.line, className: model.name, holder: left.text))
                    }
                default:
                    return
                }
            }
        }
        return result.sorted { $0.site < $1.site }
    }
}
