import Foundation
import Testing
import HeapLintKit

/// The matching half of `heaplint verify`, on cycles written as the harness writes them (the run-time
/// half is driven through the real binary by Tests/python/test_verify.py).
@Suite struct VerifyMatcherTests {
    static let tree = """
        class Tree:
            def __init__(self):
                self.children = []


        class Node:
            def __init__(self, tree):
                self.tree = tree
                tree.children.append(self)


        def build():
            tree = Tree()
            Node(tree)
        """

    func file(_ source: String) throws -> String {
        let directory = NSTemporaryDirectory() + "heaplint-verify-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/tree.py"
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        return VerifyMatcher.realPath(path)
    }

    func cycle(_ json: String) throws -> RuntimeCycle {
        try JSONDecoder().decode(RuntimeCycle.self, from: Data(json.utf8))
    }

    /// Tree(line 13) and Node(line 14), the list without a site (CPython's free list), linked as at run time.
    func treeCycle(file: String, attribute: String = "tree", lines: (Int, Int) = (13, 14)) throws -> RuntimeCycle {
        try cycle("""
            {"objects": [
              {"index": 1, "type": "Tree", "file": "\(file)", "line": \(lines.0), "sites": [{"file": "\(file)", "line": \(lines.0)}], "defined_in": "\(file)"},
              {"index": 2, "type": "list"},
              {"index": 3, "type": "Node", "file": "\(file)", "line": \(lines.1), "sites": [{"file": "\(file)", "line": \(lines.1)}], "defined_in": "\(file)"}],
             "path": [{"from": 1, "via": ".children", "to": 2}, {"from": 2, "via": "[0]", "to": 3}, {"from": 3, "via": ".\(attribute)", "to": 1}]}
            """)
    }

    @Test func pathSummaryNamesEachSlot() throws {
        #expect(try treeCycle(file: "/x.py").pathSummary == "Tree.children → list[0] → Node.tree → Tree")
    }

    @Test func cycleOfTheFindingsClassesConfirmsIt() throws {
        let path = try file(Self.tree)
        let report = VerifyMatcher(base: .isolated()).report(paths: [path], cycles: [try treeCycle(file: path)])
        #expect(report.confirmed.map(\.diagnostic.code) == ["HL101"])
        #expect(report.runtimeOnly.isEmpty && report.notExercised.isEmpty)
    }

    @Test func cycleInAnotherFileLeavesTheFindingNotExercised() throws {
        let path = try file(Self.tree)
        let elsewhere = try treeCycle(file: "/elsewhere/other.py")
        let report = VerifyMatcher(base: .isolated()).report(paths: [path], cycles: [elsewhere])
        #expect(report.confirmed.isEmpty)
        #expect(report.notExercised.map(\.code) == ["HL101"])
        #expect(report.runtimeOnly.count == 1)
    }

    @Test func unrelatedCycleInTheSameFileIsRuntimeOnly() throws {
        // Same file, but no shared line, attribute or class name: a different cycle.
        let path = try file(Self.tree + "\n\nclass Box:\n    pass\n")
        let box = try cycle("""
            {"objects": [
              {"index": 1, "type": "Box", "file": "\(path)", "line": 3, "sites": [{"file": "\(path)", "line": 3}], "defined_in": "\(path)"}],
             "path": [{"from": 1, "via": ".peer", "to": 1}]}
            """)
        let report = VerifyMatcher(base: .isolated()).report(paths: [path], cycles: [box])
        #expect(report.confirmed.isEmpty)
        #expect(report.runtimeOnly.map(\.pathSummary) == ["Box.peer → Box"])
        #expect(report.notExercised.map(\.code) == ["HL101"])
    }

    @Test func withoutPathsTheCyclesFilesAreChecked() throws {
        let path = try file(Self.tree)
        let matcher = VerifyMatcher(base: .isolated())
        #expect(matcher.files(paths: [], cycles: [try treeCycle(file: path)]).map { VerifyMatcher.realPath($0.path) } == [path])
    }
}
