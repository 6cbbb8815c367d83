/// The CPython version whose heap heaplint models (`--target-version py311`). Object sizes and some
/// collector behaviour differ between versions.
public enum TargetVersion: String, Sendable, CaseIterable, Comparable, Codable {
    case py38, py39, py310, py311, py312, py313, py314

    public static let `default` = TargetVersion.py311

    public var minor: Int { Int(rawValue.dropFirst(3)) ?? 11 }
    public var displayName: String { "CPython 3.\(minor)" }

    public static func < (lhs: TargetVersion, rhs: TargetVersion) -> Bool { lhs.minor < rhs.minor }
}
