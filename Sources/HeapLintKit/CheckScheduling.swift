#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// Hands out 0, 1, 2, ... to concurrent workers.
final class WorkCounter: @unchecked Sendable {
    private let lock = Lock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Per-index result slots filled from `concurrentPerform` workers.
final class ResultBox: @unchecked Sendable {
    private var slots: [FileResult?]
    private let lock = Lock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: FileResult) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [FileResult] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
    var optionalValues: [FileResult?] { lock.lock(); defer { lock.unlock() }; return slots }
}

final class HashBox: @unchecked Sendable {
    private var slots: [String?]
    private let lock = Lock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: String) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [String?] { lock.lock(); defer { lock.unlock() }; return slots }
}
