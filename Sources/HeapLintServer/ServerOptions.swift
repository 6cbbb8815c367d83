#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapSyntax

/// Tunables that are not user settings (tests and the benchmark change them).
public struct ServerOptions: Sendable {
    /// Quiet time after an edit before diagnostics are computed and pushed. Edits that arrive while an
    /// analysis runs are coalesced into the next one whatever this is, so typing never queues work.
    public var debounce: Duration = .zero
    /// Larger documents are kept in sync but not analysed (a 50 MB generated file would take seconds).
    public var maxFileBytes: Int = 10_000_000
    /// Files scanned by one `workspace/diagnostic`.
    public var maxWorkspaceFiles: Int = 20_000
    /// Bounds every parse of a document or workspace file (HEAPLINT_PARSE_TIMEOUT), so one document in
    /// a shape tree-sitter's error recovery takes minutes on cannot freeze the server.
    public var parseBudget: ParseBudget = .standard

    public init() {}
}
