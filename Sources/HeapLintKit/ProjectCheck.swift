import Dispatch
import Foundation
import HeapDiagnostics
import HeapRules
import HeapSyntax

/// What `--fix` / `--diff` should do with fixes.
public enum FixMode: Sendable, Equatable {
    case report
    /// Apply fixes and write files back (atomically).
    case apply
    /// Compute fixed text and show a diff; write nothing.
    case diff
}

/// The outcome for one checked file, ready for rendering.
public struct FileResult: Sendable {
    public let path: String
    /// The analysed text (nil when the file could not be read).
    public let source: SourceText?
    public let diagnostics: [Diagnostic]
    /// How many fixes were applied (or would be, with `--diff`).
    public let fixedCount: Int
    /// A unified diff of the fixes (`--diff`), nil when nothing changes.
    public let diff: String?
    /// Whether the diagnostics came from the cache.
    public let fromCache: Bool
    /// The module's interface for the project index (nil when no cycle rule ran).
    public var interface: ModuleInterface? = nil
    /// The analysed tree, kept for the cross-module pass while the run's budget allows (only for
    /// files that asked the index something); dropped when the pass is done.
    var tree: SyntaxTree? = nil
}

extension FileResult {
    func droppingSource() -> FileResult {
        FileResult(path: path, source: nil, diagnostics: diagnostics, fixedCount: fixedCount, diff: diff, fromCache: fromCache,
                   interface: interface, tree: tree)
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

    public func run(_ files: [DiscoveredFile]) -> [FileResult] {
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
            let parser = PythonParser()
            while let position = next.take(below: files.count) {
                let index = order[position]
                let (result, hash) = check(path: files[index].path, parser: parser)
                // Keep the text only where a renderer needs it: a large clean project is not held in memory.
                box.set(index, result.diagnostics.isEmpty && result.diff == nil ? result.droppingSource() : result)
                if let hash { hashes.set(index, hash) }
            }
        }
        var results = box.values
        if let cache {
            let hashValues = hashes.values
            var fresh: [(path: String, hash: String, diagnostics: [Diagnostic], interface: ModuleInterface?)] = []
            for (index, result) in results.enumerated() where !result.fromCache {
                if let hash = hashValues[index] {
                    fresh.append((Configuration.absolute(result.path), hash, result.diagnostics, result.interface))
                }
            }
            if !fresh.isEmpty { cache.save(fresh) }
        }
        // The cache keeps each file's own findings; what other modules' classes add is found afresh.
        CrossModulePass(analyzer: analyzer).run(&results, files: files)
        for index in results.indices { results[index].tree = nil }
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
        switch SourceLoader.load(path: path) {
        case .unreadable(let message):
            return (unreadable(path: path, message: message), nil)
        case let .text(source, encoding):
            let hash = cache != nil ? ContentHash.of(source.bytes) : nil
            if let cache, let hash,
               let cached = cache.lookup(path: Configuration.absolute(path), hash: hash, source: source, displayPath: path) {
                return (FileResult(path: path, source: source, diagnostics: cached.diagnostics, fixedCount: 0, diff: nil,
                                   fromCache: true, interface: cached.interface), nil)
            }
            return (check(source: source, encoding: encoding, path: path, writeTo: path, parser: parser), hash)
        }
    }

    /// Text from stdin (`-` with `--stdin-filename`): fixes are printed, not written.
    public func check(stdin bytes: [UInt8], displayPath: String) -> FileResult {
        switch SourceLoader.decode(bytes) {
        case .unreadable(let message):
            return unreadable(path: displayPath, message: message)
        case let .text(source, encoding):
            return check(source: source, encoding: encoding, path: displayPath, writeTo: nil, parser: PythonParser())
        }
    }

    func unreadable(path: String, message: String) -> FileResult {
        let code = UnreadableFile.metadata.code
        guard analyzer.rules(forPath: path).contains(where: { $0.metadata.code == code }) else {
            return FileResult(path: path, source: nil, diagnostics: [], fixedCount: 0, diff: nil, fromCache: false)
        }
        let empty = SourceText(bytes: [])
        let finding = Finding(code: code, range: SourceRange(start: 0, end: 0), message: message,
                              severity: UnreadableFile.metadata.severity)
        return FileResult(path: path, source: empty, diagnostics: [Diagnostic(path: path, finding: finding, source: empty)],
                          fixedCount: 0, diff: nil, fromCache: false)
    }

    func isApplicable(_ fix: Fix) -> Bool {
        fix.applicability == .safe || (unsafeFixes && fix.applicability == .unsafe)
    }

