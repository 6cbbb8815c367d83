import Foundation
import Testing
import HeapModel
import HeapSemantics
import HeapSyntax

/// Rough cost of the semantic and heap model relative to parsing:
/// `HEAPLINT_OVERHEAD_DIR=/usr/lib/python3.11 swift test -c release --filter OverheadMeasurement`
/// prints the times; without the variable the test does nothing (timing is measured, never asserted).
@Suite struct OverheadMeasurement {
    @Test func semanticsAndHeapVersusParse() throws {
        guard let root = ProcessInfo.processInfo.environment["HEAPLINT_OVERHEAD_DIR"] else { return }
        let manager = FileManager.default
        let files = (manager.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".py") && !$0.contains("/test/") && !$0.contains("/tests/") && !$0.contains("site-packages") }
        let sources = files.compactMap { manager.contents(atPath: root + "/" + $0) }.map { SourceText(bytes: [UInt8]($0)) }
        let parser = PythonParser()
        let clock = ContinuousClock()
        var trees: [SyntaxTree] = []
        let parse = clock.measure { trees = sources.map { parser.parse($0) } }
        var cycles = 0
        let model = clock.measure {
            for tree in trees {
                let heap = HeapGraph(semantics: SemanticModel(tree: tree))
                cycles += heap.cycles.count
            }
        }
        let bytes = sources.reduce(0) { $0 + $1.byteCount }
        print("overhead: \(sources.count) files, \(bytes) bytes; parse \(parse); semantics+heap \(model); cycles \(cycles)")
    }
}
