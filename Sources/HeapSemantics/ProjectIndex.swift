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

/// What another module needs to know about a module-level function to model a call of it: the heap its
/// body leaves, in terms of its parameters, as the heap model's interpreter computed it (the same
/// summary a call from its own module replays). `make_ref(obj, callback)` returning
/// `weakref.ref(obj, callback)` is one object made by the call, holding parameter `callback` in
/// `__callback__`, and returned. A value, so it can be cached and shared between files.
public struct FunctionSummary: Sendable, Hashable, Codable {
    /// One object of the function's heap.
    public struct Object: Sendable, Hashable, Codable {
        /// `instance`, `container` or `callable`; `detail` is the class name, the container kind or the
        /// callable kind.
        public let kind: String
        public let detail: String?
        public let label: String
        /// The parameter the object stands for (the caller's argument replaces it).
        public let parameter: String?
        /// A value the function read from an attribute of object `holder` (`param.children`): the caller
        /// reads the same attribute of its own object.
        public let holder: Int?
        public let field: String?

        public init(kind: String, detail: String?, label: String, parameter: String?, holder: Int?, field: String?) {
            self.kind = kind
            self.detail = detail
            self.label = label
            self.parameter = parameter
            self.holder = holder
            self.field = field
        }
    }

    /// A strong reference the function leaves between two of its objects, named by its slot.
    public struct Edge: Sendable, Hashable, Codable {
        public let from: Int
        public let to: Int
        /// The heap model's edge kind (`attribute`, `item`, `argument`, …).
        public let kind: String
        public let via: String

        public init(from: Int, to: Int, kind: String, via: String) {
            self.from = from
            self.to = to
            self.kind = kind
            self.via = via
        }
    }

    /// `package.module.function`.
    public let qualifiedName: String
    public let parameters: [String]
    public let objects: [Object]
    public let edges: [Edge]
    /// The object the function returns (the first `return` the model follows), if it is one of `objects`.
    public let returned: Int?

    /// The parameter the function keeps as a weakref's callback (`ref(obj, callback)` returned or stored):
    /// CPython calls it when the referent dies, not when its holder is done with it.
    public var weakrefCallbackParameter: String? {
        edges.lazy.filter { $0.via == "__callback__" }.compactMap { self.objects.indices.contains($0.to) ? self.objects[$0.to].parameter : nil }.first
    }

    public init(qualifiedName: String, parameters: [String], objects: [Object], edges: [Edge], returned: Int?) {
        self.qualifiedName = qualifiedName
        self.parameters = parameters
        self.objects = objects
        self.edges = edges
        self.returned = returned
    }
}

/// The classes and module-level functions of every module of the checked project, by qualified name:
/// built by the front end from each file's summaries before cross-module questions are asked, and
/// passed down as a value.
public struct ProjectIndex: Sendable {
    public private(set) var classes: [String: ClassSummary] = [:]
    public private(set) var functions: [String: FunctionSummary] = [:]

    public init(_ summaries: [ClassSummary] = [], functions: [FunctionSummary] = []) {
        for summary in summaries { classes[summary.qualifiedName] = summary }
        for summary in functions { self.functions[summary.qualifiedName] = summary }
    }

    public var isEmpty: Bool { classes.isEmpty && functions.isEmpty }

    /// The module-level function a dotted name from module `moduleName` refers to (see `lookup`).
    public func lookupFunction(_ dotted: String, from moduleName: String, isPackage: Bool) -> FunctionSummary? {
        functions[Self.absolute(dotted, from: moduleName, isPackage: isPackage)]
    }

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

    /// The project's module-level function an import-resolved name of this module refers to.
    public func lookupFunction(_ dotted: String) -> FunctionSummary? {
        index.lookupFunction(dotted, from: moduleName, isPackage: isPackage)
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
