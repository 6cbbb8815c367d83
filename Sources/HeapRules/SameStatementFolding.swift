import HeapModel

/// One finding per cycle across rules: `errors[addr] = e` with `errors` a local is one cycle —
/// frame → `f_locals[errors]` → dict → exception → `__traceback__` → traceback → the same frame — that
/// HL106 (a caught exception stored on an object a local reaches) and HL103 (a local keeping a container
/// that holds the exception) both describe, at the same statement. Run on the findings of the selected
/// rules only, so with HL106 deselected HL103 still reports it.
public enum SameStatementFolding {
    /// `findings` without an HL103 local-container finding that starts where an HL106 finding does; the
    /// HL106 finding names it as a related location.
    public static func folded(_ findings: [Finding]) -> [Finding] {
        let stored = Dictionary(findings.enumerated().filter { $0.element.code == ExceptionStoredOnObject.metadata.code }
            .map { ($0.element.range.start, $0.offset) }, uniquingKeysWith: { first, _ in first })
        guard !stored.isEmpty else { return findings }
        var result = findings
        var dropped = Set<Int>()
        for (index, finding) in findings.enumerated() where finding.code == FrameKeptInLocal.metadata.code {
            guard let target = stored[finding.range.start], var explanation = result[target].explanation,
                  let line = finding.explanation?.path.compactMap(\.line).first else { continue }
            explanation.alsoClosedAt.append(ClosingSite(site: finding.range, line: line,
                                                        summary: "the same cycle through the local, HL103"))
            let host = result[target]
            result[target] = Finding(code: host.code, range: host.range, message: host.message, severity: host.severity,
                                     explanation: explanation, fix: host.fix)
            dropped.insert(index)
        }
        return result.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }
}
