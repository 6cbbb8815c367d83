#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapModel
import HeapRules
import HeapSyntax

/// heaplint's version, shared by `--version`, the cache key and SARIF `tool.driver.version`.
public enum HeapLintVersion {
    public static let string = HeapDiagnosticsInfo.version
    /// `heaplint --version`/`heaplint version`: "0.1.0 (<commit> <commit date>)" in a `make dist` binary,
    /// "0.1.0" in an unstamped build.
    public static var line: String { BuildStamp.text.map { "\(string) (\($0))" } ?? string }
}

/// A content hash: two 64-bit FNV-1a passes with different offsets plus the length. Not
/// cryptographic; it only has to tell an edited file from an unedited one.
public enum ContentHash {
    public static func of(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
            }
        }
        return String(a, radix: 16) + String(b, radix: 16) + String(bytes.count, radix: 16)
    }

    public static func of(_ string: String) -> String { of(Array(string.utf8)) }
}

/// The compact, Codable form of a diagnostic: byte offsets, not positions (recomputed on load).
public struct CachedDiagnostic: Codable, Sendable, Equatable {
    struct Edit: Codable, Sendable, Equatable {
        var s: Int
        var e: Int
        var r: String
    }
    struct CachedFix: Codable, Sendable, Equatable {
        var title: String
        var applicability: FixApplicability
        var edits: [Edit]
    }
    var code: String
    var s: Int
    var e: Int
    var message: String
    var severity: Severity
    var explanation: HeapExplanation?
    var fix: CachedFix?
    /// The noqa line when it differs from the start line (multi-line strings, continuations).
    var q: Int?

    init(_ diagnostic: Diagnostic) {
        let finding = diagnostic.finding
        q = diagnostic.noqaLine == diagnostic.start.line ? nil : diagnostic.noqaLine
        code = finding.code
        s = finding.range.start
        e = finding.range.end
        message = finding.message
        severity = finding.severity
        explanation = finding.explanation
        fix = finding.fix.map { fix in
            CachedFix(title: fix.title, applicability: fix.applicability, edits: fix.edits.map {
                Edit(s: $0.range.lowerBound, e: $0.range.upperBound, r: String(decoding: $0.replacement, as: UTF8.self))
            })
        }
    }

    func diagnostic(path: String, source: SourceText) -> Diagnostic {
        let finding = Finding(code: code, range: SourceRange(start: s, end: e), message: message, severity: severity,
                              explanation: explanation, fix: fix.map { fix in
            Fix(title: fix.title, applicability: fix.applicability,
                edits: fix.edits.map { TextEdit(range: $0.s..<max($0.s, $0.e), replacement: $0.r) })
        })
        let diagnostic = Diagnostic(path: path, finding: finding, source: source)
        return q.map { diagnostic.withNoqaLine($0) } ?? diagnostic
    }
}

/// Diagnostics of unchanged files, kept in `.heaplint_cache/<version>/<settings hash>.json`.
/// Keyed by absolute path; an entry is valid when the file's content hash matches. The settings hash
/// covers heaplint's version, the selected rule codes and every setting that changes findings.
/// Any failure to read (corrupt JSON) or write (read-only directory) just means no cache.
public struct DiagnosticCache: Sendable {
    struct Entry: Codable, Sendable {
        var hash: String
        var diagnostics: [CachedDiagnostic]
        /// The module's interface for the project index (absent in entries of files without cycle rules).
        var interface: ModuleInterface?
        /// The cross-module pass's diagnostics for this content, and the key of the index classes they
        /// were computed with (`CrossModulePass.dependencyKey`): valid while both match.
        var cross: CrossEntry?
    }

    struct CrossEntry: Codable, Sendable {
        var key: String
        var diagnostics: [CachedDiagnostic]
    }

    /// The cross-module diagnostics of a file whose content hash and dependency key both match.
    func crossDiagnostics(forPath path: String, hash: String, key: String, source: SourceText, displayPath: String) -> [Diagnostic]? {
        guard let entry = entries[path], entry.hash == hash, let cross = entry.cross, cross.key == key else { return nil }
        return cross.diagnostics.map { $0.diagnostic(path: displayPath, source: source) }
    }

    public let file: String
    let entries: [String: Entry]

    public init(directory: String, configuration: Configuration) {
        let o = configuration.options
        let key = [
            HeapLintVersion.string,
            configuration.selectedRules.map { $0.metadata.code }.joined(separator: ","),
            configuration.ruleSettings.targetVersion.rawValue,
            String(configuration.ruleSettings.largeThreshold),
            configuration.perFileIgnores.map { "\($0.pattern)=\($0.codes.joined(separator: ","))" }.joined(separator: ";"),
            configuration.projectRoot,
            o.ignoreNoqa == true ? "ignore-noqa" : "",
            // Unfixable rules' findings are cached without their fixes.
            configuration.fixableCodes.sorted().joined(separator: ","),
            Self.executableStamp,
        ].joined(separator: "|")
        let versionDirectory = PathString.appending(directory, HeapLintVersion.string)
        file = PathString.appending(versionDirectory, ContentHash.of(key) + ".json")
        if let data = FileManager.default.contents(atPath: file),
           let decoded = try? JSONDecoder().decode([String: Entry].self, from: data) {
            entries = decoded
        } else {
            entries = [:]
        }
    }

    /// Size and modification time of the running binary: a rebuilt heaplint (new rule logic under
    /// the same version number, as during development) never reads an older build's results.
    static let executableStamp: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 || stat(CommandLine.arguments.first ?? "", &info) == 0 else { return "" }
        return "\(info.st_size)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)"
    }()

    public func diagnostics(forPath path: String, hash: String, source: SourceText, displayPath: String) -> [Diagnostic]? {
        lookup(path: path, hash: hash, source: source, displayPath: displayPath)?.diagnostics
    }

    /// The cached diagnostics of a file and its module interface, when its content hash matches.
    public func lookup(path: String, hash: String, source: SourceText, displayPath: String)
        -> (diagnostics: [Diagnostic], interface: ModuleInterface?)? {
        guard let entry = entries[path], entry.hash == hash else { return nil }
        return (entry.diagnostics.map { $0.diagnostic(path: displayPath, source: source) }, entry.interface)
    }

    /// Writes the new entries (replacing the old file atomically). Returns false when it could not.
    @discardableResult
    public func save(_ results: [(path: String, hash: String, diagnostics: [Diagnostic], interface: ModuleInterface?)],
                     cross: [String: (key: String, diagnostics: [Diagnostic])] = [:]) -> Bool {
        // Entries of files that no longer exist are dropped so the cache does not grow forever.
        var merged = entries.filter { FileManager.default.fileExists(atPath: $0.key) }
        for result in results {
            merged[result.path] = Entry(hash: result.hash, diagnostics: result.diagnostics.map(CachedDiagnostic.init),
                                        interface: result.interface)
        }
        for (path, update) in cross where merged[path] != nil {
            merged[path]?.cross = CrossEntry(key: update.key, diagnostics: update.diagnostics.map(CachedDiagnostic.init))
        }
        let directory = PathString.deletingLastComponent(file)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let root = PathString.appending(PathString.deletingLastComponent(directory), ".gitignore")
            if !FileManager.default.fileExists(atPath: root) {
                try? CacheCleaning.gitignoreText.write(toFile: root, atomically: true, encoding: .utf8)
            }
            let data = try JSONEncoder().encode(merged)
            try data.write(to: URL(fileURLWithPath: file), options: .atomic)
            return true
        } catch {
            return false
        }
    }
}
