#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// Where `heaplint verify --write-report` leaves its JSON report (`verify.json` in the project's cache
/// directory) and what the language server reads back from it: the findings the run confirmed.
public enum VerifyReportFile {
    public static let name = "verify.json"

    public static func path(configuration: Configuration) -> String {
        PathString.appending(configuration.cacheDirectory, name)
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes the report atomically, creating the cache directory with heaplint's `.gitignore` marker (so
    /// git ignores it and `heaplint clean` recognises it). Refused where the cache itself is refused.
    public static func write(_ json: String, configuration: Configuration) -> Result<String, WriteError> {
        if let refusal = configuration.cacheDirectoryRefusal {
            return .failure(WriteError(description: "verify report not written: \(refusal)"))
        }
        let directory = configuration.cacheDirectory
        let file = path(configuration: configuration)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let marker = PathString.appending(directory, ".gitignore")
            if !FileManager.default.fileExists(atPath: marker) {
                try? CacheCleaning.gitignoreText.write(toFile: marker, atomically: true, encoding: .utf8)
            }
            try Data(json.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            return .success(file)
        } catch {
            return .failure(WriteError(description: "verify report not written to \(file): \(error)"))
        }
    }

    /// One confirmed finding of a report: where `check` put it, its code, and the run-time path that
    /// confirmed it.
    public struct Confirmation: Hashable, Sendable {
        /// Absolute, symlinks resolved.
        public let file: String
        public let code: String
        /// 1-based, as in `check`'s JSON.
        public let row: Int
        public let column: Int
        public let summary: String
    }

    /// The confirmed findings of a report's JSON text; nil when it is not a verify report.
    public static func confirmations(json data: Data) -> [Confirmation]? {
        guard let object = (try? JSONText.parse(data)) as? [String: Any],
              let confirmed = object["confirmed"] as? [[String: Any]] else { return nil }
        return confirmed.compactMap { item in
            guard let file = item["filename"] as? String, let code = item["code"] as? String,
                  let location = item["location"] as? [String: Any],
                  let row = location["row"] as? Int, let column = location["column"] as? Int else { return nil }
            let cycles = item["cycles"] as? [[String: Any]] ?? []
            let summary = cycles.compactMap { $0["summary"] as? String }.first ?? ""
            return Confirmation(file: VerifyMatcher.realPath(file), code: code, row: row, column: column,
                                summary: summary)
        }
    }
}
