#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// One line of a gitignore-format file, parsed: `!keep.py`, `build/`, `/top.py`, `docs/**/gen_*.py`.
struct IgnorePattern: Sendable {
    /// `!pattern`: a match re-includes what an earlier line ignored.
    let negated: Bool
    /// `pattern/`: matches directories only.
    let directoryOnly: Bool
    /// A `/` at the start or in the middle: matched against the whole path below the file's directory;
    /// otherwise against the name alone, at any depth.
    let anchored: Bool
    /// The pattern split at `/`; a `**` segment stands for zero or more directories.
    let segments: [String]

    /// Nil for blank lines and comments.
    init?(line raw: Substring) {
        var line = String(raw)
        if line.hasSuffix("\r") { line.removeLast() }
        // Trailing spaces are dropped unless escaped with a backslash (gitignore(5)).
        while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line.removeLast() }
        if line.hasSuffix("\\ ") { line = String(line.dropLast(2)) + " " }
        if line.isEmpty || line.hasPrefix("#") { return nil }
        negated = line.hasPrefix("!")
        if negated { line.removeFirst() }
        if line.hasPrefix("\\#") || line.hasPrefix("\\!") { line.removeFirst() }
        directoryOnly = line.hasSuffix("/")
        while line.hasSuffix("/") { line.removeLast() }
        anchored = line.contains("/")
        if line.hasPrefix("/") { line.removeFirst() }
        segments = line.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if segments.isEmpty { return nil }
    }

    /// `components` is the path below the ignore file's directory.
    func matches(_ components: ArraySlice<String>, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        if !anchored {
            guard let name = components.last else { return false }
            return fnmatch(segments[0], name, 0) == 0
        }
        return Self.match(segments[...], components)
    }

    /// Segment-wise matching, so `*` never crosses `/` while `**` spans any number of directories.
    static func match(_ pattern: ArraySlice<String>, _ path: ArraySlice<String>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == "**" {
            let rest = pattern.dropFirst()
            // A trailing `**` matches everything inside, not the directory itself.
            if rest.isEmpty { return !path.isEmpty }
            var tail = path
            while true {
                if match(rest, tail) { return true }
                guard !tail.isEmpty else { return false }
                tail = tail.dropFirst()
            }
        }
        guard let name = path.first, fnmatch(first, name, 0) == 0 else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }
}

/// The patterns of one ignore file and the directory they are relative to.
struct IgnoreFile: Sendable {
    let base: [String]
    let patterns: [IgnorePattern]

    static func read(_ path: String, base: [String]) -> IgnoreFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let patterns = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .compactMap(IgnorePattern.init(line:))
        return patterns.isEmpty ? nil : IgnoreFile(base: base, patterns: patterns)
    }
}

/// The ignore files that apply at a point of a directory walk (`respect-gitignore`, on by default as in
/// ruff): `.git/info/exclude`, then per directory from the repository root down `.gitignore` and
/// `.ignore`. A later file outranks an earlier one and, within a file, a later line an earlier one,
/// so the last matching line decides, as in git. `.gitignore` and the exclude file count only inside a
/// git repository (as git and ruff read them); `.ignore` counts everywhere.
struct IgnoreRules: Sendable {
    private(set) var files: [IgnoreFile] = []
    let inRepository: Bool

    /// The rules in force above `root` (an absolute directory): the repository's exclude file and the
    /// ignore files of every directory from the repository root down to `root`'s parent. `root`'s own
    /// files are read when the walk enters it (`entering`).
    static func above(_ root: String) -> IgnoreRules {
        let components = root.split(separator: "/").map(String.init)
        var repositoryDepth: Int? = nil
        for depth in stride(from: components.count, through: 0, by: -1) {
            let directory = "/" + components.prefix(depth).joined(separator: "/")
            if FileManager.default.fileExists(atPath: PathString.appending(directory, ".git")) {
                repositoryDepth = depth
                break
            }
        }
        guard let top = repositoryDepth else { return IgnoreRules(inRepository: false) }
        var rules = IgnoreRules(inRepository: true)
        let repository = Array(components.prefix(top))
        if let exclude = IgnoreFile.read(path(repository) + "/.git/info/exclude", base: repository) {
            rules.files.append(exclude)
        }
        for depth in stride(from: top, to: components.count, by: 1) {
            rules = rules.entering(Array(components.prefix(depth)))
        }
        return rules
    }

    /// The rules inside `directory` (absolute, as components): its own ignore files added.
    func entering(_ directory: [String]) -> IgnoreRules {
        var rules = self
        let prefix = Self.path(directory)
        let names = inRepository ? [".gitignore", ".ignore"] : [".ignore"]
        for name in names {
            if let file = IgnoreFile.read(prefix + "/" + name, base: directory) { rules.files.append(file) }
        }
        return rules
    }

    func isIgnored(_ components: [String], isDirectory: Bool) -> Bool {
        for file in files.reversed() where components.count > file.base.count
            && components.starts(with: file.base) {
            let below = components[file.base.count...]
            if let line = file.patterns.last(where: { $0.matches(below, isDirectory: isDirectory) }) {
                return !line.negated
            }
        }
        return false
    }

    static func path(_ components: [String]) -> String { "/" + components.joined(separator: "/") }
}
