/// How CPython's cyclic garbage collector frees a cycle on each target version: the "reclaimed by"
/// part of HL1/HL2 explanations. Reference counting is the same everywhere; what differs is when
/// (and at what cost) the collector gets to a cycle:
/// - the default builds up to 3.13, and 3.14.5 on, use the generational collector of `gcmodule.c`
///   (three generations; a cycle is found when the generation it has reached is collected);
/// - CPython 3.14.0–3.14.4 shipped an incremental collector (a young and an old generation, the old one
///   examined a slice per collection), reverted in 3.14.5 after memory regressions: cyclic garbage that
///   survives its first collection waits for the slices to come round, so it is freed later there;
/// - the free-threaded builds (`gc_free_threading.c`) have no generations: every collection stops all
///   threads and scans every object of the heap, so each cycle left for it costs a whole-heap pause.
public enum CPythonCollector {
    /// Why reference counting alone never frees a cycle (every version).
    public static let referenceCountingCannot =
        "Reference counting cannot free it: each object on the cycle keeps the next one's count above zero."

    /// The generational wording. `gc.get_threshold()` is (700, 10, 10) up to 3.12; 3.13 raised the
    /// young generation's threshold to 2000 (measured on 3.13.0).
    static func generational(for version: TargetVersion) -> String {
        let thresholds = version.minor >= 13 ? "(2000, 10, 10)" : "(700, 10, 10)"
        return "Only CPython's cyclic garbage collector reclaims it, when it next collects the generation the cycle has reached "
            + "(thresholds \(thresholds) by default); never while the collector is disabled (gc.disable())."
    }

    static let collectorOnly =
        "Only CPython's cyclic garbage collector reclaims it; never while the collector is disabled (gc.disable())."

    /// The full "reclaimed by" text for a cycle that only the collector frees, on `version`; `detail`
    /// (what else the cycle keeps, how often it is made) goes before the version's note.
    public static func cycleMechanism(for version: TargetVersion, detail: String? = nil) -> String {
        let note = versionNote(for: version)
        return [referenceCountingCannot, note == nil ? generational(for: version) : collectorOnly, detail, note]
            .compactMap { $0 }.joined(separator: " ")
    }

    /// What `version`'s collector does differently from the generational one, in one or two sentences;
    /// nil where the generational description holds.
    public static func versionNote(for version: TargetVersion) -> String? {
        if version.isFreeThreaded {
            return "On \(version.displayName) the collector has no generations: every collection stops all threads "
                + "and scans the whole heap, so cycles left for it cost more there, a pause that grows with everything "
                + "the process holds, not only with the cycle."
        }
        if version == .py314 {
            return "On CPython 3.14.0–3.14.4 the collector is incremental (a young and an old generation, the old one "
                + "examined a slice per collection): a cycle that survives its first collection waits until the slices "
                + "have come round to it, so cyclic garbage is freed later and peak memory is higher than on 3.13; "
                + "3.14.5 went back to the generational collector."
        }
        return nil
    }

    /// `mechanism` with `version`'s note appended: for explanations whose first sentences say something
    /// more specific than `cycleMechanism` (a cycle that breaks when a future completes, a generator frame).
    public static func mechanism(_ mechanism: String, on version: TargetVersion) -> String {
        guard let note = versionNote(for: version) else { return mechanism }
        return mechanism + " " + note
    }

    /// For finalizer findings (HL2), on every target (all are 3.4 or later): PEP 442 lets the collector
    /// free cycles whose objects define `__del__`, so `gc.garbage` no longer collects them. It still
    /// fills with objects of C types that define the legacy `tp_del` slot (the collector cannot order
    /// their finalizers), and with everything unreachable under `gc.DEBUG_SAVEALL`.
    /// `mechanism` (a cycle's, ending with `version`'s note if it has one) with `finalizerNote` put
    /// before that note, so the version's difference stays the last word.
    public static func finalizerMechanism(_ mechanism: String, on version: TargetVersion) -> String {
        if let note = versionNote(for: version), mechanism.hasSuffix(" " + note) {
            return String(mechanism.dropLast(note.count + 1)) + " " + finalizerNote + " " + note
        }
        return mechanism + " " + finalizerNote
    }

    public static let finalizerNote =
        "Since CPython 3.4 (PEP 442) the collector frees such a cycle: it runs each `__del__` once, then clears the "
        + "objects (a finalizer that makes an object reachable again keeps the whole cycle). gc.garbage still fills "
        + "only with objects of C extension types that define the legacy tp_del slot, or with every unreachable "
        + "object while gc.set_debug(gc.DEBUG_SAVEALL) is on."
}
