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
        func add(_ path: String, explicit: Bool) {
            let key = Configuration.absolute(path)
            if seen.insert(key).inserted { result.append(DiscoveredFile(path: path, isExplicit: explicit)) }
        }
        for given in paths {
            let path = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if exists && isDirectory.boolValue && !Self.isPythonFileName(path) {
                if forceExclude && isExcluded(path, patterns: patterns) { continue }
                walk(path, patterns: patterns, add: { add($0, explicit: false) })
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

    private func walk(_ root: String, patterns: [String], add: (String) -> Void) {
        var stack = [root]
        let manager = FileManager.default
        while let directory = stack.popLast() {
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else { continue }
            // Reverse-sorted onto the stack so directories are visited in name order.
            var subdirectories: [String] = []
            for name in names.sorted() {
                let child = directory == "." ? name : (directory as NSString).appendingPathComponent(name)
                var info = stat()
                guard lstat(child, &info) == 0 else { continue }
                let type = info.st_mode & S_IFMT
                if type == S_IFDIR {
                    if isExcluded(child, patterns: patterns) { continue }
                    // A virtualenv by any name: it has `pyvenv.cfg` at its root.
                    if manager.fileExists(atPath: (child as NSString).appendingPathComponent("pyvenv.cfg")) { continue }
                    subdirectories.append(child)
                } else if Self.isPythonFileName(name) {
                    if isExcluded(child, patterns: patterns) { continue }
                    // Regular files, symlinks (to files, or dangling: the loader reports those), and
                    // directories reached through a symlink named `x.py` (reported as HL003).
                    if type == S_IFREG || type == S_IFLNK { add(child) }
                }
            }
            stack.append(contentsOf: subdirectories.reversed())
        }
    }
}
