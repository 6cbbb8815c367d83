import Foundation
import HeapDiagnostics
import HeapLintKit
import HeapModel
import HeapRules
import HeapSemantics
import HeapSyntax
import LSPProtocol
import LSPTransport
import Testing
@testable import HeapLintServer

/// Collects what the server sends, as JSON objects. A test waits on the specific message it expects:
/// the sink hands each arriving message to the waiters whose predicate it satisfies, so no test polls.
final class CollectingSink: MessageSink, @unchecked Sendable {
    /// A decoded JSON message handed from the sending task to a waiting test: never mutated after
    /// decoding, so sharing it is safe although `Any` is not `Sendable`.
    private struct Received: @unchecked Sendable { let object: [String: Any] }

    private struct Waiter {
        let predicate: ([String: Any]) -> Bool
        let continuation: CheckedContinuation<Received?, Never>
    }

    /// A safety net for a loaded machine, never a measurement: a server bug fails the test instead of
    /// hanging it.
    static let timeout: Duration = .seconds(60)

    private let lock = NSLock()
    private var messages: [[String: Any]] = []
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiter = 0

    func send<T: Encodable & Sendable>(_ value: T) {
        guard let data = try? JSONEncoder().encode(value),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        let satisfied: [Waiter] = lock.withLock {
            messages.append(object)
            let keys = waiters.filter { $0.value.predicate(object) }.map(\.key)
            return keys.compactMap { waiters.removeValue(forKey: $0) }
        }
        for waiter in satisfied { waiter.continuation.resume(returning: Received(object: object)) }
    }

    var all: [[String: Any]] { lock.withLock { messages } }

    /// The latest message already received that satisfies `predicate`, or else the first one to arrive.
    func wait(_ what: String, _ predicate: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        let key = lock.withLock { nextWaiter += 1; return nextWaiter }
        let timer = Task {
            try? await Task.sleep(for: Self.timeout)
            if !Task.isCancelled { self.expire(key) }
        }
        defer { timer.cancel() }
        let hit: Received? = await withCheckedContinuation { continuation in
            let received: Received? = lock.withLock {
                if let hit = messages.last(where: predicate) { return Received(object: hit) }
                waiters[key] = Waiter(predicate: predicate, continuation: continuation)
                return nil
            }
            if let received { continuation.resume(returning: received) }
        }
        guard let hit else {
            Issue.record("timed out waiting for \(what)")
            throw CancellationError()
        }
        return hit.object
    }

    private func expire(_ key: Int) {
        lock.withLock { waiters.removeValue(forKey: key) }?.continuation.resume(returning: nil)
    }

    func response(_ id: Int) async throws -> [String: Any] {
        try await wait("response \(id)") { ($0["id"] as? Int) == id && $0["method"] == nil }
    }

    func diagnostics(_ uri: String, version: Int) async throws -> [[String: Any]] {
        let message = try await wait("diagnostics v\(version)") {
            guard $0["method"] as? String == "textDocument/publishDiagnostics",
                  let params = $0["params"] as? [String: Any] else { return false }
            return params["uri"] as? String == uri && params["version"] as? Int == version
        }
        return (message["params"] as? [String: Any])?["diagnostics"] as? [[String: Any]] ?? []
    }
}

private func message(_ object: [String: Any]) throws -> IncomingMessage {
    var object = object
    object["jsonrpc"] = "2.0"
    let data = try JSONSerialization.data(withJSONObject: object)
    return IncomingMessage(envelope: try JSONDecoder().decode(IncomingEnvelope.self, from: data), body: data)
}

private func started(encodings: [String] = ["utf-16"], options: [String: Any] = [:]) async throws -> (HeapLintServer, CollectingSink) {
    let sink = CollectingSink()
    let server = HeapLintServer(sink: sink)
    await server.handle(try message(["id": 1, "method": "initialize", "params": [
        "capabilities": ["general": ["positionEncodings": encodings]], "initializationOptions": options]]))
    await server.handle(try message(["method": "initialized", "params": [String: Any]()]))
    return (server, sink)
}

private func open(_ server: HeapLintServer, _ uri: String, _ text: String, version: Int = 1) async throws {
    await server.handle(try message(["method": "textDocument/didOpen", "params": [
        "textDocument": ["uri": uri, "languageId": "python", "version": version, "text": text]]]))
}

