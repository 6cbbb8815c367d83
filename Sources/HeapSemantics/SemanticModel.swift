import HeapSyntax

/// What a module's names mean: which imports bind which names, so that rules can ask for the
/// qualified name of an expression (`ft.partial` -> `functools.partial`) instead of matching text.
///
/// Built once per file from the syntax tree; immutable afterwards and shared by every rule.
public struct SemanticModel: Sendable {
    public let tree: SyntaxTree
    /// Names bound by import statements anywhere in the module, to what they import.
    /// A later binding of the same name by assignment is not tracked here (see `isRebound`).
    public let importedNames: [String: ImportedName]
    /// Classes defined anywhere in the module, by name (a later class of the same name wins).
    public let classes: [String: ClassModel]
    /// Every `def` and `lambda` scope, by its node.
    public let functionScopes: [Node: FunctionScope]

    /// Which identifiers may be import-bound: a 64-bit filter over (length, first byte) of every
    /// imported local name. Never a false "no", so a "no" lets `resolves` compare bytes directly.
    let importFilter: UInt64

    public init(tree: SyntaxTree) {
        self.tree = tree
        let imports = ImportCollector.collect(tree)
        self.importedNames = imports
        var filter: UInt64 = 0
        for name in imports.keys { filter |= Self.filterBit(length: name.utf8.count, first: name.utf8.first ?? 0) }
        self.importFilter = filter
        let resolve: (Node) -> String? = { node in SemanticModel.qualifiedName(of: node, imports: imports) }
        (self.classes, self.functionScopes) = ScopeCollector.collect(tree, resolve: resolve)
    }

    /// The scope of a `function_definition` or `lambda` node.
    public func scope(of function: Node) -> FunctionScope? { functionScopes[function] }

    /// The innermost function or lambda that contains `node` (nil at module or class level).
    public func enclosingFunction(of node: Node) -> FunctionScope? {
        for ancestor in node.ancestors where ancestor.kind == .functionDefinition || ancestor.kind == .lambda {
            return functionScopes[ancestor]
        }
        return nil
    }

    /// The class `name` and its bases defined in this module, nearest first (stops at unknown bases).
    public func classLineage(_ name: String) -> [ClassModel] {
        var result: [ClassModel] = []
        var queue = [name]
        var seen = Set<String>()
        while !queue.isEmpty {
            let next = queue.removeFirst()
            guard !seen.contains(next), let model = classes[next] else { continue }
            seen.insert(next)
            result.append(model)
            queue.append(contentsOf: model.baseNames)
        }
        return result
    }

    /// The method `name` of class `className` or of a base class defined in this module.
    public func method(_ name: String, of className: String) -> Node? {
        for model in classLineage(className) { if let method = model.methods[name] { return method } }
        return nil
    }

    /// The dotted, import-resolved name of a name or attribute chain: `ft.partial` after
    /// `import functools as ft` gives `functools.partial`; `wref` after `from weakref import ref as
    /// wref` gives `weakref.ref`; builtins stay bare (`len`). Nil for other expressions.
    public func qualifiedName(of node: Node) -> String? {
        Self.qualifiedName(of: node, imports: importedNames)
    }

    static func qualifiedName(of node: Node, imports importedNames: [String: ImportedName]) -> String? {
        // Rules ask this of nearly every call and attribute, so the common shapes build one string:
        // down the `object` chain to the head name, then the chain's own source text after the head
        // when it is plain `.name` parts (no spaces, comments or line breaks in between).
        var current = node
        while current.kind == .attribute {
            guard current.child(.attribute) != nil, let object = current.child(.object) else { return nil }
            current = object
        }
        guard current.kind == .identifier else { return nil }
        let head = current.text
        let resolvedHead = importedNames[head]?.qualifiedName ?? head
        if current == node { return resolvedHead }
        let bytes = node.tree.source.bytes
        let tail = current.range.end..<node.range.end
        if tail.allSatisfy({ isNamePart(bytes[$0]) }) {
            return resolvedHead + String(decoding: bytes[tail], as: UTF8.self)
        }
        var parts: [String] = []
        current = node
        while current.kind == .attribute, let attribute = current.child(.attribute), let object = current.child(.object) {
            parts.append(attribute.text)
            current = object
        }
        parts.append(resolvedHead)
        return parts.reversed().joined(separator: ".")
    }

