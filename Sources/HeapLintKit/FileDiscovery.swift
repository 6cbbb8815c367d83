import Foundation

/// A file selected for checking.
public struct DiscoveredFile: Sendable, Hashable {
    /// The path as the user gave it or as found under a given directory (used for display).
    public let path: String
    /// Whether the user named it on the command line (named files are checked even if excluded).
    public let isExplicit: Bool
}

/// Walks the given paths for `*.py` and `*.pyi` files, skipping virtualenvs, caches, build output and
/// the configured excludes. The walk uses an explicit stack and never follows a symlink to a
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
        func add(_ path: String, explicit: Bool, absolute: String? = nil) {
            let key = absolute ?? Configuration.absolute(path)
            if seen.insert(key).inserted { result.append(DiscoveredFile(path: path, isExplicit: explicit)) }
        }
        for given in paths {
            let path = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if exists && isDirectory.boolValue && !Self.isPythonFileName(path) {
                if forceExclude && isExcluded(path, patterns: patterns) { continue }
                walk(path, add: { add($0, explicit: false, absolute: $1) })
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
    }

    /// `add` receives each file's display path and absolute path.
    private func walk(_ root: String, add: (String, String) -> Void) {
        let matcher = configuration.excludeMatcher
        let manager = FileManager.default
        let rootAbsolute = Configuration.absolute(root)
        // A directory the user named is checked even if it, or a directory above it, matches an
        // exclude (`site-packages/django`): as in ruff, excludes apply to what the walk finds below it,
        // so the root counts as clean. With `--force-exclude` the whole path counts, as before.
        var stack = [Visit(path: root, absolute: rootAbsolute, relative: configuration.relativePath(absolute: rootAbsolute),
                           isClean: !forceExclude)]
        while let directory = stack.popLast() {
            guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { continue }
            // Reverse-sorted onto the stack so directories are visited in name order.
            var subdirectories: [Visit] = []
            for name in names.sorted() {
                let child = directory.path == "." ? name : (directory.path as NSString).appendingPathComponent(name)
                var info = stat()
                guard lstat(child, &info) == 0 else { continue }
                let type = info.st_mode & S_IFMT
                let isDirectory = type == S_IFDIR
                guard isDirectory || Self.isPythonFileName(name) else { continue }
                let absolute = directory.absolute == "/" ? "/" + name : directory.absolute + "/" + name
                let relative = configuration.relativePath(absolute: absolute)
                // Same answer as `Configuration.isExcluded(path:)`, cheaper when the parent is clean.
                let excluded = directory.isClean && relative == directory.relative + "/" + name
                    ? matcher.matchesLast(component: name, path: relative)
                    : matcher.matches(relative: relative)
                if excluded { continue }
                if isDirectory {
                    // A virtualenv by any name: it has `pyvenv.cfg` at its root.
                    if manager.fileExists(atPath: (child as NSString).appendingPathComponent("pyvenv.cfg")) { continue }
                    subdirectories.append(Visit(path: child, absolute: absolute, relative: relative, isClean: true))
                } else if type == S_IFREG || type == S_IFLNK {
                    // Regular files, symlinks (to files, or dangling: the loader reports those), and
                    // directories reached through a symlink named `x.py` (reported as HL003).
                    add(child, absolute)
                }
            }
            stack.append(contentsOf: subdirectories.reversed())
        }
    }
}
