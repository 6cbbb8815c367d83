#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// Writes fixed text back the way a careful editor does (issue 15): never over a file that changed
/// since it was read, never over a file the user could not write, and keeping the file's identity
/// (owner, group, mode, extended attributes, hard links, symlinks).
///
/// The usual path writes a temporary sibling, gives it the original's owner, group, mode and
/// extended attributes, and renames it over the original: a crash mid-write leaves the old file
/// whole. When that would change the file's identity (it has other hard links, or its owner, group
/// or attributes cannot be given to a new file, or the directory is not writable), the file is
/// rewritten in place through its own inode instead, as vim's `backupcopy=auto` does.
enum FileReplacement {
    enum Outcome: Equatable {
        case replaced
        /// The bytes on disk are no longer the ones that were checked: nothing was written.
        case changedOnDisk
        /// Nothing was written; the text says why, for the HL003 message.
        case refused(String)
        /// The fixed text was written, but another program changed the file in the last instant
        /// before the replacement (after heaplint's final look): its change may be lost.
        case changedDuringFix
    }

    /// What identifies one version of a file cheaply: compared right before and right after the
    /// replacement, where comparing the content would widen the window it guards.
    private struct Version: Equatable {
        var inode: UInt, size: Int, seconds: Int, nanoseconds: Int
        init(_ info: stat) {
            inode = UInt(info.st_ino)
            size = Int(info.st_size)
            seconds = Int(info.st_mtim.tv_sec)
            nanoseconds = Int(info.st_mtim.tv_nsec)
        }
        static func of(fd: Int32) -> Version? {
            var info = stat()
            return fstat(fd, &info) == 0 ? Version(info) : nil
        }
        static func of(path: String) -> Version? {
            var info = stat()
            return stat(path, &info) == 0 ? Version(info) : nil
        }
    }

    /// Replaces the content of `path` (through any symlinks) with `bytes`, if it still holds `original`.
    static func replace(path: String, expecting original: [UInt8], with bytes: [UInt8]) -> Outcome {
        // The file the links lead to: links stay links, and the directory is the target's.
        guard let resolved = realpath(path, nil) else { return .refused("it can no longer be found") }
        let real = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(real, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .refused("it is no longer a regular file")
        }
        // What an editor asks before writing: may this user write this file? (Renaming over it
        // only needs the directory, which would let anyone with a writable directory "edit" it.)
        if access(real, W_OK) != 0 {
            return .refused("you do not have permission to write it")
        }
        guard holds(path: real, original) else { return .changedOnDisk }
        if info.st_nlink == 1, let outcome = replaceByRename(real: real, info: info, expecting: original, with: bytes) {
            return outcome
        }
        return rewriteInPlace(real: real, expecting: original, with: bytes)
    }

