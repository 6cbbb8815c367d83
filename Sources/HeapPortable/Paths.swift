// Path-string operations with the results of NSString's (`deletingLastPathComponent`,
// `appendingPathComponent`, …) on POSIX paths.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum PathString {
    /// Trailing slashes removed (but "/" stays "/"), runs of slashes collapsed.
    static func standardized(_ path: String) -> String {
        var out = ""
        var previousSlash = false
        for c in path {
            if c == "/" {
                if previousSlash { continue }
                previousSlash = true
            } else {
                previousSlash = false
            }
            out.append(c)
        }
        while out.count > 1 && out.hasSuffix("/") { out.removeLast() }
        return out
    }

    /// "/a/b" → "/a", "/a" → "/", "a" → "", "/" → "/".
    public static func deletingLastComponent(_ path: String) -> String {
        let p = standardized(path)
        guard let slash = p.lastIndex(of: "/") else { return "" }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }

    /// "a" + "b" → "a/b", "" + "b" → "b", "/" + "b" → "/b", "a/" + "b" → "a/b"; neither part is otherwise
    /// changed ("a//b" + "c" → "a//b/c"), as NSString does it.
    public static func appending(_ path: String, _ component: String) -> String {
        if path.isEmpty { return component }
        if component.isEmpty { return path }
        return path.hasSuffix("/") ? path + component : path + "/" + component
    }

    /// "/a/b/" → "b", "/" → "/", "" → "".
    public static func lastComponent(_ path: String) -> String {
        let p = standardized(path)
        if p == "/" { return "/" }
        guard let slash = p.lastIndex(of: "/") else { return p }
        return String(p[p.index(after: slash)...])
    }

    /// "dir/x.py" → "dir/x"; a leading dot of the last component is not an extension (".bashrc" stays).
    public static func deletingExtension(_ path: String) -> String {
        let p = standardized(path)
        let last = lastComponent(p)
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return p }
        let removed = last.distance(from: dot, to: last.endIndex)
        return String(p.dropLast(removed))
    }

    /// A leading "~" or "~/" replaced by $HOME (or the password database's home directory).
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        var home = getenv("HOME").map { String(cString: $0) } ?? ""
        if home.isEmpty, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir { home = String(cString: dir) }
        guard !home.isEmpty else { return path }
        return standardized(home + path.dropFirst())
    }
}

extension PathString {
    /// Whether `path` names a directory (following symbolic links); nil when nothing is there (what
    /// `FileManager.fileExists(atPath:isDirectory:)` answered, without its Objective-C `ObjCBool`).
    public static func isDirectory(_ path: String) -> Bool? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }
}
