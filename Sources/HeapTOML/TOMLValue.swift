/// A parsed TOML 1.0 value. heaplint reads only strings, integers, floats, booleans, arrays and tables of its
/// own configuration; other tools' tables in a pyproject.toml must still parse, so date-times are kept as the
/// text they were written as (validated, never interpreted).
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// An offset date-time, local date-time, local date or local time, exactly as written.
    case dateTime(String)
    case array([TOMLValue])
    case table([String: TOMLValue])

    public var string: String? { if case let .string(value) = self { value } else { nil } }
    public var int: Int? { if case let .integer(value) = self { value } else { nil } }
    public var double: Double? { if case let .float(value) = self { value } else { nil } }
    public var bool: Bool? { if case let .boolean(value) = self { value } else { nil } }
    public var dateTime: String? { if case let .dateTime(value) = self { value } else { nil } }
    public var array: [TOMLValue]? { if case let .array(value) = self { value } else { nil } }
    public var table: [String: TOMLValue]? { if case let .table(value) = self { value } else { nil } }
}

/// Why a text is not TOML, and where: 1-based line and column (the column counts Unicode scalars).
public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
