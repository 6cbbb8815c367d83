import Foundation
import Testing
@testable import HeapLintKit
import HeapDiagnostics
import HeapModel
import HeapRules
import HeapSyntax

@Suite struct CacheAndFixTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "heaplint-kit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func cachedDiagnosticsRoundTripWithExplanationAndFix() throws {
        let source = SourceText("s = 'ü'\nx = 1  # noqa: HL001\n")
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "A", via: "b", to: "A", site: SourceRange(start: 9, end: 14), line: 2)],
            estimate: ByteEstimate(lowerBytes: 100, upperBytes: nil, version: .py312, basis: "list"),
            mechanism: "gc", remedy: "weakref")
        let finding = Finding(code: "HL002", range: SourceRange(start: 16, end: 30), message: "m", severity: .info,
                              explanation: explanation,
                              fix: Fix(title: "t", applicability: .safe, edits: [TextEdit(range: 14..<30, replacement: "é")]))
        let diagnostic = Diagnostic(path: "a.py", finding: finding, source: source).withNoqaLine(1)
        let data = try JSONEncoder().encode([CachedDiagnostic(diagnostic)])
        let decoded = try JSONDecoder().decode([CachedDiagnostic].self, from: data)
        let restored = decoded[0].diagnostic(path: "a.py", source: source)
        #expect(restored == diagnostic)
        #expect(restored.noqaLine == 1)
    }

    @Test func cacheSurvivesCorruptionAndReportsHits() throws {
        let root = try temporaryDirectory()
        let file = root + "/bad.py"
        try "def f(:\n    pass\n".write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = Configuration.isolated(root: root)
        let cacheDirectory = root + "/.heaplint_cache"
        func run() -> FileResult {
            let cache = DiagnosticCache(directory: cacheDirectory, configuration: configuration)
            let check = ProjectCheck(analyzer: Analyzer(configuration: configuration), cache: cache)
            return check.run([DiscoveredFile(path: file, isExplicit: true)])[0]
        }
        let cold = run()
        #expect(!cold.fromCache)
        let warm = run()
        #expect(warm.fromCache)
        #expect(warm.diagnostics == cold.diagnostics)
        let cache = DiagnosticCache(directory: cacheDirectory, configuration: configuration)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: cache.file))
        let afterCorruption = run()
        #expect(!afterCorruption.fromCache)
        #expect(afterCorruption.diagnostics == cold.diagnostics)
    }

    @Test func fixesAreAppliedUntilStableAndWrittenAtomically() throws {
        let root = try temporaryDirectory()
        let file = root + "/a.py"
        try "x = 1  # noqa: HL001\ny = 2  # noqa: HL003, E501\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o640)
        let analyzer = Analyzer(rules: [SyntaxErrorRule.self, UnusedSuppression.self, UnreadableFile.self])
        let diff = ProjectCheck(analyzer: analyzer, fixMode: .diff).run([DiscoveredFile(path: file, isExplicit: true)])[0]
        #expect(diff.fixedCount == 2)
        #expect(diff.diff?.contains("+y = 2  # noqa: E501") == true)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("HL001"))  // --diff writes nothing

        let result = ProjectCheck(analyzer: analyzer, fixMode: .apply).run([DiscoveredFile(path: file, isExplicit: true)])[0]
        #expect(result.fixedCount == 2)
        #expect(result.diagnostics.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "x = 1\ny = 2  # noqa: E501\n")
        var info = stat()
        stat(file, &info)
        #expect(info.st_mode & 0o777 == 0o640)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
