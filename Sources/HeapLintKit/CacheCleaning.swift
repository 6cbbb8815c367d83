#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// `heaplint clean`: removes the cache directory of a project, and only one heaplint made. The cache's
/// root always holds the `.gitignore` heaplint writes beside its first entry, so a directory without it
/// (a mistyped `--cache-dir`, a folder of the user's) is left alone rather than deleted.
public enum CacheCleaning {
    /// What the cache writes at its root: git ignores the whole cache, and `clean` recognises it.
    public static let markerLine = "# Automatically created by heaplint."
    public static let gitignoreText = markerLine + "\n*\n"

    public enum Outcome: Equatable, Sendable {
        case removed(directory: String)
        case absent(directory: String)
        case refused(directory: String, reason: String)
    }

    public static func clean(directory: String) -> Outcome {
        var info = stat()
        guard lstat(directory, &info) == 0 else { return .absent(directory: directory) }
        // Never follow a link: its target may be anything, anywhere.
        guard info.st_mode & S_IFMT == S_IFDIR else {
            let what = info.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "not a directory"
            return .refused(directory: directory, reason: "it is \(what); heaplint removes only a cache directory it made")
        }
        let marker = PathString.appending(directory, ".gitignore")
        guard let data = FileManager.default.contents(atPath: marker),
              String(decoding: data, as: UTF8.self).hasPrefix(markerLine + "\n") else {
            return .refused(directory: directory,
                            reason: "it has no .gitignore written by heaplint, so it may not be heaplint's cache")
        }
        do {
            try FileManager.default.removeItem(atPath: directory)
            return .removed(directory: directory)
        } catch {
            return .refused(directory: directory, reason: "it could not be removed: \(error)")
        }
    }
}
