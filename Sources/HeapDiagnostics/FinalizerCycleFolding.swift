import HeapModel
import HeapRules

/// One finding per cycle across the cycle and finalizer families: HL201 reports a `__del__` whose
/// instances lie on a cycle, with that cycle's reference path, and the HL1 rule that found the cycle
/// reports the same path at its closing statement. They are one problem (one set of objects and slots that
/// only the cyclic collector frees), so the HL1 finding is folded into the HL201 one as a related location
/// (`also closed at`, JSON `also_closed_at`, SARIF `relatedLocations`, LSP `relatedInformation`).
///
/// HL201 is the primary finding because it says strictly more: besides the cycle that reference counting
/// cannot free, CPython runs the finalizer only when the cyclic collector reaches the cycle (PEP 442: late,
/// in undefined order within the cycle, never while `gc` is disabled), so the resources `__del__` releases
/// are held for as long as the garbage is. The HL1 finding adds nothing to that but its line, which the
/// related location keeps.
///
/// Runs on diagnostics after `# noqa` suppression, so a suppressed HL201 never takes an HL1 finding with
/// it, and a `# noqa: HL101` on the closing line is still used.
public enum FinalizerCycleFolding {
    public static let finalizerCode = FinalizerInCycle.metadata.code

    /// `diagnostics` (one file's) without each HL1 finding whose reference path is the path of an HL201
    /// finding; that HL201 finding lists it, and the statements already folded into it, as related locations.
    ///
    /// Kept apart: an HL1 finding with a fix (folding would hide the fix from `--fix`), and pairs that the
    /// default output grades differently (one shown, one left out as once per process), since folding would
    /// then hide a shown finding or show a hidden one.
    public static func folded(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        let hosts = diagnostics.indices.filter {
            diagnostics[$0].code == finalizerCode && !(diagnostics[$0].explanation?.path.isEmpty ?? true)
        }
        guard !hosts.isEmpty else { return diagnostics }
        var result = diagnostics
        var dropped = Set<Int>()
        for (index, candidate) in diagnostics.enumerated()
        where candidate.code.hasPrefix(RuleFamily.referenceCycles.codePrefix) && candidate.fix == nil {
            guard let cycle = candidate.explanation, !cycle.path.isEmpty else { continue }
            guard let host = hosts.first(where: { host in
                guard let explanation = result[host].explanation else { return false }
                return explanation.path == cycle.path && sameVisibility(explanation.lifetime, cycle.lifetime)
            }), var explanation = result[host].explanation else { continue }
            // The cycle's own other closing statements are already on the HL201 finding (it carries the
            // cycle's explanation); add only the HL1 finding's line and any it has that are missing.
            let site = ClosingSite(site: candidate.finding.range, line: candidate.row,
                                   summary: "the same cycle, \(candidate.code)")
            for other in [site] + cycle.alsoClosedAt where !explanation.alsoClosedAt.contains(where: { $0.site == other.site }) {
                explanation.alsoClosedAt.append(other)
            }
            let primary = result[host].finding
            let merged = Finding(code: primary.code, range: primary.range, message: primary.message,
                                 severity: primary.severity, explanation: explanation, fix: primary.fix)
            result[host] = result[host].replacingFinding(merged)
            dropped.insert(index)
        }
        return result.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    private static func sameVisibility(_ lhs: CycleLifetime?, _ rhs: CycleLifetime?) -> Bool {
        LifetimeGrading.isShown(lifetime: lhs, reportOncePerProcess: false)
            == LifetimeGrading.isShown(lifetime: rhs, reportOncePerProcess: false)
    }
}

extension Diagnostic {
    /// The same place with another finding (same range), e.g. one that gained related locations.
    public func replacingFinding(_ finding: Finding) -> Diagnostic {
        Diagnostic(path: path, finding: finding, start: start, end: end, noqaLine: noqaLine)
    }
}
