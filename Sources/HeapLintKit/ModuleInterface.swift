#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapSemantics
import HeapSyntax

/// A file's place in the project: its dotted module name, found from the `__init__.py` files of the
/// directories above it (`src/pkg/sub/mod.py` → `pkg.sub.mod` when `pkg` and `sub` have one).
public struct ModuleIdentity: Sendable, Hashable {
    public let name: String
    /// Whether the file is a package's `__init__.py` (relative imports then start at the package itself).
    public let isPackage: Bool

    public init(name: String, isPackage: Bool) {
        self.name = name
        self.isPackage = isPackage
    }

    public static func of(path: String) -> ModuleIdentity {
        let absolute = Configuration.absolute(path)
        var directory = PathString.deletingLastComponent(absolute)
        let file = PathString.deletingExtension(PathString.lastComponent(absolute))
        let isPackage = file == "__init__"
        var parts: [String] = isPackage ? [] : [file]
        // Each package level costs one stat; a file outside any package stands alone.
        var info = stat()
        while directory != "/", !directory.isEmpty, stat(directory + "/__init__.py", &info) == 0 {
            parts.insert(PathString.lastComponent(directory), at: 0)
            directory = PathString.deletingLastComponent(directory)
        }
        return ModuleIdentity(name: parts.joined(separator: "."), isPackage: isPackage)
    }
}

/// What one module gives the project index (its classes and module-level functions) and what it may need
/// from it (the imported names it calls with arguments). Stored in the cache beside the file's
/// diagnostics, so a warm run rebuilds the index without parsing.
public struct ModuleInterface: Sendable, Hashable, Codable {
    public var classes: [ClassSummary]
    /// The module-level functions whose calls leave references the caller can see (a returned object,
    /// an edge to a parameter), as the heap model summarised them.
    public var functions: [FunctionSummary]
    /// Absolute dotted names (relative imports resolved) of imported callables the module calls with
    /// at least one argument: the calls a project class's constructor or a project function could turn
    /// into references.
    public var importedCallees: [String]

    public init(classes: [ClassSummary], functions: [FunctionSummary] = [], importedCallees: [String]) {
        self.classes = classes
        self.functions = functions
        self.importedCallees = importedCallees
    }

    /// `unresolved`: the heap model's unresolved callees (`HeapGraph.unresolvedCallees`); `functions`: its
    /// summaries of the module's functions (`HeapGraph.functionSummaries`).
    public static func of(_ semantics: SemanticModel, unresolved: Set<String>, functions: [FunctionSummary] = [],
                          module: ModuleIdentity) -> ModuleInterface {
        // Classes (`Child`, `nodes.Child`) and functions (`make_ref`, `_utilities.make_ref`) alike: the index
        // answers for constructors and for module-level functions.
        let callees = Set(unresolved.map { ProjectIndex.absolute($0, from: module.name, isPackage: module.isPackage) })
        return ModuleInterface(classes: semantics.classSummaries(moduleName: module.name), functions: functions,
                               importedCallees: callees.sorted())
    }
}
