import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapRules
import HeapSyntax

/// What `--fix` / `--diff` should do with fixes.
public enum FixMode: Sendable, Equatable {
    case report
    /// Apply fixes and write files back (`FileReplacement`: only over unchanged files the user may write).
    case apply
    /// Compute fixed text and show a diff; write nothing.
    case diff
}

/// The outcome for one checked file, ready for rendering.
public struct FileResult: Sendable {
    public let path: String
    /// The analysed text (nil when the file could not be read).
    public let source: SourceText?
    public internal(set) var diagnostics: [Diagnostic]
    /// How many fixes were applied (or would be, with `--diff`).
    public let fixedCount: Int
    /// How many fixes of each rule were applied (or would be): `--show-fixes` lists them.
    public internal(set) var fixedCodes: [String: Int] = [:]
    /// A unified diff of the fixes (`--diff`), nil when nothing changes.
    public let diff: String?
    /// Whether the diagnostics came from the cache.
    public let fromCache: Bool
    /// The module's interface for the project index (nil when no cycle rule ran).
    public var interface: ModuleInterface? = nil
    /// For a notebook, where its code cells start in `source` (renderers show cell-relative rows).
    public var cells: NotebookCellMap? = nil
    /// With `--fix`/`--diff` on a notebook: the fixes that were not applied and why (one line each,
    /// `nb.ipynb:cell 3:4:1: HL301 fix not applied: …`).
    public internal(set) var notebookFixNotes: [String] = []
    /// A fixed notebook's whole JSON text (what `--fix` writes; stdin's `--fix` prints it).
    public internal(set) var fixedNotebook: [UInt8]? = nil
    /// The analysed tree, kept for the cross-module pass while the run's budget allows (only for
    /// files that asked the index something); dropped when the pass is done.
    var tree: SyntaxTree? = nil
    /// What the rules that never read the project index found in `tree`, kept with it: the cross-module
    /// pass then runs only the heap-model rules on it again.
    var projectIndependent: ProjectIndependentFindings? = nil
    /// The parse stopped at its budget (`ParseBudget`); the diagnostics are the HL003 saying so.
    var parseWasCutOff = false
}

extension FileResult {
    func droppingSource() -> FileResult {
        var copy = FileResult(path: path, source: nil, diagnostics: diagnostics, fixedCount: fixedCount, diff: diff,
                              fromCache: fromCache, interface: interface, cells: cells, tree: tree)
        copy.notebookFixNotes = notebookFixNotes
        copy.fixedCodes = fixedCodes
        copy.projectIndependent = projectIndependent
        return copy
    }
}

/// Checks many files: load, analyse (in parallel on all cores), apply fixes, use the cache.
/// Results come back sorted by path; diagnostics within a file by position.
public struct ProjectCheck: Sendable {
    public let analyzer: Analyzer
    public let fixMode: FixMode
    public let unsafeFixes: Bool
    public let cache: DiagnosticCache?
    public static let maxFixPasses = 10
    /// Source bytes whose trees the run may keep for the cross-module pass (about 15 bytes of tree per
    /// byte of source); past it, the pass parses those files again.
    let treeBudget = ByteBudget(bytes: 4 << 20)

    public init(analyzer: Analyzer, fixMode: FixMode = .report, unsafeFixes: Bool = false, cache: DiagnosticCache? = nil) {
        self.analyzer = analyzer
        self.fixMode = fixMode
        self.unsafeFixes = unsafeFixes
        self.cache = fixMode == .report ? cache : nil
    }