private func change(_ server: HeapLintServer, _ uri: String, version: Int,
                    _ edits: [(Int, Int, Int, Int, String)]) async throws {
    let changes = edits.map { e in
        ["range": ["start": ["line": e.0, "character": e.1], "end": ["line": e.2, "character": e.3]], "text": e.4] as [String: Any]
    }
    await server.handle(try message(["method": "textDocument/didChange", "params": [
        "textDocument": ["uri": uri, "version": version], "contentChanges": changes]]))
}

/// One edit between two marked positions (`MarkedSource`).
private func change(_ server: HeapLintServer, _ uri: String, version: Int,
                    from start: Position, to end: Position, _ text: String) async throws {
    try await change(server, uri, version: version, [(start.line, start.character, end.line, end.character, text)])
}

@Suite struct ServerTests {
    let uri = "file:///tmp/heaplint-test/a.py"

    @Test func requestBeforeInitializeIsRefused() async throws {
        let sink = CollectingSink()
        let server = HeapLintServer(sink: sink)
        await server.handle(try message(["id": 5, "method": "textDocument/hover", "params": [String: Any]()]))
        let error = try #require(try await sink.response(5)["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32002)
    }

    @Test func negotiatesUTF8OnlyWhenOffered() async throws {
        let (_, sink8) = try await started(encodings: ["utf-8", "utf-16"])
        let caps8 = (try await sink8.response(1)["result"] as? [String: Any])?["capabilities"] as? [String: Any]
        #expect(caps8?["positionEncoding"] as? String == "utf-8")
        let (_, sink16) = try await started(encodings: [])
        let caps16 = (try await sink16.response(1)["result"] as? [String: Any])?["capabilities"] as? [String: Any]
        #expect(caps16?["positionEncoding"] as? String == "utf-16")
    }

    @Test func unknownMethodIsMethodNotFound() async throws {
        let (server, sink) = try await started()
        await server.handle(try message(["id": 9, "method": "heaplint/nope", "params": [String: Any]()]))
        let error = try #require(try await sink.response(9)["error"] as? [String: Any])
        #expect(error["code"] as? Int == -32601)
    }

    @Test func syntaxErrorAppearsThenDisappearsWithIncrementalEdits() async throws {
        let (server, sink) = try await started()
        let source = MarkedSource("def f(⟦paren⟧)⟦parenEnd⟧:\n    return 1\n")
        try await open(server, uri, source.text)
        #expect(try await sink.diagnostics(uri, version: 1).isEmpty)
        // Delete the `)`: "def f(:" is a syntax error on the `def` line.
        try await change(server, uri, version: 2, from: source["paren"], to: source["parenEnd"], "")
        let broken = try await sink.diagnostics(uri, version: 2)
        #expect(broken.map { $0["code"] as? String } == ["HL001"])
        #expect(broken.first?["source"] as? String == "heaplint")
        let range = broken.first?["range"] as? [String: Any]
        #expect((range?["start"] as? [String: Any])?["line"] as? Int == source["paren"].line)
        try await change(server, uri, version: 3, from: source["paren"], to: source["paren"], ")")
        #expect(try await sink.diagnostics(uri, version: 3).isEmpty)
    }

    @Test func dedentInsideBracketsIsNoSyntaxErrorWhileEditing() async throws {
        // Valid Python the grammar alone rejects (see BracketLines): no HL001 on open, after edits
        // elsewhere, and again after a real error comes and goes.
        let (server, sink) = try await started()
        let source = MarkedSource("def f():\n    (bar.\nbaz)\n    return 1\n\n⟦last⟧x = ⟦one⟧1⟦oneEnd⟧\n")
        try await open(server, uri, source.text)
        #expect(try await sink.diagnostics(uri, version: 1).isEmpty)
        try await change(server, uri, version: 2, from: source["one"], to: source["oneEnd"], "22")
        #expect(try await sink.diagnostics(uri, version: 2).isEmpty)
        // A broken line inserted before the last one, then removed.
        let inserted = source["last"]
        try await change(server, uri, version: 3, from: inserted, to: inserted, "def g(:\n")
        #expect(try await sink.diagnostics(uri, version: 3).map { $0["code"] as? String }.contains("HL001"))
        try await change(server, uri, version: 4, from: inserted,
                         to: Position(line: inserted.line + 1, character: 0), "")
        #expect(try await sink.diagnostics(uri, version: 4).isEmpty)
        #expect(await server.documentText(uri) == "def f():\n    (bar.\nbaz)\n    return 1\n\nx = 22\n")
    }