    /// Whether the file at `path` holds exactly `expected` now.
    static func holds(path: String, _ expected: [UInt8]) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return holds(fd: fd, expected)
    }

    /// Reads `fd` from offset 0 to its end and compares with `expected`, without keeping a second copy.
    static func holds(fd: Int32, _ expected: [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            if count == 0 { return offset == expected.count }
            guard offset + count <= expected.count,
                  chunk.withUnsafeBufferPointer({ got in
                      expected.withUnsafeBufferPointer { memcmp(got.baseAddress!, $0.baseAddress! + offset, count) == 0 }
                  }) else { return false }
            offset += count
        }
    }

    /// The temporary-file-and-rename path; nil when it cannot keep the file's identity (then the
    /// caller rewrites in place).
    private static func replaceByRename(real: String, info: stat, expecting original: [UInt8],
                                        with bytes: [UInt8]) -> Outcome? {
        let directory = PathString.deletingLastComponent(real)
        let name = PathString.lastComponent(real)
        let temporary = PathString.appending(directory.isEmpty ? "." : directory,
                                             ".\(name).heaplint-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        // The original stays open: after the rename its inode is no longer at the path, but a write
        // that reached it in the last instant still shows in its size and mtime.
        let originalFd = open(real, O_RDONLY)
        guard originalFd >= 0 else { return .refused("it could not be opened") }
        defer { close(originalFd) }
        // The content is compared once more below, after this version was taken.
        guard let checked = Version.of(fd: originalFd) else { return .changedOnDisk }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return nil }  // e.g. a read-only directory holding a writable file
        var keep = false
        defer {
            close(fd)
            if !keep { unlink(temporary) }
        }
        // Owner and group first (chown clears set-id bits), then the mode, then the attributes.
        guard fchown(fd, info.st_uid, info.st_gid) == 0, fchmod(fd, info.st_mode & 0o7777) == 0,
              copyExtendedAttributes(from: real, to: fd) else { return nil }
        guard writeAll(fd: fd, bytes, at: 0), fsync(fd) == 0 else { return .refused("writing a temporary copy failed") }
        // The last looks before the rename: a save by another program during the run is kept. The
        // content comparison takes time on a big file, so the cheap one (same inode at the path,
        // same size and mtime as when the content was checked) comes after it, right before rename.
        guard holds(fd: originalFd, original), Version.of(fd: originalFd) == checked,
              Version.of(path: real) == checked else { return .changedOnDisk }
        guard rename(temporary, real) == 0 else { return .refused("the new version could not replace it") }
        keep = true
        // What remains: a write to the original between that look and the rename is lost with the
        // old inode. It cannot be prevented without the writer's cooperation, but it can be seen.
        return Version.of(fd: originalFd) == checked ? .replaced : .changedDuringFix
    }

    /// Rewrites the file through its own inode: hard links, owner and attributes stay as they are.
    private static func rewriteInPlace(real: String, expecting original: [UInt8], with bytes: [UInt8]) -> Outcome {
        let fd = open(real, O_RDWR)
        guard fd >= 0 else { return .refused("it could not be opened for writing") }
        defer { close(fd) }
        guard holds(fd: fd, original) else { return .changedOnDisk }
        guard writeAll(fd: fd, bytes, at: 0) else {
            return .refused("writing it failed part way; it may be incomplete")
        }
        // Our own write moves the mtime, so only the size can tell another writer apart here: an
        // append since the check makes the file longer than the longer of the two versions.
        guard Version.of(fd: fd)?.size == max(original.count, bytes.count) else { return .changedDuringFix }
        guard ftruncate(fd, off_t(bytes.count)) == 0, fsync(fd) == 0 else {
            return .refused("writing it failed part way; it may be incomplete")
        }
        return Version.of(fd: fd)?.size == bytes.count ? .replaced : .changedDuringFix
    }

    private static func writeAll(fd: Int32, _ bytes: [UInt8], at start: Int) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(start + written))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                written += n
            }
            return true
        }
    }

    // The xattr calls are not in Swift's Glibc module; libc has them, so they are looked up once.
    private typealias ListFunction = @convention(c) (UnsafePointer<CChar>, UnsafeMutablePointer<CChar>?, Int) -> Int
    private typealias GetFunction = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    private typealias SetFunction = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32
    private static let xattr: (list: ListFunction, get: GetFunction, set: SetFunction)? = {
        guard let list = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "listxattr"),
              let get = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getxattr"),
              let set = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fsetxattr") else { return nil }
        return (unsafeBitCast(list, to: ListFunction.self), unsafeBitCast(get, to: GetFunction.self),
                unsafeBitCast(set, to: SetFunction.self))
    }()

    /// Copies every extended attribute (ACLs and SELinux labels among them) of `path` to `fd`;
    /// false when one cannot be copied, so the caller keeps the original inode instead.
    private static func copyExtendedAttributes(from path: String, to fd: Int32) -> Bool {
        guard let (listxattr, getxattr, fsetxattr) = xattr else { return false }
        let size = listxattr(path, nil, 0)
        if size < 0 { return errno == ENOTSUP }  // no attributes on this file system: nothing to lose
        if size == 0 { return true }
        var names = [CChar](repeating: 0, count: size)
        let listed = listxattr(path, &names, size)
        guard listed >= 0 else { return false }
        var start = 0
        while start < listed {
            let name = names.withUnsafeBufferPointer { String(cString: $0.baseAddress! + start) }
            start += name.utf8.count + 1
            let valueSize = getxattr(path, name, nil, 0)
            guard valueSize >= 0 else { return false }
            var value = [UInt8](repeating: 0, count: max(1, valueSize))
            let got = getxattr(path, name, &value, valueSize)
            guard got >= 0, fsetxattr(fd, name, value, got, 0) == 0 else { return false }
        }
        return true
    }
}
