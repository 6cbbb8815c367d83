import HeapSyntax

/// What another module needs to know about a class to model a call of it: how its constructor stores
/// its arguments. Computed from one module's semantic model, without its syntax tree, so it can be
/// kept, cached and shared between files as a value.
public struct ClassSummary: Sendable, Hashable, Codable {
    /// `package.module.Class`.
    public let qualifiedName: String
    /// The constructor's parameters after `self`, in order (empty when the class defines no `__init__`).
    public let initParameters: [String]
    /// Constructor parameter → the instance attribute it is stored in (`self.parent = parent`).
    public let storedParameters: [String: String]
    /// Whether the class (not a base) defines `__init__`.
    public let definesInit: Bool
    /// Bases as written, import-resolved in the defining module (`base.Node`, `.tree.Node`).
    public let baseNames: [String]
    public let hasFinalizer: Bool

    public init(qualifiedName: String, initParameters: [String], storedParameters: [String: String], definesInit: Bool,
                baseNames: [String], hasFinalizer: Bool) {
        self.qualifiedName = qualifiedName
        self.initParameters = initParameters
        self.storedParameters = storedParameters
        self.definesInit = definesInit
        self.baseNames = baseNames
        self.hasFinalizer = hasFinalizer
    }

    /// The class's own name (`Class`).
    public var name: Substring { qualifiedName.split(separator: ".").last ?? Substring(qualifiedName) }
}

/// The classes of every module of the checked project, by qualified name: built by the front end from
/// each file's summaries before cross-module questions are asked, and passed down as a value.
public struct ProjectIndex: Sendable {
    public private(set) var classes: [String: ClassSummary] = [:]

    public init(_ summaries: [ClassSummary] = []) {
        for summary in summaries { classes[summary.qualifiedName] = summary }
    }

    public var isEmpty: Bool { classes.isEmpty }

    /// The class a dotted name from module `moduleName` refers to: `pkg.mod.Class` as is, and relative
    /// names (`.mod.Class`, `..pkg.mod.Class`) against the module's package. `isPackage` tells that
    /// `moduleName` is a package's `__init__`.
    public func lookup(_ dotted: String, from moduleName: String, isPackage: Bool) -> ClassSummary? {
        if let found = classes[Self.absolute(dotted, from: moduleName, isPackage: isPackage)] { return found }
        return nil
    }

    public static func absolute(_ dotted: String, from moduleName: String, isPackage: Bool) -> String {
        guard dotted.first == "." else { return dotted }
        let levels = dotted.prefix { $0 == "." }.count
        var package = moduleName.split(separator: ".").map(String.init)
        if !isPackage, !package.isEmpty { package.removeLast() }
        package.removeLast(min(package.count, levels - 1))
        let rest = String(dotted.dropFirst(levels))
        return (package + (rest.isEmpty ? [] : [rest])).joined(separator: ".")
    }

    /// The constructor's stored parameters of `summary`, taken from the nearest class in its lineage
    /// (within the index) that defines `__init__`.
    public func constructor(of summary: ClassSummary) -> ClassSummary? {
        var current = summary
        var seen: Set<String> = []
        while !current.definesInit {
            seen.insert(current.qualifiedName)
            guard let base = current.baseNames.first, base != "object" else { return nil }
            let module = current.qualifiedName.split(separator: ".").dropLast().joined(separator: ".")
            guard let next = lookup(base, from: module, isPackage: false) ?? classes[module + "." + base],
                  !seen.contains(next.qualifiedName) else { return nil }
            current = next
        }
        return current
    }
}

/// The project as one module sees it: the index, and the module's own dotted name (to resolve
/// relative imports).
public struct ProjectContext: Sendable {
    public let index: ProjectIndex
    public let moduleName: String
    public let isPackage: Bool

    public init(index: ProjectIndex, moduleName: String, isPackage: Bool) {
        self.index = index
        self.moduleName = moduleName
        self.isPackage = isPackage
    }

    /// The project class an import-resolved name of this module refers to.
    public func lookup(_ dotted: String) -> ClassSummary? {
        index.lookup(dotted, from: moduleName, isPackage: isPackage)
    }
}

extension SemanticModel {
    /// Summaries of the module's top-level classes, named inside `moduleName`.
    public func classSummaries(moduleName: String) -> [ClassSummary] {
        var result: [ClassSummary] = []
        for model in classes.values where model.node.enclosingScopeNode == nil {
            var parameters: [String] = []
            var stored: [String: String] = [:]
            let initializer = model.methods["__init__"]
            if let initializer, let scope = scope(of: initializer), let selfName = scope.selfName {
                parameters = Array(scope.parameters.dropFirst())
                let names = Set(parameters)
                walkScope(initializer.child(.body) ?? initializer) { node in
                    guard node.kind == .assignment, node.parent?.kind == .expressionStatement,
                          let left = node.child(.left), left.kind == .attribute,
                          left.child(.object)?.textEquals(selfName) == true, let field = left.child(.attribute)?.text,
                          let right = node.child(.right), right.kind == .identifier, names.contains(right.text) else { return }
                    stored[right.text] = field
                }
            } else if initializer == nil, model.decorators.contains(where: { $0.hasSuffix("dataclass") }) {
                // A dataclass's generated `__init__` stores each field's argument under its name.
                parameters = model.annotatedFields
                for field in model.annotatedFields { stored[field] = field }
            }
            let qualified = moduleName.isEmpty ? model.name : moduleName + "." + model.name
            let dataclass = initializer == nil && model.decorators.contains(where: { $0.hasSuffix("dataclass") })
            result.append(ClassSummary(qualifiedName: qualified, initParameters: parameters, storedParameters: stored,
                                       definesInit: initializer != nil || dataclass, baseNames: model.baseNames,
                                       hasFinalizer: model.hasFinalizer))
        }
        return result.sorted { $0.qualifiedName < $1.qualifiedName }
    }
}