    @Test func incrementalEditsMatchTheFullText() async throws {
        let (server, _) = try await started()
        // UTF-16 columns: the emoji is two units, é one.
        try await open(server, uri, "s = '😀é'\nx = 1\n")
        try await change(server, uri, version: 2, [(0, 8, 0, 8, "!"), (1, 4, 1, 5, "22"), (5, 0, 9, 9, "# end\n")])
        let expected = "s = '😀é!'\nx = 22\n# end\n"
        #expect(await server.documentText(uri) == expected)
        #expect(await server.parsedText(uri) == expected)
        // Positions past the end of a line or the file are clamped, not trusted.
        try await change(server, uri, version: 3, [(0, 500, 0, 900, "?"), (-3, -1, 0, 0, "")])
        #expect(await server.documentText(uri) == "s = '😀é!'?\nx = 22\n# end\n")
        #expect(await server.parsedText(uri) == "s = '😀é!'?\nx = 22\n# end\n")
    }

    @Test func utf8PositionsWhenNegotiated() async throws {
        let (server, _) = try await started(encodings: ["utf-8"])
        try await open(server, uri, "s = 'é'\n")
        // Byte column 7 is after `é` (2 bytes) and before the closing quote.
        try await change(server, uri, version: 2, [(0, 7, 0, 7, "x")])
        #expect(await server.documentText(uri) == "s = 'éx'\n")
    }

    @Test func hoverAndCodeActionsOnADiagnostic() async throws {
        let (server, sink) = try await started()
        try await open(server, uri, "def f(:\n    pass\n")
        let diagnostics = try await sink.diagnostics(uri, version: 1)
        let start = try #require((diagnostics.first?["range"] as? [String: Any])?["start"] as? [String: Any])
        await server.handle(try message(["id": 20, "method": "textDocument/hover", "params": [
            "textDocument": ["uri": uri], "position": start]]))
        let hover = try #require(try await sink.response(20)["result"] as? [String: Any])
        let contents = try #require(hover["contents"] as? [String: Any])
        #expect(contents["kind"] as? String == "markdown")
        #expect((contents["value"] as? String)?.contains("HL001") == true)
        await server.handle(try message(["id": 21, "method": "textDocument/codeAction", "params": [
            "textDocument": ["uri": uri], "range": ["start": start, "end": start],
            "context": ["diagnostics": diagnostics]]]))
        let actions = try #require(try await sink.response(21)["result"] as? [[String: Any]])
        let noqa = try #require(actions.first { ($0["title"] as? String)?.contains("noqa") == true })
        let edits = (((noqa["edit"] as? [String: Any])?["changes"] as? [String: Any])?[uri] as? [[String: Any]]) ?? []
        #expect(edits.map { $0["newText"] as? String } == ["  # noqa: HL001"])
    }

    @Test func pullDiagnosticsReportUnchangedForTheSameResult() async throws {
        let (server, sink) = try await started()
        try await open(server, uri, "def f(:\n    pass\n")
        await server.handle(try message(["id": 30, "method": "textDocument/diagnostic", "params": [
            "textDocument": ["uri": uri]]]))
        let full = try #require(try await sink.response(30)["result"] as? [String: Any])
        #expect(full["kind"] as? String == "full")
        #expect((full["items"] as? [[String: Any]])?.count == 1)
        let resultID = try #require(full["resultId"] as? String)
        await server.handle(try message(["id": 31, "method": "textDocument/diagnostic", "params": [
            "textDocument": ["uri": uri], "previousResultId": resultID]]))
        #expect((try await sink.response(31)["result"] as? [String: Any])?["kind"] as? String == "unchanged")
    }

