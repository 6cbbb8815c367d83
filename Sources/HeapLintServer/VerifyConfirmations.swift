#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapLintKit
import LSPProtocol

/// The findings a `heaplint verify --write-report` run confirmed (`.heaplint_cache/verify.json`), for
/// the server to mark in the diagnostics it pushes: a suffix on the message and a related-information
/// entry pointing at the report with the reference path seen at run time. Each report file is read
/// again only when its modification time or size changes, so a publish costs one `stat`.
struct VerifyConfirmations {
    private struct Loaded {
        let stamp: [Int]
        /// By file (absolute, symlinks resolved), then by code and 1-based row.
        let byFile: [String: [VerifyReportFile.Confirmation]]
    }

    private var reports: [String: Loaded] = [:]

    static let messageSuffix = " (confirmed at run time by heaplint verify)"

    /// `items` of the document at `path`, those the report confirms marked.
    mutating func mark(_ items: [LSPDiagnostic], path: String, configuration: Configuration) -> [LSPDiagnostic] {
        let reportPath = VerifyReportFile.path(configuration: configuration)
        guard let loaded = load(reportPath),
              let confirmations = loaded.byFile[VerifyMatcher.realPath(path)], !confirmations.isEmpty else { return items }
        let reportURI = URL(fileURLWithPath: reportPath).absoluteString
        return items.map { item in
            // The code and the line: the report's column counts as `check` prints it, the LSP's in
            // UTF-16 units, and one rule reports at most one finding of a code per line that matters here.
            guard let hit = confirmations.first(where: { $0.code == item.code && $0.row == item.range.start.line + 1 })
            else { return item }
            var marked = item
            marked.message += Self.messageSuffix
            let start = Position(line: 0, character: 0)
            let note = "confirmed at run time by heaplint verify" + (hit.summary.isEmpty ? "" : ": " + hit.summary)
            marked.relatedInformation = (item.relatedInformation ?? []) + [DiagnosticRelatedInformation(
                location: Location(uri: reportURI, range: LSPRange(start: start, end: start)), message: note)]
            return marked
        }
    }

    private mutating func load(_ reportPath: String) -> Loaded? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: reportPath) else {
            reports[reportPath] = nil
            return nil
        }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? Int) ?? (attributes[.size] as? UInt64).map { Int($0) } ?? -1
        let stamp = [Int(modified * 1000), size]
        if let loaded = reports[reportPath], loaded.stamp == stamp { return loaded }
        guard let data = FileManager.default.contents(atPath: reportPath),
              let confirmations = VerifyReportFile.confirmations(json: data) else {
            reports[reportPath] = Loaded(stamp: stamp, byFile: [:])  // not a verify report: nothing to mark
            return reports[reportPath]
        }
        let loaded = Loaded(stamp: stamp, byFile: Dictionary(grouping: confirmations, by: \.file))
        reports[reportPath] = loaded
        return loaded
    }
}
