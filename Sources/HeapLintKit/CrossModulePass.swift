import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapSemantics
import HeapSyntax

/// The second pass of a project check: with every module's interface in a `ProjectIndex`, the files
/// that call another module's class with arguments are analysed again, so a constructor defined
/// elsewhere (`Child(self)` with `Child` imported) is modelled. Only those files are parsed again;
/// the others keep their first-pass results.
struct CrossModulePass {
    let analyzer: Analyzer
    let cache: DiagnosticCache?

    /// Replaces the results of the files that depend on another module's class; returns, by absolute
    /// path, what the cache should keep of the new ones (with their dependency keys).
    func run(_ results: inout [FileResult], hashes: [String?]) -> [String: (key: String, diagnostics: [Diagnostic])] {
        let index = ProjectIndex(results.flatMap { $0.interface?.classes ?? [] },
                                 functions: results.flatMap { $0.interface?.functions ?? [] })
        guard !index.isEmpty else { return [:] }
        // Classes whose constructors store an argument, directly or through a base in the index, and the
        // functions whose summaries keep an edge or return what they were given (only those are exported).
        let storing = Set(index.classes.values.filter { index.constructor(of: $0)?.storedParameters.isEmpty == false }
            .map(\.qualifiedName)).union(index.functions.keys)
        guard !storing.isEmpty else { return [:] }
        let affected = results.indices.filter { index in
            results[index].interface?.importedCallees.contains(where: storing.contains) == true
        }
        guard !affected.isEmpty else { return [:] }
        let box = ResultBox(count: affected.count)
        let keys = affected.map { Self.dependencyKey(results[$0].interface, index: index) }
        let firstPass = affected.map { results[$0] }
        // A cached file's hash is the one its cache entry matched; a fresh file's was just computed.
        let contentHashes: [String?] = affected.map { position in
            hashes.indices.contains(position) ? hashes[position] : nil
        }
        let next = WorkCounter()
        let workers = max(1, min(affected.count, ProcessInfo.processInfo.activeProcessorCount))
        let fromCache = ResultBox(count: affected.count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let parser = analyzer.makeParser()
            while let position = next.take(below: affected.count) {
                let result = firstPass[position]
                if let reused = reuse(result, key: keys[position], hash: contentHashes[position]) {
                    box.set(position, reused)
                    fromCache.set(position, reused)
                    continue
                }
                guard let updated = reanalyse(result, index: index, parser: parser) else { continue }
                box.set(position, updated)
            }
        }
        var save: [String: (key: String, diagnostics: [Diagnostic])] = [:]
        let reused = fromCache.optionalValues
        for (position, updated) in box.optionalValues.enumerated() {
            guard let updated else { continue }
            results[affected[position]] = updated
            if reused[position] == nil, updated.fixedCount == 0 {
                save[Configuration.absolute(updated.path)] = (keys[position], updated.diagnostics)
            }
        }
        return save
    }

    /// The classes of the index the file asked about, as they are now: the cross-module findings of
    /// unchanged content stay valid while this key does.
    static func dependencyKey(_ interface: ModuleInterface?, index: ProjectIndex) -> String {
        var parts: [String] = []
        for callee in interface?.importedCallees ?? [] {
            if let function = index.functions[callee] {
                // Its whole summary: any change to what the function leaves can change the caller's findings.
                parts.append(callee + "=" + String(describing: function))
                continue
            }
            guard let summary = index.classes[callee] else { parts.append(callee + "=?"); continue }
            let constructor = index.constructor(of: summary)
            let stored = (constructor?.storedParameters ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
            parts.append(callee + "=" + (constructor?.qualifiedName ?? "") + "(" + (constructor?.initParameters ?? []).joined(separator: ",")
                         + ")" + stored.joined(separator: ","))
        }
        return ContentHash.of(parts.joined(separator: ";"))
    }

    /// The cached cross-module diagnostics of an unchanged file, if its dependency key still matches.
    func reuse(_ result: FileResult, key: String, hash: String?) -> FileResult? {
        guard let cache, result.fixedCount == 0 else { return nil }
        let source: SourceText
        if let kept = result.source {
            source = kept
        } else {
            guard case let .text(loaded, _) = SourceLoader.load(path: result.path) else { return nil }
            source = loaded
        }
        let contentHash = hash ?? ContentHash.of(source.bytes)
        guard let diagnostics = cache.crossDiagnostics(forPath: Configuration.absolute(result.path), hash: contentHash, key: key,
                                                       source: source, displayPath: result.path) else { return nil }
        return FileResult(path: result.path, source: diagnostics.isEmpty ? result.source : source, diagnostics: diagnostics,
                          fixedCount: 0, diff: result.diff, fromCache: true, interface: result.interface,
                          cells: result.cells)
    }

    /// The file as it is on disk now (after any fixes), analysed with the index. Its fix count and diff
    /// stay those of the first pass; nil when it cannot be read again.
    func reanalyse(_ result: FileResult, index: ProjectIndex, parser: PythonParser) -> FileResult? {
        let tree: SyntaxTree
        var cells = result.cells
        // The first pass's findings of the project-blind rules hold only for the tree they came from.
        var reusable: ProjectIndependentFindings? = nil
        if let kept = result.tree, result.fixedCount == 0 {
            tree = kept
            reusable = result.projectIndependent
        } else {
            guard case let .text(source, encoding) = SourceLoader.load(path: result.path) else { return nil }
            tree = parser.parse(source)
            // A notebook's cells as they are on disk now (with `--diff`, before the fixes).
            cells = encoding.notebookCells ?? cells
        }
        let source = tree.source
        let module = ModuleIdentity.of(path: result.path)
        let project = ProjectContext(index: index, moduleName: module.name, isPackage: module.isPackage)
        let analysis = analyzer.analyze(tree: tree, path: result.path, project: project, cells: cells, reusing: reusable)
        let keepsSource = result.source != nil || !analysis.diagnostics.isEmpty
        var fresh = FileResult(path: result.path, source: keepsSource ? source : nil, diagnostics: analysis.diagnostics,
                               fixedCount: result.fixedCount, diff: result.diff, fromCache: result.fromCache,
                               interface: result.interface, cells: cells)
        fresh.notebookFixNotes = result.notebookFixNotes
        return fresh
    }
}

/// A byte allowance shared by a run's workers.
final class ByteBudget: @unchecked Sendable {
    private let lock = Lock()
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
