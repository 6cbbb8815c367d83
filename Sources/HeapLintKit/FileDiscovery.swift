#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// A file selected for checking.
public struct DiscoveredFile: Sendable, Hashable {
    /// The path as the user gave it or as found under a given directory (used for display).
    public let path: String
    /// Whether the user named it on the command line (named files are checked even if excluded).
    public let isExplicit: Bool
    /// Set when the name on disk is not UTF-8 (`caf\xe9.py`): `path` shows the undecodable bytes as
    /// `\xNN`, cannot be opened by that spelling, and the file is reported (HL003) with this message
    /// instead of being skipped.
    public var undecodableName: String? = nil
}

/// Walks the given paths for `*.py`, `*.pyi` and `*.ipynb` files, skipping virtualenvs, caches, build output,
/// the configured excludes and (unless `respect-gitignore = false`) what `.gitignore`, `.ignore` and
/// `.git/info/exclude` ignore; a path named on the command line is checked all the same. The walk uses an explicit stack and never follows a symlink to a
/// directory, so link loops cannot hang it; symlinks to files are checked like files.
public struct FileDiscovery: Sendable {
    public let configuration: Configuration
    /// Apply excludes to explicitly named files too (`--force-exclude`, for pre-commit).
    public let forceExclude: Bool

    public init(configuration: Configuration, forceExclude: Bool = false) {
        self.configuration = configuration
        self.forceExclude = forceExclude
    }

    public func files(in paths: [String]) -> [DiscoveredFile] {
        let patterns = configuration.excludePatterns
        var seen: Set<String> = []
        var result: [DiscoveredFile] = []
        func add(_ path: String, explicit: Bool, absolute: String? = nil, undecodable: String? = nil) {
            let key = absolute ?? Configuration.absolute(path)
            if seen.insert(key).inserted {
                result.append(DiscoveredFile(path: path, isExplicit: explicit, undecodableName: undecodable))
            }
        }
        for given in paths {
            let path = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
            if PathString.isDirectory(path) == true && !Self.isCheckedFileName(path) {
                if forceExclude && isExcluded(path, patterns: patterns) { continue }
                walk(path, add: { add($0, explicit: false, absolute: $1, undecodable: $2) })
            } else {
                // Named files (and names that do not exist, or a directory called `x.py`) are handed to
                // the loader, which reports what is wrong with them as HL003.
                if forceExclude && isExcluded(path, patterns: patterns) { continue }
                add(path, explicit: true)
            }
        }
        return result
    }

    static func isPythonFileName(_ name: String) -> Bool {
        name.hasSuffix(".py") || name.hasSuffix(".pyi")
    }

    /// Python files and Jupyter notebooks (their code cells are checked as one module).
    static func isCheckedFileName(_ name: String) -> Bool {
        isPythonFileName(name) || NotebookLoader.isNotebookPath(name)
    }

    private func isExcluded(_ path: String, patterns: [String]) -> Bool {
        configuration.isExcluded(path: path)
    }

    /// A directory on the walk's stack: its display path, absolute path, path relative to the
    /// project root, and whether that relative path is known to match no exclude (then a child's
    /// path, which only adds its name, needs checking for the name and the whole path alone).
    private struct Visit {
        let path: String
        let absolute: String
        let relative: String
        let isClean: Bool
        /// The absolute path split at `/`, and the ignore files in force in its parent (nil: not respected).
        let components: [String]
        let ignores: IgnoreRules?
    }

