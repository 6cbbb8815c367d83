import Foundation
import Testing
import HeapDiagnostics
import HeapLintKit
import HeapRules
import HeapSyntax

/// Runs `Tests/Fixtures/<family>/<CODE>*.py` with the rule `<CODE>` selected and checks the markers
/// written on the lines themselves:
/// - `# expect: HL101` — a finding with that code must start on this line;
/// - `# missed: HL101 (why)` — a known miss: no finding expected, and one appearing fails (update it);
/// - `# false-alarm: HL101 (why)` — a known false alarm: a finding is expected on this line, and one
///   disappearing fails (remove the marker: the model got better).
/// - `# also-closes: HL101` — this statement closes a cycle already reported at another statement
///   (one finding per cycle): it must be listed in that finding's `alsoClosedAt`, not reported itself.
/// Any finding of the code on an unmarked line fails, as does an `expect` marker without a finding.
/// Files named `<CODE>_preview*.py` run with preview behaviour on (`--preview`).
///
/// Known misses of the heap model are data too: `<CODE>_missed_<shape>.py` holds one self-contained,
/// module-level program per shape the rule should report and does not (issue 25's list), with its
/// `# missed: <CODE> (why)` marker where the finding should land. When the model starts finding one, this
/// suite fails and the marker becomes `# expect:`. Known false alarms likewise: `<CODE>_false_alarm_<shape>.py`
/// with a `# false-alarm: <CODE> (why)` marker. `Tests/python/test_known_misses.py` runs each such file under
/// CPython and asserts that a miss really leaves cyclic garbage and a false alarm leaves none.
///
/// Each fixture has a snapshot beside it, `<file>.py.expected`: the full rendering of the rule's findings
/// (`CODE line:col message`, the reference path, the size estimate, each fix as a unified diff with its
/// applicability; see `FixtureSnapshot`). The heap model is being rewritten, and a snapshot catches any change
/// in what it reports, not only on the marked lines. After an intended change, refresh them with
/// `HEAPLINT_UPDATE_SNAPSHOTS=1 swift test --filter FixtureTests` and read the diff before committing.
@Suite struct FixtureTests {
    static let fixturesRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let fixtureFiles: [String] = {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: fixturesRoot.path) else { return [] }
        // Only rule fixtures (`HL101.py`, `HL101_seed_doc.py`); `regressions/` holds fuzz inputs for other tests.
        return enumerator.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".py") && ($0 as NSString).lastPathComponent.hasPrefix("HL") }.sorted()
    }()

    struct FixtureRun {
        let code: String
        let source: SourceText
        let diagnostics: [Diagnostic]
    }

    static func run(_ relativePath: String) throws -> FixtureRun {
        let url = fixturesRoot.appendingPathComponent(relativePath)
        let code = String(url.deletingPathExtension().lastPathComponent.prefix(5))
        let rule = try #require(RuleRegistry.rule(code: code), "fixture \(relativePath) names no rule")
        let data = try Data(contentsOf: url)
        let source = SourceText(bytes: [UInt8](data))
        // `HL301_preview.py`: preview behaviour on (HL3xx also report iterables of unknown size).
        let settings = RuleSettings(preview: relativePath.contains("_preview"))
        let result = Analyzer(rules: [rule], ruleSettings: settings).analyze(source: source, path: relativePath)
        return FixtureRun(code: code, source: source, diagnostics: result.diagnostics.filter { $0.code == code })
    }

    @Test(arguments: fixtureFiles)
    func fixtureMarkersHold(relativePath: String) throws {
        let run = try Self.run(relativePath)
        let code = run.code, source = run.source
        let findingLines = Set(run.diagnostics.map { $0.start.line })
        let alsoClosingLines = Set(run.diagnostics.flatMap { $0.explanation?.alsoClosedAt ?? [] }.map { $0.line - 1 })
        for line in 0..<source.lineIndex.lineCount {
            let text = source.lineText(line)
            let expects = text.contains("# expect: \(code)") || text.contains("expect: \(code)")
            let tolerated = text.contains("false-alarm: \(code)")
            let missed = text.contains("missed: \(code)")
            let alsoCloses = text.contains("also-closes: \(code)")
            let here = findingLines.contains(line)
            #expect(alsoCloses == alsoClosingLines.contains(line),
                    "\(relativePath):\(line + 1): `also-closes: \(code)` marker and the findings' other closing statements disagree")
            if expects {
                #expect(here, "\(relativePath):\(line + 1): expected \(code), found none")
            } else if missed {
                #expect(!here, "\(relativePath):\(line + 1): a known miss is now found; turn it into `# expect:`")
            } else if tolerated {
                #expect(here, "\(relativePath):\(line + 1): a known false alarm is gone; remove the `# false-alarm:` marker")
            } else {
                #expect(!here, "\(relativePath):\(line + 1): unexpected \(code): \(text)")
            }
        }
    }

    @Test(arguments: fixtureFiles)
    func fixtureSnapshotMatches(relativePath: String) throws {
        let run = try Self.run(relativePath)
        let actual = FixtureSnapshot.render(run.diagnostics, source: run.source, path: relativePath)
        let snapshot = Self.fixturesRoot.appendingPathComponent(relativePath + ".expected")
        if FixtureSnapshot.isUpdating {
            try Data(actual.utf8).write(to: snapshot)
            return
        }
        guard let data = FileManager.default.contents(atPath: snapshot.path) else {
            Issue.record("\(relativePath): no snapshot \(relativePath).expected; write it with \(FixtureSnapshot.updateVariable)=1 swift test --filter FixtureTests")
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        // A plain Bool: `#expect(expected == actual)` would print both whole snapshots instead of the diff.
        let matches = expected == actual
        #expect(matches, """
            \(relativePath): findings differ from \(relativePath).expected (\(FixtureSnapshot.updateVariable)=1 \
            swift test --filter FixtureTests rewrites it; read the diff before committing):
            \(FixtureSnapshot.shortDiff(expected: expected, actual: actual))
            """)
    }
}
