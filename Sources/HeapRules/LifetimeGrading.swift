import HeapModel
import HeapSemantics
import HeapSyntax

/// Grades cycle findings (HL1, HL2) by how often the program makes the cycle, and decides which ones the
/// default output shows.
///
/// A cycle costs memory in proportion to how many copies of it are waiting for the collector: one made per
/// call or per instance accumulates between collections (and for ever with `gc.disable()`), one made once
/// per process is a fixed cost that lives until exit anyway. The default output keeps what can accumulate;
/// once-per-process cycles are counted and shown on request (`--report-once-per-process`, `--preview`).
public enum LifetimeGrading {
    /// The families whose findings describe a cycle the program builds.
    public static func grades(code: String) -> Bool {
        code.hasPrefix(RuleFamily.referenceCycles.codePrefix) || code.hasPrefix(RuleFamily.finalizers.codePrefix)
    }

    /// `findings` with a lifetime in the explanation of every cycle finding.
    public static func graded(_ findings: [Finding], semantics: SemanticModel, path: String?) -> [Finding] {
        guard findings.contains(where: { grades(code: $0.code) && $0.explanation != nil }) else { return findings }
        var frequencies = RunFrequencies(semantics: semantics, path: path)
        return findings.map { finding in
            guard grades(code: finding.code), var explanation = finding.explanation, explanation.lifetime == nil else {
                return finding
            }
            explanation.lifetime = lifetime(of: finding, explanation: explanation, frequencies: &frequencies)
            return Finding(code: finding.code, range: finding.range, message: finding.message, severity: finding.severity,
                           explanation: explanation, fix: finding.fix)
        }
    }

    /// The lifetime at the finding's statement, unless that runs once and another statement of the cycle
    /// (a step of the reference path, another closing statement) runs more often: the cycle exists only once
    /// all its references do, but a finding placed on a class or a `def` (HL2) says nothing about when the
    /// references are made, and a wrong "once" would hide a leak, so any repeated step makes it repeated.
    static func lifetime(of finding: Finding, explanation: HeapExplanation,
                         frequencies: inout RunFrequencies) -> CycleLifetime {
        let own = frequencies.lifetime(ofCycleClosedAt: finding.range.start)
        guard own.kind.isHiddenByDefault else { return own }
        let sites = explanation.path.compactMap { $0.site?.start } + explanation.alsoClosedAt.map(\.site.start)
        for site in sites where site != finding.range.start {
            let other = frequencies.lifetime(ofCycleClosedAt: site)
            if !other.kind.isHiddenByDefault { return other }
        }
        return own
    }

    /// Whether a finding belongs in the default output: everything except once-per-process and test-support
    /// cycles, unless the user asked for them.
    public static func isShown(lifetime: CycleLifetime?, reportOncePerProcess: Bool) -> Bool {
        reportOncePerProcess || !(lifetime?.kind.isHiddenByDefault ?? false)
    }
}