    /// `add` receives each file's display path, absolute path, and for a name that is not UTF-8 the
    /// HL003 message to report in place of checking it.
    private func walk(_ root: String, add: (String, String, String?) -> Void) {
        let matcher = configuration.excludeMatcher
        let manager = FileManager.default
        let rootAbsolute = Configuration.absolute(root)
        // A directory the user named is checked even if it, or a directory above it, matches an
        // exclude (`site-packages/django`): as in ruff, excludes apply to what the walk finds below it,
        // so the root counts as clean. With `--force-exclude` the whole path counts, as before.
        let rootComponents = rootAbsolute.split(separator: "/").map(String.init)
        var stack = [Visit(path: root, absolute: rootAbsolute, relative: configuration.relativePath(absolute: rootAbsolute),
                           isClean: !forceExclude, components: rootComponents,
                           ignores: configuration.respectsGitignore ? IgnoreRules.above(rootAbsolute) : nil)]
        while let directory = stack.popLast() {
            guard let listing = Self.list(directory.path) else { continue }
            let ignores = directory.ignores?.entering(directory.components)
            // A file name is bytes on Linux; Foundation's listing drops the names that are not UTF-8,
            // which made `caf\xe9.py` vanish with "All checks passed!". They cannot be opened by a
            // String path, so each is reported, shown with `\xNN` escapes.
            for entry in listing.undecodable {
                let isDirectory = entry.type == Int32(DT_DIR)
                guard isDirectory || entry.isPythonFileName else { continue }
                let child = directory.path == "." ? entry.escaped : PathString.appending(directory.path, entry.escaped)
                let absolute = directory.absolute == "/" ? "/" + entry.escaped : directory.absolute + "/" + entry.escaped
                if matcher.matches(relative: configuration.relativePath(absolute: absolute)) { continue }
                add(child, absolute, isDirectory
                    ? "Cannot check directory: its name is not valid UTF-8 (shown with \\x escapes), so the Python files under it were not checked; rename it"
                    : "Cannot read file: its name is not valid UTF-8 (shown with \\x escapes); rename it to check it")
            }
            // Reverse-sorted onto the stack so directories are visited in name order.
            var subdirectories: [Visit] = []
            for name in listing.names.sorted() {
                let child = directory.path == "." ? name : PathString.appending(directory.path, name)
                var info = stat()
                guard lstat(child, &info) == 0 else { continue }
                let type = info.st_mode & S_IFMT
                let isDirectory = type == S_IFDIR
                guard isDirectory || Self.isCheckedFileName(name) else { continue }
                let absolute = directory.absolute == "/" ? "/" + name : directory.absolute + "/" + name
                let relative = configuration.relativePath(absolute: absolute)
                // Same answer as `Configuration.isExcluded(path:)`, cheaper when the parent is clean.
                let excluded = directory.isClean && relative == directory.relative + "/" + name
                    ? matcher.matchesLast(component: name, path: relative)
                    : matcher.matches(relative: relative)
                if excluded { continue }
                let components = directory.components + [name]
                if let ignores, ignores.isIgnored(components, isDirectory: isDirectory) { continue }
                if isDirectory {
                    // A virtualenv by any name: it has `pyvenv.cfg` at its root.
                    if manager.fileExists(atPath: PathString.appending(child, "pyvenv.cfg")) { continue }
                    subdirectories.append(Visit(path: child, absolute: absolute, relative: relative, isClean: true,
                                                components: components, ignores: ignores))
                } else if type == S_IFREG || type == S_IFLNK {
                    // Regular files, symlinks (to files, or dangling: the loader reports those), and
                    // directories reached through a symlink named `x.py` (reported as HL003).
                    add(child, absolute, nil)
                }
            }
            stack.append(contentsOf: subdirectories.reversed())
        }
    }

    /// A directory entry whose name is not valid UTF-8.
    struct UndecodableEntry {
        /// The name with each byte of an invalid sequence written as `\xNN` (as Python's
        /// `backslashreplace` shows it).
        let escaped: String
        let isPythonFileName: Bool
        /// `d_type` (`DT_DIR`, `DT_REG`, `DT_LNK`, `DT_UNKNOWN`).
        let type: Int32
    }

    /// The entries of `path` (without `.` and `..`): UTF-8 names, and the others apart. Nil when the
    /// directory cannot be opened.
    static func list(_ path: String) -> (names: [String], undecodable: [UndecodableEntry])? {
        guard let handle = opendir(path) else { return nil }
        defer { closedir(handle) }
        var names: [String] = []
        var undecodable: [UndecodableEntry] = []
        while let entry = readdir(handle) {
            let bytes: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    Array(UnsafeBufferPointer(start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))))
                }
            }
            if bytes == [46] || bytes == [46, 46] { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append(name)
            } else {
                let isPython = bytes.count > 3 && (bytes.suffix(3).elementsEqual(".py".utf8) || bytes.suffix(4).elementsEqual(".pyi".utf8)
                    || bytes.suffix(6).elementsEqual(".ipynb".utf8))
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    // Some filesystems leave the type to a stat; the raw name works relative to the directory.
                    var info = stat()
                    let found = (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
                        fstatat(dirfd(handle), $0.baseAddress!, &info, AT_SYMLINK_NOFOLLOW) == 0
                    }
                    if found && info.st_mode & S_IFMT == S_IFDIR { type = Int32(DT_DIR) }
                }
                undecodable.append(UndecodableEntry(escaped: escape(bytes), isPythonFileName: isPython, type: type))
            }
        }
        return (names, undecodable)
    }

    /// `caf\xe9.py`: valid UTF-8 sequences kept, every other byte as `\xNN`.
    static func escape(_ bytes: [UInt8]) -> String {
        var result = ""
        var index = 0
        while index < bytes.count {
            // The longest valid sequence starting here is at most 4 bytes.
            var decoded = false
            for length in 1...4 where index + length <= bytes.count {
                if let piece = String(validating: bytes[index..<index + length], as: UTF8.self) {
                    result += piece
                    index += length
                    decoded = true
                    break
                }
            }
            if !decoded {
                result += "\\x" + String(bytes[index], radix: 16).leftPadded(to: 2)
                index += 1
            }
        }
        return result
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