    @Test func ignoringACodeInSettingsClearsItsDiagnostics() async throws {
        let (server, sink) = try await started()
        try await open(server, uri, "def f(:\n    pass\n")
        #expect(try await sink.diagnostics(uri, version: 1).count == 1)
        let before = sink.all.count
        await server.handle(try message(["method": "workspace/didChangeConfiguration", "params": [
            "settings": ["heaplint": ["ignore": ["HL001"]]]]]))
        let cleared = try await sink.wait("republish") { m in
            m["method"] as? String == "textDocument/publishDiagnostics"
                && ((m["params"] as? [String: Any])?["diagnostics"] as? [Any])?.isEmpty == true
        }
        #expect(sink.all.count > before)
        #expect(((cleared["params"] as? [String: Any])?["version"] as? Int) == 1)
    }

    @Test func closeClearsDiagnostics() async throws {
        let (server, sink) = try await started()
        try await open(server, uri, "def f(:\n")
        _ = try await sink.diagnostics(uri, version: 1)
        await server.handle(try message(["method": "textDocument/didClose", "params": ["textDocument": ["uri": uri]]]))
        let last = try await sink.wait("clear") { m in
            m["method"] as? String == "textDocument/publishDiagnostics" && (m["params"] as? [String: Any])?["version"] == nil
        }
        #expect(((last["params"] as? [String: Any])?["diagnostics"] as? [Any])?.isEmpty == true)
    }

    @Test func shutdownThenExit() async throws {
        let (server, sink) = try await started()
        await server.handle(try message(["id": 40, "method": "shutdown"]))
        #expect(try await sink.response(40)["result"] is NSNull)
        await server.handle(try message(["id": 41, "method": "textDocument/hover", "params": [String: Any]()]))
        #expect((try await sink.response(41)["error"] as? [String: Any])?["code"] as? Int == -32600)
        #expect(await server.handle(try message(["method": "exit"])) == 0)
    }
}

@Suite struct SettingsAndEditsTests {
    @Test func editorSettingsAcceptBothSpellingsAndWarnOnUnknownCodes() {
        let json: JSONValue = .object(["heaplint": .object([
            "target-version": .string("py312"), "select": .array([.string("hl1"), .string("XYZ")])])])
        let (layer, warnings) = SettingsLayer.fromEditor(json)
        #expect(layer.targetVersion == .py312)
        #expect(layer.select == ["HL1", "XYZ"])
        #expect(warnings.contains { $0.contains("XYZ") })
    }

    @Test func noqaEditAppendsOrExtends() {
        let source = SourceText("x = 1   \ny = 2  # noqa: HL101\nz = 3  # noqa\n")
        let first = CodeActionBuilder.noqaEdit(code: "HL001", line: 0, source: source)
        #expect(first.map { String(decoding: $0.replacement, as: UTF8.self) } == "  # noqa: HL001")
        #expect(first?.range == 5..<8)
        let second = CodeActionBuilder.noqaEdit(code: "HL001", line: 1, source: source)
        #expect(second.map { String(decoding: $0.replacement, as: UTF8.self) } == ", HL001")
        #expect(second.map { $0.applied(to: source) }.map { String(decoding: $0.bytes, as: UTF8.self) }?
            .contains("# noqa: HL101, HL001\n") == true)
        #expect(CodeActionBuilder.noqaEdit(code: "HL101", line: 1, source: source) == nil)
        #expect(CodeActionBuilder.noqaEdit(code: "HL001", line: 2, source: source) == nil)
    }

    @Test func positionsClampAndRoundTrip() {
        let source = SourceText("a😀b\nc\n")
        let utf16 = PositionMapping(encoding: .utf16)
        #expect(utf16.byteOffset(Position(line: 0, character: 3), in: source) == 5)  // after the emoji
        #expect(utf16.position(ofByte: 5, in: source) == Position(line: 0, character: 3))
        #expect(utf16.byteOffset(Position(line: 0, character: 99), in: source) == 6)
        #expect(utf16.byteOffset(Position(line: 99, character: 0), in: source) == source.byteCount)
        let utf8 = PositionMapping(encoding: .utf8)
        #expect(utf8.position(ofByte: 5, in: source) == Position(line: 0, character: 5))
        #expect(utf8.byteRange(LSPRange(start: Position(line: 1, character: 1), end: Position(line: 0, character: 0)), in: source) == 8..<8)
    }
}

@Suite struct CommentEditTests {
    let uri = "file:///tmp/heaplint-test/c.py"

