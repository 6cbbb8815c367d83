import Testing
import HeapModel
import HeapSemantics
import HeapSyntax

/// The large-local query (HL304's facts) on its own: which local it reports, what long-running work it
/// found after the last use, and where `del` can go. CPython keeps each local in the frame's locals array
/// until the frame ends or the name is rebound or deleted, so only these three facts decide the finding.
@Suite struct LargeLocalQueryTests {
    /// "name kind suspender last-use-line work-line del-after-line|no-del" per retention (1-based lines).
    func retentions(_ text: String, threshold: Int = 10_000) -> [String] {
        let tree = PythonParser().parse(SourceText(text))
        let semantics = SemanticModel(tree: tree)
        let folder = ConstantFolder(tree: tree)
        let query = LargeLocalQuery(tree: tree, semantics: semantics, folder: folder,
                                    sizer: IterableSizer(semantics: semantics, folder: folder),
                                    threshold: threshold, version: .py311)
        func line(_ offset: Int) -> Int { tree.source.position(of: offset).line + 1 }
        return query.find().map { found in
            let delete = found.deleteEdit.map { "del@\(line($0.range.lowerBound))" } ?? "no-del"
            return "\(found.name) \(found.work.kind) \(found.work.suspender) \(line(found.lastUse.range.start)) \(line(found.work.node.range.start)) \(delete)"
        }
    }

    @Test func suspendedGeneratorKeepsTheWholeFileRead() {
        #expect(retentions("""
            def lines(path):
                with open(path) as fh:
                    text = fh.read()
                count = len(text)
                while count:
                    yield count
                    count -= 1
            """) == ["text suspend generator 4 6 del@5"])
    }

    @Test func blockingCallAfterADecodedPayload() {
        #expect(retentions("""
            import json
            import time
            def poll(path):
                with open(path) as fh:
                    data = json.load(fh)
                print(len(data))
                time.sleep(60)
            """) == ["data call frame 6 7 del@7"])
    }

    @Test func noDeleteWhenTheAssignmentMayNotHaveRun() {
        // `del data` after the `if` would raise NameError when `flag` is false: the fact has no edit.
        #expect(retentions("""
            def run(path, flag, server):
                if flag:
                    data = open(path).read()
                print(len(data))
                server.serve_forever()
            """) == ["data call frame 4 5 no-del"])
    }

    @Test func theThresholdDecidesWhatIsLarge() {
        let source = """
            def build(server):
                table = [i * i for i in range(5000)]
                print(sum(table))
                server.serve_forever()
            """
        #expect(retentions(source) == [])
        #expect(retentions(source, threshold: 1000) == ["table call frame 3 4 del@4"])
    }

    @Test func loopHeaderCopyIsHeldWhileTheBodySuspends() {
        let source = """
            def lines(path):
                text = open(path).read()
                for line in text.splitlines():
                    yield line
            def chars(path):
                text = open(path).read()
                for char in text:
                    yield char
            """
        let tree = PythonParser().parse(SourceText(source))
        let semantics = SemanticModel(tree: tree)
        let folder = ConstantFolder(tree: tree)
        let found = LargeLocalQuery(tree: tree, semantics: semantics, folder: folder,
                                    sizer: IterableSizer(semantics: semantics, folder: folder),
                                    threshold: 10_000, version: .py311).find()
        // Only `lines`: in `chars` the list iterator holds `text` itself, so `del` would free nothing.
        #expect(found.map { "\($0.functionName) \($0.lastUseInLoopHeader)" } == ["lines true"])
        #expect(retentions(source) == ["text suspend generator 3 4 no-del"])
    }

    @Test func handedOnOrUsedLaterIsNoRetention() {
        #expect(retentions("""
            import time
            def keep(path, box):
                data = open(path).read()
                box.append(data)
                time.sleep(60)
            def later(path):
                data = open(path).read()
                time.sleep(60)
                print(len(data))
            """) == [])
    }
}
