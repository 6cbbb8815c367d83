/// The CPython version whose heap heaplint models (`--target-version py311`). Object sizes and some
/// collector behaviour differ between versions. The `t` versions are the free-threaded builds
/// (PEP 703, `python3.13t`), whose cyclic collector works differently (see `CPythonCollector`).
public enum TargetVersion: String, Sendable, CaseIterable, Comparable, Codable {
    case py38, py39, py310, py311, py312, py313, py313t, py314, py314t

    public static let `default` = TargetVersion.py311

    /// 13 for `py313` and `py313t`.
    public var minor: Int { Int(rawValue.dropFirst(3).filter(\.isNumber)) ?? 11 }
    /// A free-threaded (`--disable-gil`) build: no GIL, and a collector without generations.
    public var isFreeThreaded: Bool { rawValue.hasSuffix("t") }
    public var displayName: String { isFreeThreaded ? "free-threaded CPython 3.\(minor)" : "CPython 3.\(minor)" }

    /// The target for an interpreter `3.minor` (free-threaded or not), nil when heaplint has none for it.
    public init?(minor: Int, freeThreaded: Bool) {
        self.init(rawValue: "py3\(minor)" + (freeThreaded ? "t" : ""))
    }

    /// By minor version, a version's free-threaded build after its default build.
    public static func < (lhs: TargetVersion, rhs: TargetVersion) -> Bool {
        (lhs.minor, lhs.isFreeThreaded ? 1 : 0) < (rhs.minor, rhs.isFreeThreaded ? 1 : 0)
    }
}
