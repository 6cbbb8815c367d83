// HeapPortable: the few Foundation services heaplint needs beyond FoundationEssentials, written here so
// the release binary links neither Foundation nor its ICU data (issue 27). Nothing here imports Foundation.
// The C library is re-exported, as Foundation re-exported it, so files that imported Foundation for `sin`,
// `stat` or `isatty` keep them.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Darwin)
@_exported import Darwin
#endif

/// A mutual-exclusion lock (what `NSLock` gave): `lock()`/`unlock()` or `withLock`.
public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Runs `body` on a new detached thread of its own (what `Thread { … }.start()` gave): for blocking reads
/// that must not occupy Swift's cooperative pool.
public func startDetachedThread(stackSize: Int = 0, _ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
    var thread: pthread_t? = nil
    #else
    var thread = pthread_t()
    #endif
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    if stackSize > 0 { pthread_attr_setstacksize(&attributes, stackSize) }
    let started = pthread_create(&thread, &attributes, { raw in
        #if canImport(Darwin)
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        #else
        let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        #endif
        box.body()
        return nil
    }, context)
    if started == 0 {
        #if canImport(Darwin)
        if let thread { pthread_detach(thread) }
        #else
        pthread_detach(thread)
        #endif
    } else {
        // No thread: run the work here rather than lose it.
        Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
    }
}

/// Sleeps the calling thread (what `Thread.sleep(forTimeInterval:)` gave).
public func sleepSeconds(_ seconds: Double) {
    guard seconds > 0 else { return }
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var left = timespec()
    while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
}

/// Unbuffered writes to the standard streams and reading all of standard input (what `FileHandle.standard…`
/// gave). Writes loop over short writes and EINTR.
public enum StandardStream {
    public static func writeOutput<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 { write(fd: 1, Array(bytes)) }
    public static func writeError<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 { write(fd: 2, Array(bytes)) }
    public static func writeOutput(_ text: String) { write(fd: 1, Array(text.utf8)) }
    public static func writeError(_ text: String) { write(fd: 2, Array(text.utf8)) }

    public static func readInputToEnd() -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    private static func write(fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                #if canImport(Darwin)
                Darwin.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}