    /// `onFileDone` is called (from the worker threads, one file at a time is not guaranteed) with each
    /// file's own result as soon as it is checked, before the cross-module pass may add findings.
    public func run(_ files: [DiscoveredFile], onFileDone: (@Sendable (FileResult) -> Void)? = nil) -> [FileResult] {
        let box = ResultBox(count: files.count)
        let hashes = HashBox(count: files.count)
        // One worker per core, each with its own parser for all the files it takes: a tree-sitter
        // parser keeps its buffers and subtree pool between files (a new one per file cost 6% of the
        // parse). Workers take the next file from a shared counter, so a large file does not hold
        // up a fixed share of the others.
        let next = WorkCounter()
        let workers = max(1, min(files.count, ProcessInfo.processInfo.activeProcessorCount))
        // Largest files first, so the run does not end with one core on a big file and the rest idle.
        let order = Self.largestFirst(files)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let parser = analyzer.makeParser()
            while let position = next.take(below: files.count) {
                let index = order[position]
                let (result, hash) = files[index].undecodableName.map { (unreadable(path: files[index].path, message: $0), nil) }
                    ?? check(path: files[index].path, parser: parser)
                // Keep the text only where a renderer needs it: a large clean project is not held in memory.
                box.set(index, result.diagnostics.isEmpty && result.diff == nil ? result.droppingSource() : result)
                if let hash { hashes.set(index, hash) }
                onFileDone?(result)
            }
        }
        var results = box.values
        // One copy of the hashes: `values` copies the whole array under its lock, so reading it per
        // file made saving quadratic in the number of files.
        let hashValues = hashes.values
        var fresh: [(path: String, hash: String, diagnostics: [Diagnostic], interface: ModuleInterface?)] = []
        if cache != nil {
            for (index, result) in results.enumerated() where !result.fromCache {
                if let hash = hashValues[index] {
                    fresh.append((Configuration.absolute(result.path), hash, result.diagnostics, result.interface))
                }
            }
        }
        // The cache keeps each file's own findings, and beside them what other modules' classes add,
        // under the key of the classes it used.
        let cross = CrossModulePass(analyzer: analyzer, cache: cache).run(&results, hashes: hashValues)
        if let cache, !fresh.isEmpty || !cross.isEmpty { cache.save(fresh, cross: cross) }
        for index in results.indices {
            results[index].tree = nil
            results[index].projectIndependent = nil
        }
        return results.sorted { $0.path < $1.path }
    }

    /// Indices of `files` by size, largest first (a file that cannot be stat'ed counts as empty).
    static func largestFirst(_ files: [DiscoveredFile]) -> [Int] {
        let sizes = files.map { file -> Int in
            var info = stat()
            return stat(file.path, &info) == 0 ? Int(info.st_size) : 0
        }
        return files.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
    }

    /// One file from disk. Returns the content hash when the result may be cached.
    func check(path: String, parser: PythonParser) -> (FileResult, String?) {
        // With --fix, the bytes as read are kept: the file is written only if it still holds them.
        // A notebook's fixes are written into its JSON, which every mode reads to know which fixes can be
        // written (and `--diff` to show them per cell).
        let keepsBytes = fixMode == .apply || NotebookLoader.isNotebookPath(path)
        let (loaded, raw) = keepsBytes ? SourceLoader.loadKeepingBytes(path: path) : (SourceLoader.load(path: path), nil)
        switch loaded {
        case .unreadable(let message):
            return (unreadable(path: path, message: message), nil)
        case let .text(source, encoding):
            // A notebook's findings depend on more than its code: where the cells split it (HL407) and
            // each cell's exact text (which fixes can be written back). Its JSON is the key.
            let keyed = encoding.notebookCells != nil ? (raw ?? source.bytes) : source.bytes
            let hash = cache != nil ? ContentHash.of(keyed) : nil
            if let cache, let hash,
               let cached = cache.lookup(path: Configuration.absolute(path), hash: hash, source: source, displayPath: path) {
                return (FileResult(path: path, source: source, diagnostics: cached.diagnostics, fixedCount: 0, diff: nil,
                                   fromCache: true, interface: cached.interface, cells: encoding.notebookCells), nil)
            }
            var result = check(source: source, encoding: encoding, path: path, writeTo: path, readAs: raw, parser: parser)
            // After fixes a notebook's cells moved: the fix loop gives the fixed map.
            if result.cells == nil { result.cells = encoding.notebookCells }
            // A parse cut off at its budget depends on the budget and the machine's speed: never cached.
            if result.parseWasCutOff { return (result, nil) }
            // A notebook cannot be imported: its classes must not stand in the project index for a
            // module of the same name (it still asks the index about what it imports).
            if result.cells != nil { result.interface?.classes = [] }
            return (result, hash)
        }
    }

    /// Text from stdin (`-` with `--stdin-filename`): fixes are printed, not written.
    public func check(stdin bytes: [UInt8], displayPath: String) -> FileResult {
        switch SourceLoader.decode(bytes, path: displayPath) {
        case .unreadable(let message):
            return unreadable(path: displayPath, message: message)
        case let .text(source, encoding):
            // The bytes read let a notebook's fixes be written back into its JSON (printed, not written).
            var result = check(source: source, encoding: encoding, path: displayPath, writeTo: nil, readAs: bytes,
                               parser: analyzer.makeParser())
            if result.cells == nil { result.cells = encoding.notebookCells }
            return result
        }
    }

    func unreadable(path: String, message: String) -> FileResult {
        let diagnostics = analyzer.unreadableFileDiagnostics(path: path, message: message)
        return FileResult(path: path, source: diagnostics.isEmpty ? nil : SourceText(bytes: []), diagnostics: diagnostics,
                          fixedCount: 0, diff: nil, fromCache: false)
    }

    func isApplicable(_ fix: Fix) -> Bool {
        fix.applicability == .safe || (unsafeFixes && fix.applicability == .unsafe)
    }
}

