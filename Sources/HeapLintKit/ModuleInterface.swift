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

/// What one module gives the project index (its classes) and what it may need from it (the imported
/// names it calls with arguments). Stored in the cache beside the file's diagnostics, so a warm run
/// rebuilds the index without parsing.
public struct ModuleInterface: Sendable, Hashable, Codable {
    public var classes: [ClassSummary]
    /// Absolute dotted names (relative imports resolved) of imported callables the module calls with
    /// at least one argument: the calls a project class's constructor could turn into references.
    public var importedCallees: [String]

    public init(classes: [ClassSummary], importedCallees: [String]) {
        self.classes = classes
        self.importedCallees = importedCallees
    }

    /// `unresolved`: the heap model's unresolved callees (`HeapGraph.unresolvedCallees`).
    public static func of(_ semantics: SemanticModel, unresolved: Set<String>, module: ModuleIdentity) -> ModuleInterface {
        // Only class-like names (`Child`, `nodes.Child`): the index answers for constructors alone.
        let classLike = unresolved.filter { name in
            name.split(separator: ".").last?.first.map { $0.isUppercase } == true
        }
        let callees = Set(classLike.map { ProjectIndex.absolute($0, from: module.name, isPackage: module.isPackage) })
        return ModuleInterface(classes: semantics.classSummaries(moduleName: module.name), importedCallees: callees.sorted())
    }
}