    @Test func typingInACommentShiftsDiagnosticsWithoutReanalysis() async throws {
        let (server, sink) = try await started(options: ["trace": "off"])
        let source = MarkedSource("x = 1  # note⟦commentEnd⟧\ndef f(:\n    pass\n")
        try await open(server, uri, source.text)
        let first = try await sink.diagnostics(uri, version: 1)
        #expect(first.map { $0["code"] as? String } == ["HL001"])
        try await change(server, uri, version: 2, from: source["commentEnd"], to: source["commentEnd"], "s and more")
        let second = try await sink.diagnostics(uri, version: 2)
        #expect(second.map { $0["code"] as? String } == ["HL001"])
        #expect(await server.isCommentOnly(uri) == true)
        // The tree catches up at the next real analysis, and finds the same.
        #expect(await server.parsedText(uri) == "x = 1  # notes and more\ndef f(:\n    pass\n")
    }

    @Test func baseOffsetUndoesPendingEdits() {
        let edits = [TextEdit(range: 5..<5, replacement: "abc"), TextEdit(range: 2..<4, replacement: "")]
        #expect(CommentEdit.baseOffset(10, through: edits) == 9)
        #expect(CommentEdit.baseOffset(1, through: edits) == 1)
    }
}

@Suite struct DifferenceTests {
    @Test func differenceIsTheMinimalMiddleSpan() {
        let old = SourceText("abcdef"), new = SourceText("abXYef")
        let edit = AnalysisJob.difference(from: old, to: new)
        #expect(edit.range == 2..<4)
        #expect(String(decoding: edit.applied(to: old).bytes, as: UTF8.self) == "abXYef")
        let same = AnalysisJob.difference(from: old, to: old)
        #expect(same.range.isEmpty && same.replacement.isEmpty)
        let grow = AnalysisJob.difference(from: SourceText("aa"), to: SourceText("aaa"))
        #expect(String(decoding: grow.applied(to: SourceText("aa")).bytes, as: UTF8.self) == "aaa")
    }
}

/// Stands in for the Kit's config loader: per-directory options the test can change.
final class FakeProjectConfiguration: ProjectConfigurationSource, @unchecked Sendable {
    private let lock = NSLock()
    private var options: [String: Options] = [:]
    func set(_ root: String, _ value: Options?) { lock.withLock { options[root] = value } }
    func configuration(forFile path: String) throws -> Configuration {
        lock.withLock {
            let root = options.keys.first { path.hasPrefix($0 + "/") } ?? "/"
            return Configuration(projectRoot: root, options: options[root] ?? Options())
        }
    }
}

private func ignoring(_ codes: [String]) -> Options {
    var o = Options()
    o.ignore = codes
    return o
}

@Suite struct WorkspaceConfigurationTests {
    @Test func projectSettingsApplyPerFolderAndReloadOnWatchedFileChange() async throws {
        let config = FakeProjectConfiguration()
        config.set("/tmp/hl-w1", ignoring(["HL001"]))
        let sink = CollectingSink()
        let server = HeapLintServer(sink: sink, projectConfiguration: config)
        await server.handle(try message(["id": 1, "method": "initialize", "params": [
            "capabilities": [String: Any](),
            "workspaceFolders": [["uri": "file:///tmp/hl-w1", "name": "w1"], ["uri": "file:///tmp/hl-w2", "name": "w2"]]]]))
        await server.handle(try message(["method": "initialized", "params": [String: Any]()]))
        let a = "file:///tmp/hl-w1/a.py", b = "file:///tmp/hl-w2/b.py"
        try await open(server, a, "def f(:\n")
        try await open(server, b, "def f(:\n")
        #expect(try await sink.diagnostics(a, version: 1).isEmpty)
        #expect(try await sink.diagnostics(b, version: 1).map { $0["code"] as? String } == ["HL001"])
        config.set("/tmp/hl-w2", ignoring(["HL001"]))
        config.set("/tmp/hl-w1", nil)
        await server.handle(try message(["method": "workspace/didChangeWatchedFiles", "params": [
            "changes": [["uri": "file:///tmp/hl-w2/pyproject.toml", "type": 2]]]]))
        _ = try await sink.wait("w1 re-diagnosed") { m in
            let p = m["params"] as? [String: Any]
            return m["method"] as? String == "textDocument/publishDiagnostics" && p?["uri"] as? String == a
                && (p?["diagnostics"] as? [Any])?.count == 1
        }
        _ = try await sink.wait("w2 cleared") { m in
            let p = m["params"] as? [String: Any]
            return m["method"] as? String == "textDocument/publishDiagnostics" && p?["uri"] as? String == b
                && (p?["diagnostics"] as? [Any])?.isEmpty == true
        }
    }