extension DiagnosticReport {
    /// The report for a finished check: diagnostics in stable order (file, then position).
    public init(results: [FileResult]) {
        var sources: [String: SourceText] = [:]
        var absolute: [String: String] = [:]
        var cells: [String: NotebookCellMap] = [:]
        for result in results {
            if let source = result.source { sources[result.path] = source }
            if let map = result.cells { cells[result.path] = map }
            absolute[result.path] = result.path == "-" ? "-" : Configuration.absolute(result.path)
        }
        let diagnostics = results.flatMap(\.diagnostics).sorted(by: Diagnostic.ordered)
        self.init(diagnostics: diagnostics, sources: sources, checkedPaths: results.map(\.path), absolutePaths: absolute,
                  notebookCells: cells)
    }
}

extension Analyzer {
    /// The HL003 diagnostic (at offset 0 of an empty source) for a file the loader refused, or none
    /// when HL003 is not selected for the path. The CLI and the language server report alike.
    public func unreadableFileDiagnostics(path: String, message: String) -> [Diagnostic] {
        let code = UnreadableFile.metadata.code
        guard rules(forPath: path).contains(where: { $0.metadata.code == code }) else { return [] }
        let finding = Finding(code: code, range: SourceRange(start: 0, end: 0), message: message,
                              severity: UnreadableFile.metadata.severity)
        return [Diagnostic(path: path, finding: finding, source: SourceText(bytes: []))]
    }
}

/// How many cycle findings the default output left out, by lifetime, so the summary can say so.
public struct HiddenCycles: Sendable, Hashable {
    public var oncePerProcess = 0
    public var testSupport = 0
    /// Cycles in files a compiled extension module shadows.
    public var shadowed = 0
    /// Each shadowed file with hidden findings → the extension module that shadows it.
    public var shadowedFiles: [String: String] = [:]
    public var total: Int { oncePerProcess + testSupport + shadowed }
    public init(oncePerProcess: Int = 0, testSupport: Int = 0, shadowed: Int = 0, shadowedFiles: [String: String] = [:]) {
        self.oncePerProcess = oncePerProcess
        self.testSupport = testSupport
        self.shadowed = shadowed
        self.shadowedFiles = shadowedFiles
    }
}

extension FileResult {
    /// `results` without the cycles made once per process, only by test-support code, or in a file that a
    /// compiled extension module shadows (unless `report` is set), and how many of each were left out, so
    /// the summary can say so: the default output shows what accumulates. Shadowed files are graded here,
    /// whatever `report` says, so that shown findings carry the reason.
    public static func hidingOncePerProcess(_ results: [FileResult], report: Bool,
                                            directoryListing: (String) -> [String]? = CompiledShadowing.listing)
        -> (results: [FileResult], hidden: HiddenCycles) {
        var hidden = HiddenCycles()
        var kept: [FileResult] = []
        for original in results {
            let (result, shadowedBy) = original.gradingShadowed(directoryListing: directoryListing)
            guard !report else { kept.append(result); continue }
            var copy = result
            let (shown, _) = Diagnostic.hidingOncePerProcess(result.diagnostics, report: false)
            for diagnostic in result.diagnostics {
                switch diagnostic.explanation?.lifetime?.kind {
                case .oncePerProcess?: hidden.oncePerProcess += 1
                case .testSupport?: hidden.testSupport += 1
                case .shadowedByCompiled?: hidden.shadowed += 1
                default: break
                }
            }
            if let shadowedBy, shown.count < result.diagnostics.count { hidden.shadowedFiles[result.path] = shadowedBy }
            copy.diagnostics = shown
            kept.append(copy)
        }
        return (kept, hidden)
    }
}
