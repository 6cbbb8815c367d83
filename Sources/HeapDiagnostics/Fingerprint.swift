import HeapSyntax

/// Fingerprints that identify a finding across commits (SARIF `partialFingerprints`, GitLab
/// `fingerprint`). They hash the rule code, the file path and the flagged line(s) with whitespace
/// collapsed, plus the finding's index among findings with the same hash input, so that inserting or
/// moving unrelated lines (which changes line numbers) leaves them unchanged. Editing the flagged line
/// itself, renaming the file or adding an identical finding above it changes them.
struct Fingerprints {
    /// Our own key; GitHub computes its `primaryLocationLineHash` itself.
    static let sarifKey = "heaplintFingerprint/v1"

    private let values: [String]

    init(_ report: DiagnosticReport) {
        var seen: [String: Int] = [:]
        values = report.diagnostics.map { d in
            var flagged = ""
            if let source = report.source(of: d), source.byteCount > 0 {
                flagged = (d.start.line...max(d.start.line, d.end.line)).map { source.lineText($0) }
                    .joined(separator: "\n")
            }
            let normalized = flagged.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            let key = "\(d.code)\u{0}\(d.path)\u{0}\(normalized)"
            let occurrence = seen[key, default: 0]
            seen[key] = occurrence + 1
            return Self.hash("\(key)\u{0}\(occurrence)")
        }
    }

    subscript(index: Int) -> String { values[index] }

    /// 128 bits from two FNV-1a 64 passes with different offset bases, as 32 hex digits. Swift's
    /// `Hasher` is seeded per process, so it cannot be used for anything that must persist.
    static func hash(_ text: String) -> String {
        func fnv1a(_ basis: UInt64) -> UInt64 {
            var h = basis
            for byte in text.utf8 {
                h ^= UInt64(byte)
                h = h &* 0x0000_0100_0000_01B3
            }
            return h
        }
        let hex = { (v: UInt64) -> String in
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(fnv1a(0xcbf2_9ce4_8422_2325)) + hex(fnv1a(0x6c62_272e_07bb_0142))
    }
}
