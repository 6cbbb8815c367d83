import HeapSemantics

/// Byte arithmetic for whole collections: what building a list, set or dict of `n` items costs on a
/// CPython version. The only place heaplint multiplies object sizes; every HL3xx/HL4xx estimate
/// comes from here. Numbers are the 3.11 measurements in shared/heap-facts.md (tracemalloc peaks,
/// i.e. what pymalloc really hands out: a 28-byte int takes a 32-byte block).
public enum CollectionSizes {
    public enum Container: Sendable {
        /// A list grown item by item (comprehension, append): over-allocated by ~1/8.
        case grownList
        /// A list built at its final size (`list(range(n))`, `readlines()` grows too but close enough).
        case exactList
        case set
        case dict

        public var name: String {
            switch self {
            case .grownList, .exactList: "list"
            case .set: "set"
            case .dict: "dict"
            }
        }
    }

    /// Allocated bytes of one element object that the collection owns (0 for shared singletons).
    public static func elementBytes(_ shape: ElementShape, version: TargetVersion) -> Int? {
        switch shape {
        case .sharedConstant: 0
        case .int(let magnitude):
            // 28 B up to 2**30, 32 B up to 2**60, rounded up to pymalloc's 16-byte size classes.
            (magnitude ?? 0) < (1 << 30) ? 32 : 48
        case .float: 32
        case .string: 64 // a short ASCII str: 49 + ~10 chars
        case .tuple(let count): roundToBlock(40 + 8 * count)
        case .object: nil
        }
    }

    /// Bytes of the container's own storage for `count` items (pointer slots, hash tables).
    public static func containerBytes(_ container: Container, count: Int, version: TargetVersion) -> Int {
        switch container {
        case .grownList: return 56 + Int(Double(8 * count) * 1.125)
        case .exactList: return 56 + 8 * count
        case .set:
            // The table keeps at most 60% of its slots filled; each slot holds a hash and a pointer.
            var slots = 8
            while slots * 3 < count * 5 { slots *= 2 }
            return 200 + 16 * slots
        case .dict:
            // Compact dict: 1/2/4/8-byte indices plus 24-byte entries, two thirds of the index usable.
            var indices = 8
            while indices * 2 < count * 3 { indices *= 2 }
            let indexWidth = indices <= 128 ? 1 : indices <= 1 << 15 ? 2 : indices <= 1 << 31 ? 4 : 8
            return 64 + indices * indexWidth + (indices * 2 / 3) * 24
        }
    }

    /// The estimate for building a collection of `size` items shaped `shape`. Unbounded sizes give
    /// a lower bound of the empty container and no upper bound.
    public static func estimate(_ container: Container, size: IterableSize, shape: ElementShape,
                                version: TargetVersion) -> ByteEstimate {
        let noun = shape.pluralNoun
        guard let count = size.upperCount else {
            let source: String
            if case .unbounded(let described) = size { source = described } else { source = "its input" }
            return ByteEstimate(lowerBytes: containerBytes(container, count: 0, version: version), upperBytes: nil,
                                version: version, basis: "a \(container.name) with an item for each of \(source)")
        }
        let perElement = elementBytes(shape, version: version) ?? 0
        let (elements, overflow) = perElement.multipliedReportingOverflow(by: count)
        let total = overflow ? Int.max : containerBytes(container, count: count, version: version) + elements
        let qualifier: String
        if case .atMost = size { qualifier = "up to " } else { qualifier = "~" }
        let items = elementBytes(shape, version: version) == nil ? " (plus the items themselves)" : ""
        let lower: Int
        if case .atMost = size { lower = containerBytes(container, count: 0, version: version) } else { lower = total }
        return ByteEstimate(lowerBytes: lower, upperBytes: total, version: version,
                            basis: "\(container.name) of \(qualifier)\(formatCount(count)) \(noun)\(items)")
    }

    /// What the lazy alternative keeps alive while it runs: one generator object and its frame.
    public static func generatorBytes(version: TargetVersion) -> Int { 200 }

    /// Bytes a bound instance with a one-attribute `__dict__` takes (what a cache entry pins at least).
    public static func instanceBytes(version: TargetVersion) -> Int { 56 + 288 }

    /// One lru_cache entry: the link list node (a list of 4), the key tuple, the dict slot.
    public static func cacheEntryBytes(version: TargetVersion) -> Int { 88 + 56 + 48 + 24 }

    /// `10000000` → `10,000,000`.
    public static func formatCount(_ count: Int) -> String {
        let digits = String(count)
        var result = ""
        for (i, character) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    static func roundToBlock(_ bytes: Int) -> Int { (bytes + 15) / 16 * 16 }
}
