import Testing
import HeapModel
import HeapSemantics

/// The byte model the HL3xx-HL5xx rules report: CollectionSizes against measured CPython 3.11 peaks.
@Suite struct CollectionSizesTests {
    /// heap-facts.md: tracemalloc peaks on CPython 3.11 (within 5 %).
    @Test func reproducesMeasuredPeaks() {
        func mb(_ container: CollectionSizes.Container, _ n: Int) -> Double {
            let e = CollectionSizes.estimate(container, size: .exactly(n), shape: .int(maxMagnitude: n), version: .py311)
            return Double(e.upperBytes!) / 1_000_000
        }
        #expect(abs(mb(.grownList, 1_000_000) - 40.5) / 40.5 < 0.05)
        #expect(abs(mb(.exactList, 1_000_000) - 40.0) / 40.0 < 0.05)
        #expect(abs(mb(.set, 1_000_000) - 65.5) / 65.5 < 0.05)
        #expect(abs(mb(.dict, 1_000_000) - 73.9) / 73.9 < 0.05)
    }

    @Test func unboundedHasNoUpper() {
        let e = CollectionSizes.estimate(.grownList, size: .unbounded(source: "f"), shape: .string, version: .py311)
        #expect(e.isUnbounded)
        #expect(CollectionSizes.formatCount(10_000_000) == "10,000,000")
    }
}
