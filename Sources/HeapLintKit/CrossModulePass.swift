import Dispatch
import Foundation
import HeapDiagnostics
import HeapSemantics
import HeapSyntax

/// The second pass of a project check: with every module's interface in a `ProjectIndex`, the files
/// that call another module's class with arguments are analysed again, so a constructor defined
/// elsewhere (`Child(self)` with `Child` imported) is modelled. Only those files are parsed again;
/// the others keep their first-pass results.
struct CrossModulePass {
    let analyzer: Analyzer

    func run(_ results: inout [FileResult], files: [DiscoveredFile]) {
        let index = ProjectIndex(results.flatMap { $0.interface?.classes ?? [] })
        guard !index.isEmpty else { return }
        // Classes whose constructors store an argument, directly or through a base in the index.
        let storing = Set(index.classes.values.filter { index.constructor(of: $0)?.storedParameters.isEmpty == false }
            .map(\.qualifiedName))
        guard !storing.isEmpty else { return }
        let affected = results.indices.filter { index in
            results[index].interface?.importedCallees.contains(where: storing.contains) == true
        }
        guard !affected.isEmpty else { return }
        let box = ResultBox(count: affected.count)
        let firstPass = affected.map { results[$0] }
        let next = WorkCounter()
        let workers = max(1, min(affected.count, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let parser = PythonParser()
            while let position = next.take(below: affected.count) {
                let result = firstPass[position]
                guard let updated = reanalyse(result, index: index, parser: parser) else { continue }
                box.set(position, updated)
            }
        }
        for (position, updated) in box.optionalValues.enumerated() {
            if let updated { results[affected[position]] = updated }
        }
    }

    /// The file as it is on disk now (after any fixes), analysed with the index. Its fix count and diff
    /// stay those of the first pass; nil when it cannot be read again.
    func reanalyse(_ result: FileResult, index: ProjectIndex, parser: PythonParser) -> FileResult? {
        let tree: SyntaxTree
        if let kept = result.tree, result.fixedCount == 0 {
            tree = kept
        } else {
            guard case let .text(source, _) = SourceLoader.load(path: result.path) else { return nil }
            tree = parser.parse(source)
        }
        let source = tree.source
        let module = ModuleIdentity.of(path: result.path)
        let project = ProjectContext(index: index, moduleName: module.name, isPackage: module.isPackage)
        let analysis = analyzer.analyze(tree: tree, path: result.path, project: project)
        let keepsSource = result.source != nil || !analysis.diagnostics.isEmpty
        return FileResult(path: result.path, source: keepsSource ? source : nil, diagnostics: analysis.diagnostics,
                          fixedCount: result.fixedCount, diff: result.diff, fromCache: result.fromCache,
                          interface: result.interface)
    }
}

/// A byte allowance shared by a run's workers.
final class ByteBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int

    init(bytes: Int) { remaining = bytes }

    /// Takes `count` bytes if that many are left.
    func take(_ count: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard count <= remaining else { return false }
        remaining -= count
        return true
    }
}
