import Testing
import HeapModel

@Suite struct CPythonCollectorTests {
    @Test func freeThreadedTargetsParseAndOrderAfterTheirDefaultBuild() {
        #expect(TargetVersion(rawValue: "py314t")?.minor == 14)
        #expect(TargetVersion.py313t.isFreeThreaded && !TargetVersion.py313.isFreeThreaded)
        #expect(TargetVersion.py313 < .py313t && .py313t < .py314 && .py314 < .py314t)
        #expect(TargetVersion(minor: 13, freeThreaded: true) == .py313t)
        #expect(TargetVersion(minor: 12, freeThreaded: true) == nil)  // 3.13 was the first free-threaded release
        #expect(TargetVersion.py314t.displayName == "free-threaded CPython 3.14")
    }

    @Test func onlyVersionsWhoseCollectorDiffersGetANote() {
        for version in TargetVersion.allCases {
            let note = CPythonCollector.versionNote(for: version)
            let mechanism = CPythonCollector.cycleMechanism(for: version)
            #expect(mechanism.hasPrefix(CPythonCollector.referenceCountingCannot))
            if version.isFreeThreaded || version == .py314 {
                let text = try! #require(note)
                #expect(mechanism.hasSuffix(text))
                #expect(!mechanism.contains("(700, 10, 10)"))
            } else {
                #expect(note == nil)
                #expect(mechanism.contains(version == .py313 ? "(2000, 10, 10)" : "(700, 10, 10)"))
            }
        }
    }

    @Test func detailGoesBeforeTheVersionNoteAndTheFinalizerNoteToo() throws {
        let note = try #require(CPythonCollector.versionNote(for: .py314t))
        let mechanism = CPythonCollector.cycleMechanism(for: .py314t, detail: "Every local stays alive.")
        #expect(mechanism.hasSuffix("Every local stays alive. " + note))
        let finalizer = CPythonCollector.finalizerMechanism(mechanism, on: .py314t)
        #expect(finalizer.hasSuffix(CPythonCollector.finalizerNote + " " + note))
        let plain = CPythonCollector.finalizerMechanism("Freed later.", on: .py311)
        #expect(plain == "Freed later. " + CPythonCollector.finalizerNote)
    }
}

@Suite struct VersionSizesTests {
    @Test func theReferenceIsUnchangedAndMeasuredRowsMoveItByTheirDifference() {
        let reference = CPythonSizes.sizes(for: .py311)
        #expect(reference.measured)
        #expect(reference.instanceWithDict == CPythonSizes.instanceWithDict)
        #expect(reference.function == CPythonSizes.function && reference.frame == CPythonSizes.frame)
        // From scripts/cpython-sizes.json: a 3.12 function is 160 B where 3.11's is 152 B; 3.8's frames
        // carry their value stack inline (408 B against 168 B for the same small function).
        #expect(CPythonSizes.sizes(for: .py312).function == CPythonSizes.function + 8)
        #expect(CPythonSizes.sizes(for: .py38).frame == CPythonSizes.frame + 408 - 168)
        #expect(CPythonSizes.sizes(for: .py310).measured)
    }

    @Test func onlyUnmeasuredVersionsAreWidened() {
        for version in TargetVersion.allCases {
            let sizes = CPythonSizes.sizes(for: version)
            var lower = 1000, upper = 2000, basis = "x"
            sizes.finish(lower: &lower, upper: &upper, basis: &basis)
            if version == .py311 {
                #expect(lower == 1000 && upper == 2000 && basis == "x")
            } else if sizes.measured {
                #expect(lower == 1000 && upper == 2000 && basis == "x; sizes measured on \(version.displayName)")
            } else {
                #expect(lower == 750 && upper == 2500 && basis.contains("widened ±25 %"))
            }
        }
        #expect(!CPythonSizes.sizes(for: .py314).measured && !CPythonSizes.sizes(for: .py313t).measured)
    }
}