    func check(source original: SourceText, encoding: SourceEncoding, path: String, writeTo target: String?,
               parser: PythonParser) -> FileResult {
        let originalTree = parser.parse(original)
        // Files from disk take part in the project index; stdin text stands alone.
        let module = target.map { ModuleIdentity.of(path: $0) }
        var analysis = analyzer.analyze(tree: originalTree, path: path, module: module)
        let interface = analysis.interface
        guard fixMode != .report, encoding.isWritable || target == nil else {
            let keeps = interface?.importedCallees.isEmpty == false && treeBudget.take(original.byteCount)
            return FileResult(path: path, source: original, diagnostics: analysis.diagnostics, fixedCount: 0, diff: nil,
                              fromCache: false, interface: interface, tree: keeps ? originalTree : nil)
        }
        var source = original
        var fixed = 0
        var syntaxErrorCount = originalTree.syntaxErrors.count
        // Apply until stable: each pass takes every applicable fix that does not overlap an earlier one.
        for _ in 0..<Self.maxFixPasses {
            var chosen: [TextEdit] = []
            var taken = 0
            var lastEnd = -1
            let fixes = analysis.diagnostics.compactMap(\.fix).filter(isApplicable)
                .sorted { ($0.edits.first?.range.lowerBound ?? 0) < ($1.edits.first?.range.lowerBound ?? 0) }
            for fix in fixes where !fix.edits.isEmpty {
                guard let first = fix.edits.first, first.range.lowerBound > lastEnd || (lastEnd == -1) else { continue }
                chosen.append(contentsOf: fix.edits)
                lastEnd = fix.edits.map(\.range.upperBound).max() ?? lastEnd
                taken += 1
            }
            if chosen.isEmpty { break }
            var bytes = source.bytes
            for edit in chosen.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }).reversed() {
                let lower = max(0, min(edit.range.lowerBound, bytes.count))
                let upper = max(lower, min(edit.range.upperBound, bytes.count))
                bytes.replaceSubrange(lower..<upper, with: edit.replacement)
            }
            if bytes == source.bytes { break }
            let candidate = SourceText(bytes: bytes)
            let candidateTree = parser.parse(candidate)
            // A fix must never break the file: if this pass adds syntax errors, keep the previous text.
            if candidateTree.syntaxErrors.count > syntaxErrorCount { break }
            syntaxErrorCount = candidateTree.syntaxErrors.count
            source = candidate
            fixed += taken
            analysis = analyzer.analyze(tree: candidateTree, path: path)
        }
        guard fixed > 0 else {
            return FileResult(path: path, source: source, diagnostics: analysis.diagnostics, fixedCount: 0, diff: nil,
                              fromCache: false, interface: interface)
        }
        var diff: String? = nil
        if fixMode == .diff || target == nil {
            diff = UnifiedDiff.make(old: original.text(0..<original.byteCount), new: source.text(0..<source.byteCount),
                                    path: path)
        }
        if fixMode == .apply, let target {
            let bytes = encoding == .utf8WithBOM ? [0xEF, 0xBB, 0xBF] + source.bytes : source.bytes
            if !AtomicWrite.replace(path: target, with: bytes) {
                let finding = Finding(code: UnreadableFile.metadata.code, range: SourceRange(start: 0, end: 0),
                                      message: "Cannot write fixes to file; it was left unchanged",
                                      severity: .error)
                return FileResult(path: path, source: original,
                                  diagnostics: [Diagnostic(path: path, finding: finding, source: original)]
                                    + analyzer.analyze(source: original, path: path).diagnostics,
                                  fixedCount: 0, diff: nil, fromCache: false)
            }
        }
        return FileResult(path: path, source: source, diagnostics: analysis.diagnostics, fixedCount: fixed, diff: diff,
                          fromCache: false, interface: interface)
    }
}

/// Writes a file by writing a temporary sibling and renaming it over the original, keeping the
/// original's permission bits: a crash mid-write leaves the old file intact.
enum AtomicWrite {
    static func replace(path: String, with bytes: [UInt8]) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        // Resolve symlinks so the link stays a link and its target gets the new content.
        let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { destination in
            destination.hasPrefix("/") ? destination
                : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
        } ?? path
        let directory = (real as NSString).deletingLastPathComponent
        let name = (real as NSString).lastPathComponent
        let temporary = ((directory.isEmpty ? "." : directory) as NSString)
            .appendingPathComponent(".\(name).heaplint-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, info.st_mode & 0o7777)
        guard fd >= 0 else { return false }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n <= 0 { return false }
                written += n
            }
            return fsync(fd) == 0
        }
        fchmod(fd, info.st_mode & 0o7777)
        close(fd)
        guard ok, rename(temporary, real) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }
}

/// A minimal unified diff: one hunk from the first to the last changed line, with 3 lines of context.
public enum UnifiedDiff {
    public static func make(old: String, new: String, path: String) -> String? {
        if old == new { return nil }
        let a = lines(old), b = lines(new)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] {
            suffix += 1
        }
        let context = 3
        let start = max(0, prefix - context)
        let aEnd = min(a.count, a.count - suffix + context)
        let bEnd = min(b.count, b.count - suffix + context)
        var out = "--- \(path)\n+++ \(path)\n"
        out += "@@ -\(range(start, aEnd - start)) +\(range(start, bEnd - start)) @@\n"
        for line in a[start..<prefix] { out += " " + terminated(line) }
        for line in a[prefix..<(a.count - suffix)] { out += "-" + terminated(line) }
        for line in b[prefix..<(b.count - suffix)] { out += "+" + terminated(line) }
        for line in a[(a.count - suffix)..<aEnd] { out += " " + terminated(line) }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    private static func terminated(_ line: String) -> String {
        line.hasSuffix("\n") ? line : line + "\n\\ No newline at end of file\n"
    }

    private static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}

/// Per-index result slots filled from `concurrentPerform` workers.
/// Hands out 0, 1, 2, ... to concurrent workers.
final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

final class ResultBox: @unchecked Sendable {
    private var slots: [FileResult?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: FileResult) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [FileResult] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
    var optionalValues: [FileResult?] { lock.lock(); defer { lock.unlock() }; return slots }
}

final class HashBox: @unchecked Sendable {
    private var slots: [String?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: String) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [String?] { lock.lock(); defer { lock.unlock() }; return slots }
}

extension DiagnosticReport {
    /// The report for a finished check: diagnostics in stable order (file, then position).
    public init(results: [FileResult]) {
        var sources: [String: SourceText] = [:]
        var absolute: [String: String] = [:]
        for result in results {
            if let source = result.source { sources[result.path] = source }
            absolute[result.path] = result.path == "-" ? "-" : Configuration.absolute(result.path)
        }
        let diagnostics = results.flatMap(\.diagnostics).sorted(by: Diagnostic.ordered)
        self.init(diagnostics: diagnostics, sources: sources, checkedPaths: results.map(\.path), absolutePaths: absolute)
    }
}