    /// Bytes of a dotted name: ASCII letters, digits, `_`, `.`, and any byte of a non-ASCII identifier.
    private static func isNamePart(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// Whether `node` names `qualified` (or any of several), after import resolution.
    public func resolves(_ node: Node, to qualified: String...) -> Bool {
        resolves(node, toAnyOf: qualified)
    }

    /// `resolves(_:to:)` for a list the caller keeps (rules that ask of every call pass a static one).
    public func resolves(_ node: Node, toAnyOf qualified: [String]) -> Bool {
        // Most nodes are rejected without building a dotted name: an attribute chain on its last
        // part (import resolution never changes it: `x.append` is not `gc.disable`), a name that no
        // import can bind on its bytes.
        switch node.kind {
        case .attribute:
            guard let attribute = node.child(.attribute),
                  qualified.contains(where: { Self.lastPart(of: $0, equals: attribute) }) else { return false }
        case .identifier:
            let range = node.range
            let bytes = tree.source.bytes
            if range.end > range.start, importFilter & Self.filterBit(length: range.end - range.start, first: bytes[range.start]) == 0 {
                return qualified.contains { node.textEquals($0) }
            }
        default:
            return false
        }
        guard let name = qualifiedName(of: node) else { return false }
        return qualified.contains(name)
    }

    static func filterBit(length: Int, first: UInt8) -> UInt64 {
        1 << UInt64((length &* 31 &+ Int(first)) & 63)
    }

    /// Whether the part of `dotted` after its last dot is `node`'s text.
    static func lastPart(of dotted: String, equals node: Node) -> Bool {
        var dotted = dotted
        return dotted.withUTF8 { buffer in
            var start = buffer.count
            while start > 0 && buffer[start - 1] != UInt8(ascii: ".") { start -= 1 }
            return node.textEquals(bytes: UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }
}

/// A name bound by `import a.b as c` or `from a import b as c`.
public struct ImportedName: Sendable, Hashable {
    /// The bound name in this module (`c`).
    public let localName: String
    /// What it refers to (`a.b`, or `a.b` for `from a import b`).
    public let qualifiedName: String
    public let site: SourceRange
}

enum ImportCollector {
    static func collect(_ tree: SyntaxTree) -> [String: ImportedName] {
        var names: [String: ImportedName] = [:]
        for node in tree.nodes(ofKinds: .importStatement, .importFromStatement, .futureImportStatement) {
            switch node.kind {
            case .importStatement:
                for child in node.children(.name) {
                    if child.kind == .aliasedImport, let module = child.child(.name), let alias = child.child(.alias) {
                        names[alias.text] = ImportedName(localName: alias.text, qualifiedName: module.text, site: child.range)
                    } else if child.kind == .dottedName {
                        // `import a.b` binds `a`, which refers to the package `a`.
                        let head = child.firstNamedChild?.text ?? child.text
                        names[head] = ImportedName(localName: head, qualifiedName: head, site: child.range)
                    }
                }
            case .importFromStatement, .futureImportStatement:
                guard let module = node.child(.moduleName) ?? (node.kind == .futureImportStatement ? node : nil) else { continue }
                let moduleName = node.kind == .futureImportStatement ? "__future__" : module.text
                // `from . import _utilities` names `._utilities`, not `.._utilities` (one package up).
                let prefix = moduleName.allSatisfy { $0 == "." } ? moduleName : moduleName + "."
                for child in node.children(.name) {
                    if child.kind == .aliasedImport, let name = child.child(.name), let alias = child.child(.alias) {
                        names[alias.text] = ImportedName(localName: alias.text, qualifiedName: prefix + name.text, site: child.range)
                    } else if child.kind == .dottedName {
                        names[child.text] = ImportedName(localName: child.text, qualifiedName: prefix + child.text, site: child.range)
                    }
                }
            default:
                continue
            }
        }
        return names
    }
}