    @Test func editorSelectStartsOverAsACommandLineSelectDoes() async throws {
        let config = FakeProjectConfiguration()
        config.set("/tmp/hl-w3", ignoring(["HL001"]))
        let sink = CollectingSink()
        let server = HeapLintServer(sink: sink, projectConfiguration: config)
        await server.handle(try message(["id": 1, "method": "initialize", "params": [
            "capabilities": [String: Any](), "rootUri": "file:///tmp/hl-w3",
            "initializationOptions": ["select": ["HL001"]]]]))
        await server.handle(try message(["method": "initialized", "params": [String: Any]()]))
        try await open(server, "file:///tmp/hl-w3/c.py", "def f(:\n")
        #expect(try await sink.diagnostics("file:///tmp/hl-w3/c.py", version: 1).count == 1)
    }

    @Test func aRealPyprojectIsReadByTheKitLoader() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hl-lsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let pyproject = root.appendingPathComponent("pyproject.toml")
        try "[tool.heaplint]\nignore = [\"HL001\"]\n".write(to: pyproject, atomically: true, encoding: .utf8)
        let sink = CollectingSink()
        let server = HeapLintServer(sink: sink)
        await server.handle(try message(["id": 1, "method": "initialize", "params": [
            "capabilities": [String: Any](), "rootUri": root.absoluteString]]))
        await server.handle(try message(["method": "initialized", "params": [String: Any]()]))
        let uri = root.appendingPathComponent("m.py").absoluteString
        try await open(server, uri, "def f(:\n")
        #expect(try await sink.diagnostics(uri, version: 1).isEmpty)
        // The project changes its mind: the watched-file notification re-reads it.
        try "[tool.heaplint]\nselect = [\"HL0\"]\n".write(to: pyproject, atomically: true, encoding: .utf8)
        await server.handle(try message(["method": "workspace/didChangeWatchedFiles", "params": [
            "changes": [["uri": pyproject.absoluteString, "type": 2]]]]))
        _ = try await sink.wait("HL001 after the config change") { m in
            let p = m["params"] as? [String: Any]
            return m["method"] as? String == "textDocument/publishDiagnostics" && p?["uri"] as? String == uri
                && (p?["diagnostics"] as? [Any])?.count == 1
        }
    }
}

@Suite struct MappingTests {
    /// A cycle-shaped diagnostic built by hand (no HL1xx rule exists on this branch yet).
    func offset(_ needle: String) -> Int {
        let bytes = Array(text.utf8), n = Array(needle.utf8)
        return (0...(bytes.count - n.count)).first { Array(bytes[$0..<($0 + n.count)]) == n } ?? -1
    }

