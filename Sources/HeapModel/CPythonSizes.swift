/// Object sizes from `../shared/heap-facts.md` (CPython 3.11.7, 64-bit, `sys.getsizeof`), and how
/// they are carried to other versions. Only 3.11 is measured; for every other version the same
/// numbers are used with a range widened by 25 % each way and the basis says so.
public enum CPythonSizes {
    /// Instance of a plain class: 56 B object plus its `__dict__` (240–296 B for 1–7 attributes in
    /// 3.11, key-sharing dicts).
    public static let instanceWithDict = 56 + 240 ... 56 + 296
    /// `__slots__` instance: 32 B + 8 B per slot (48 B with 2 slots).
    public static func slottedInstance(slots: Int) -> Int { 32 + 8 * slots }
    public static let emptyList = 56
    public static let emptyDict = 64
    public static let emptySet = 216
    public static func tuple(items: Int) -> Int { 40 + 8 * items }
    public static let function = 152
    public static let boundMethod = 48
    public static let partial = 80
    public static let cell = 40
    public static let exception = 88
    public static let traceback = 56
    /// A frame object; its locals are extra (176 B measured for a small function).
    public static let frame = 176
    /// A generator object with its embedded frame (176 B with no locals, 184 B with one).
    public static let generator = 184

    /// The bytes the objects on a cycle occupy themselves (not what else they keep alive).
    public static func estimate(objects: [AbstractObject], version: TargetVersion) -> ByteEstimate {
        var lower = 0
        var upper = 0
        var counts: [String: Int] = [:]
        for object in objects {
            let range: ClosedRange<Int>
            switch object.kind {
            case .instance:
                range = instanceWithDict
                counts["instance with __dict__", default: 0] += 1
            case .container(let kind):
                switch kind {
                case "list", "deque": range = emptyList ... emptyList + 8 * 16
                case "tuple": range = tuple(items: 1) ... tuple(items: 8)
                case "set", "WeakSet": range = emptySet ... 728
                default: range = emptyDict ... 352
                }
                counts[kind, default: 0] += 1
            case .callable(let kind):
                switch kind {
                case .boundMethod: range = boundMethod ... boundMethod
                case .lambda, .nestedFunction: range = function + cell ... function + 4 * cell
                case .partial: range = partial ... partial + 64
                case .thread, .timer: range = instanceWithDict
                }
                counts[kind.rawValue, default: 0] += 1
            }
            lower += range.lowerBound
            upper += range.upperBound
        }
        var basis = counts.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
        basis += ", not counting what they refer to"
        if version != .py311 {
            lower = lower * 3 / 4
            upper = upper * 5 / 4
            basis += "; sizes measured on CPython 3.11, widened ±25 % for \(version.displayName) (not measured)"
        }
        return ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis)
    }
}
