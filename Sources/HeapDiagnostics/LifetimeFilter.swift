import HeapRules
import HeapSemantics

extension Diagnostic {
    /// `diagnostics` without the cycles made once per process (unless `report` is set), and how many were
    /// left out: the default output shows what accumulates, and says what it left out.
    public static func hidingOncePerProcess(_ diagnostics: [Diagnostic], report: Bool) -> (shown: [Diagnostic], hidden: Int) {
        guard !report else { return (diagnostics, 0) }
        let shown = diagnostics.filter {
            LifetimeGrading.isShown(lifetime: $0.explanation?.lifetime, reportOncePerProcess: false)
        }
        return (shown, diagnostics.count - shown.count)
    }
}