    func cycleDiagnostic(_ source: SourceText) -> Diagnostic {
        let c = offset("self.children"), p = offset("n.parent"), t = offset("tree\n")
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "Tree", via: "children", to: "list", site: SourceRange(start: c, end: c + 23), line: 3),
                   ReferenceStep(from: "list", via: "", to: "Node"),
                   ReferenceStep(from: "Node", via: "parent", to: "Tree", site: SourceRange(start: p, end: p + 15), line: 4)],
            estimate: ByteEstimate(lowerBytes: 688, upperBytes: 688, version: .py311, basis: "2 instances with __dict__"),
            mechanism: "the cyclic garbage collector", remedy: "hold the parent through weakref.ref")
        let fix = Fix(title: "Use weakref.ref for parent", applicability: .safe,
                      edits: [TextEdit(range: t..<(t + 4), replacement: "weakref.ref(tree)")])
        let finding = Finding(code: "HL101", range: SourceRange(start: p, end: p + 8), message: "Reference cycle Tree ↔ Node",
                              severity: .warning, explanation: explanation, fix: fix)
        return Diagnostic(path: "/w/t.py", finding: finding, source: source)
    }

    let text = "class Tree:\n    def __init__(s\n        self.children = [n]\n        n.parent = tree\n"

    @Test func relatedInformationHasOneLocationPerSitedEdge() {
        let source = SourceText(text)
        let mapping = DiagnosticMapping(positions: PositionMapping(encoding: .utf16))
        let lsp = mapping.lspDiagnostic(cycleDiagnostic(source), uri: "file:///w/t.py", source: source)
        #expect(lsp.severity == .warning)
        #expect(lsp.relatedInformation?.count == 2)
        #expect(lsp.relatedInformation?.first?.location.range.start == Position(line: 2, character: 8))
        #expect(lsp.relatedInformation?.first?.message == "Tree.children (line 3) → list")
        #expect(lsp.relatedInformation?.last?.location.range.start.line == 3)
    }

    @Test func hoverRendersPathSizeMechanismRemedyAndFix() throws {
        let source = SourceText(text)
        let mapping = DiagnosticMapping(positions: PositionMapping(encoding: .utf16))
        let hover = try #require(mapping.hover(at: offset("n.parent") + 2, diagnostics: [cycleDiagnostic(source)], source: source))
        let md = hover.contents.value
        #expect(md.contains("**Reference path**: `Tree ─.children→ list ─[*]→ Node ─.parent→ ↺ Tree`"))
        #expect(md.contains("1. `Tree.children (line 3) → list`"))
        #expect(md.contains("3. `Node.parent (line 4) → Tree`"))
        #expect(md.contains("~688 B on CPython 3.11"))
        #expect(md.contains("the cyclic garbage collector"))
        #expect(md.contains("weakref.ref"))
        #expect(md.contains("Use weakref.ref for parent"))
        #expect(mapping.hover(at: 5, diagnostics: [cycleDiagnostic(source)], source: source) == nil)
    }

    /// The same diagnostic with a lifetime, as the analyzer grades it.
    func graded(_ source: SourceText, _ lifetime: CycleLifetime) -> Diagnostic {
        let d = cycleDiagnostic(source)
        var explanation = d.explanation!
        explanation.lifetime = lifetime
        let finding = Finding(code: d.code, range: d.finding.range, message: d.message, severity: d.severity,
                              explanation: explanation, fix: d.fix)
        return Diagnostic(path: d.path, finding: finding, source: source)
    }

    @Test func oncePerProcessCyclesAreHintsAndHoverSaysWhy() throws {
        let source = SourceText(text)
        let mapping = DiagnosticMapping(positions: PositionMapping(encoding: .utf16))
        let once = graded(source, CycleLifetime(.oncePerProcess, "made at module level, which runs once per process, at import"))
        #expect(mapping.lspDiagnostic(once, uri: "file:///w/t.py", source: source).severity == .hint)
        let perCall = graded(source, CycleLifetime(.perCall, "made each time `Tree.add` runs on a `Tree` object"))
        #expect(mapping.lspDiagnostic(perCall, uri: "file:///w/t.py", source: source).severity == .warning)
        let hover = try #require(mapping.hover(at: offset("n.parent") + 2, diagnostics: [once], source: source))
        #expect(hover.contents.value.contains("**Lifetime**: once per process — made at module level"))
        // Test-support code (a pytest plugin's hook) never runs in the program's own runs: a hint too.
        let support = graded(source, CycleLifetime(.testSupport, "made in `pytest_pyfunc_call` of a pytest plugin"))
        #expect(mapping.lspDiagnostic(support, uri: "file:///w/t.py", source: source).severity == .hint)
        let supportHover = try #require(mapping.hover(at: offset("n.parent") + 2, diagnostics: [support], source: source))
        #expect(supportHover.contents.value.contains("**Lifetime**: test support — made in `pytest_pyfunc_call`"))
    }

    @Test func quickFixAndFixAllCarryTheFindingsEdits() {
        let source = SourceText(text)
        let builder = CodeActionBuilder(mapping: DiagnosticMapping(positions: PositionMapping(encoding: .utf16)))
        let uri = "file:///w/t.py"
        let actions = builder.actions(uri: uri, range: offset("n.parent")..<offset("n.parent"), only: nil, diagnostics: [cycleDiagnostic(source)], source: source)
        let quick = actions.first { $0.title.contains("Use weakref.ref") }
        #expect(quick?.kind == "quickfix")
        #expect(quick?.isPreferred == true)
        #expect(quick?.edit?.changes[uri]?.map(\.newText) == ["weakref.ref(tree)"])
        #expect(actions.contains { $0.title.contains("noqa") })
        let fixAll = actions.first { $0.kind == "source.fixAll.heaplint" }
        #expect(fixAll?.edit?.changes[uri]?.count == 1)
        let onlyFixAll = builder.actions(uri: uri, range: 0..<0, only: ["source.fixAll"], diagnostics: [cycleDiagnostic(source)], source: source)
        #expect(onlyFixAll.map(\.kind) == ["source.fixAll.heaplint"])
    }
}

