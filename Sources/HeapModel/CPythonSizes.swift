/// Object sizes from `../shared/heap-facts.md` (CPython 3.11.7, 64-bit, `sys.getsizeof`), and how
/// they are carried to other versions: `sizes(for:)` adds what `scripts/measure_sizes.py` measured
/// differently on that version (`MeasuredSizes`); a version without a measured row keeps the 3.11
/// numbers, widened by 25 % each way, and the basis says so.
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

    /// The sizes to use for `version`.
    public static func sizes(for version: TargetVersion) -> VersionSizes { VersionSizes(version: version) }

    /// The bytes the objects on a cycle occupy themselves (not what else they keep alive).
    public static func estimate(objects: [AbstractObject], version: TargetVersion) -> ByteEstimate {
        let sizes = sizes(for: version)
        let instanceWithDict = sizes.instanceWithDict
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
                case "list", "deque": range = sizes.emptyList ... sizes.emptyList + 8 * 16
                case "tuple": range = sizes.tuple(items: 1) ... sizes.tuple(items: 8)
                case "set", "WeakSet": range = sizes.emptySet ... sizes.set10
                default: range = sizes.emptyDict ... sizes.dict10
                }
                counts[kind, default: 0] += 1
            case .callable(let kind):
                switch kind {
                case .boundMethod: range = sizes.boundMethod ... sizes.boundMethod
                case .lambda, .nestedFunction: range = sizes.function + sizes.cell ... sizes.function + 4 * sizes.cell
                case .partial: range = sizes.partial ... sizes.partial + 64
                case .thread, .timer: range = instanceWithDict
                }
                counts[kind.rawValue, default: 0] += 1
            }
            lower += range.lowerBound
            upper += range.upperBound
        }
        var basis = counts.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
        basis += ", not counting what they refer to"
        sizes.finish(lower: &lower, upper: &upper, basis: &basis)
        return ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis)
    }
}

/// `CPythonSizes` for one target version. 3.11 is the reference (heap-facts.md); another version with a
/// row in `MeasuredSizes` gets each size moved by the difference the script measured between that row
/// and 3.11's (same objects made the same way, so the difference is the version's, not the method's);
/// a version without a row gets the reference, which `finish` widens ±25 %.
public struct VersionSizes: Sendable {
    public let version: TargetVersion
    /// True when sizes for `version` come from measurements (3.11's own, or a measured row).
    public let measured: Bool
    private let delta: [String: Int]

    init(version: TargetVersion) {
        self.version = version
        let key = "3.\(version.minor)" + (version.isFreeThreaded ? "t" : "")
        if version == .py311 {
            measured = true
            delta = [:]
        } else if let row = MeasuredSizes.rows[key], let reference = MeasuredSizes.rows["3.11"] {
            measured = true
            delta = row.reduce(into: [:]) { result, entry in
                if let base = reference[entry.key] { result[entry.key] = entry.value - base }
            }
        } else {
            measured = false
            delta = [:]
        }
    }

    private func adjusted(_ bytes: Int, _ key: String) -> Int { bytes + (delta[key] ?? 0) }

    public var instanceWithDict: ClosedRange<Int> {
        let instance = adjusted(0, "instance")
        let lower = instance + adjusted(CPythonSizes.instanceWithDict.lowerBound, "instance_dict_min")
        let upper = instance + adjusted(CPythonSizes.instanceWithDict.upperBound, "instance_dict_max")
        return min(lower, upper) ... max(lower, upper)
    }
    public func slottedInstance(slots: Int) -> Int { adjusted(CPythonSizes.slottedInstance(slots: slots), "slotted_2") }
    public var emptyList: Int { adjusted(CPythonSizes.emptyList, "list") }
    public var emptyDict: Int { adjusted(CPythonSizes.emptyDict, "dict") }
    /// A dict of about ten items: the upper end for a container of unknown size on a cycle.
    public var dict10: Int { adjusted(352, "dict_10") }
    public var emptySet: Int { adjusted(CPythonSizes.emptySet, "set") }
    public var set10: Int { adjusted(728, "set_10") }
    public func tuple(items: Int) -> Int { adjusted(CPythonSizes.tuple(items: items), "tuple_1") }
    public var function: Int { adjusted(CPythonSizes.function, "function") }
    public var boundMethod: Int { adjusted(CPythonSizes.boundMethod, "bound_method") }
    public var partial: Int { adjusted(CPythonSizes.partial, "partial") }
    public var cell: Int { adjusted(CPythonSizes.cell, "cell") }
    public var exception: Int { adjusted(CPythonSizes.exception, "exception") }
    public var traceback: Int { adjusted(CPythonSizes.traceback, "traceback") }
    public var frame: Int { adjusted(CPythonSizes.frame, "frame") }
    public var generator: Int { adjusted(CPythonSizes.generator, "generator") }
    /// How much bigger (or smaller) a class object is than on 3.11.
    public var classObjectDelta: Int { delta["class"] ?? 0 }

    /// Says where the bytes come from: nothing to add for 3.11, the measured version for a measured
    /// row, and for an unmeasured version the ±25 % widening of the 3.11 numbers.
    public func finish(lower: inout Int, upper: inout Int, basis: inout String) {
        if version == .py311 { return }
        if measured {
            basis += "; sizes measured on \(version.displayName)"
            return
        }
        lower = lower * 3 / 4
        upper = upper * 5 / 4
        basis += "; sizes measured on CPython 3.11, widened ±25 % for \(version.displayName) (not measured)"
    }
}
