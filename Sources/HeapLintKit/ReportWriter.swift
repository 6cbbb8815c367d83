#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// Writes the report for `-o/--output-file` without replacing what is at the path.
///
/// Renaming a new file over the path (Foundation's `atomically: true`) turned a character device
/// into a regular file (`-o /dev/null` as root in a CI container replaced the system's `/dev/null`),
/// a symlink into a file, and a hard link into a separate copy; `-o /dev/stdout` failed, since
/// `/proc/self/fd/1` cannot be renamed over. So the report is written through the path unless it
/// is a regular file with one link that the user owns (or nothing yet): only then is a temporary
/// sibling renamed over it, so that a reader never sees half a report.
public enum ReportWriter {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ text: String, to path: String) throws {
        let bytes = Array(text.utf8)
        // `/dev/stdout`, `/dev/fd/1`: the descriptor this process already has. Reopening it through
        // /proc would truncate a file the shell opened for appending (`>> log`).
        if let fd = inheritedDescriptor(path) {
            guard writeAll(fd: fd, bytes) else { throw Failure(description: errorText(errno)) }
            return
        }
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else { throw Failure(description: errorText(errno)) }
            try replaceAtomically(path, bytes, mode: nil)
            return
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR { throw Failure(description: "it is a directory") }
        if type == S_IFREG && info.st_nlink == 1 && info.st_uid == geteuid() {
            try replaceAtomically(path, bytes, mode: info.st_mode & 0o7777)
            return
        }
        // A symlink (followed to its target), a hard-linked or another user's file, a device, a FIFO:
        // write through the path. Only a regular file is truncated: a device or FIFO has no content
        // to cut, and O_TRUNC on a FIFO is ignored anyway.
        var target = stat()
        let isRegularTarget = stat(path, &target) == 0 && target.st_mode & S_IFMT == S_IFREG
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (isRegularTarget ? O_TRUNC : 0), 0o666)
        guard fd >= 0 else { throw Failure(description: errorText(errno)) }
        defer { close(fd) }
        guard writeAll(fd: fd, bytes) else { throw Failure(description: errorText(errno)) }
    }

    /// The descriptor `path` names when it is one of this process's own (`/dev/stdout`, `/dev/stderr`,
    /// `/dev/fd/N`, `/proc/self/fd/N`), else nil.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let fd = Int32(path.dropFirst(prefix.count)), fd >= 0, fcntl(fd, F_GETFD) != -1 { return fd }
            }
            return nil
        }
    }

    /// A temporary sibling with the report (and `mode`, or the default a new file gets), renamed over `path`.
    private static func replaceAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t?) throws {
        let directory = PathString.deletingLastComponent(path)
        let name = PathString.lastComponent(path)
        var template = Array(((directory.isEmpty ? "." : directory) + "/." + name + ".heaplint-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(description: errorText(errno)) }
        let temporary = String(cString: template)
        var done = false
        defer {
            close(fd)
            if !done { unlink(temporary) }
        }
        let newFileMode: mode_t = {
            let mask = umask(0)
            umask(mask)
            return 0o666 & ~mask
        }()
        guard fchmod(fd, mode ?? newFileMode) == 0, writeAll(fd: fd, bytes), fsync(fd) == 0,
              rename(temporary, path) == 0 else { throw Failure(description: errorText(errno)) }
        done = true
    }

    private static func writeAll(fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                written += n
            }
            return true
        }
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