@Suite struct PullOnlyClientTests {
    @Test func aClientThatPullsGetsNoPushedDuplicates() async throws {
        let sink = CollectingSink()
        let server = HeapLintServer(sink: sink)
        await server.handle(try message(["id": 1, "method": "initialize", "params": [
            "capabilities": ["textDocument": ["diagnostic": ["dynamicRegistration": false]]]]]))
        await server.handle(try message(["method": "initialized", "params": [String: Any]()]))
        let uri = "file:///tmp/heaplint-test/pull.py"
        try await open(server, uri, "def f(:\n")
        await server.handle(try message(["id": 2, "method": "textDocument/diagnostic", "params": [
            "textDocument": ["uri": uri]]]))
        let report = try #require(try await sink.response(2)["result"] as? [String: Any])
        #expect((report["items"] as? [[String: Any]])?.map { $0["code"] as? String } == ["HL001"])
        #expect(!sink.all.contains { $0["method"] as? String == "textDocument/publishDiagnostics" })
    }
}

@Suite struct EditBurstTests {
    /// 300 edits without waiting (typing, comments, newlines, deletions, syntax errors): the server's
    /// text, its parsed tree and its final diagnostics must equal a fresh analysis of the same text.
    @Test(arguments: [42, 7, 2024] as [UInt64])
    func aBurstOfMixedEditsEndsInTheSameStateAsAFreshAnalysis(seed start: UInt64) async throws {
        let (server, sink) = try await started()
        let uri = "file:///tmp/heaplint-test/burst.py"
        var model = Array("import os\n# a comment here\ndef f(x):\n    return x  # trailing\n\nclass C:\n    pass\n".utf8)
        try await open(server, uri, String(decoding: model, as: UTF8.self))
        var seed = start
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(max(n, 1)))
        }
        func position(_ offset: Int) -> (Int, Int) {
            let prefix = model[0..<offset]
            let line = prefix.filter { $0 == 0x0A }.count
            let lineStart = (prefix.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
            return (line, offset - lineStart)
        }
        let inserts = ["x", "#", "\n", "(", " ", "y = 1\n", "#c"]
        for version in 2...301 {
            let offset = next(model.count + 1)
            let (line, column) = position(offset)
            if next(3) == 0, offset < model.count {
                let (endLine, endColumn) = position(offset + 1)
                model.remove(at: offset)
                try await change(server, uri, version: version, [(line, column, endLine, endColumn, "")])
            } else {
                let text = inserts[next(inserts.count)]
                model.insert(contentsOf: Array(text.utf8), at: offset)
                try await change(server, uri, version: version, [(line, column, line, column, text)])
            }
        }
        let expected = String(decoding: model, as: UTF8.self)
        #expect(await server.documentText(uri) == expected)
        #expect(await server.parsedText(uri) == expected)
        let pushed = try await sink.diagnostics(uri, version: 301)
        let fresh = Analyzer(configuration: Configuration.isolated(root: "/tmp/heaplint-test"))
            .analyze(source: SourceText(expected), path: "/tmp/heaplint-test/burst.py").diagnostics
        #expect(!fresh.isEmpty)
        #expect(pushed.map { $0["code"] as? String } == fresh.map(\.code))
        let pushedStarts = pushed.compactMap { (($0["range"] as? [String: Any])?["start"] as? [String: Any]).map { [$0["line"] as? Int ?? -1, $0["character"] as? Int ?? -1] } }
        #expect(pushedStarts == fresh.map { [$0.start.line, $0.start.utf16Column] })
    }
}
