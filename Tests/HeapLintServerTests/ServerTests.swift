import Foundation
import HeapSyntax
import LSPProtocol
import LSPTransport
import Testing
@testable import HeapLintServer

/// Collects what the server sends, as JSON objects.
final class CollectingSink: MessageSink, @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [[String: Any]] = []

    func send<T: Encodable & Sendable>(_ value: T) {
        guard let data = try? JSONEncoder().encode(value),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        lock.withLock { messages.append(object) }
    }

    var all: [[String: Any]] { lock.withLock { messages } }

    /// Polls until a message satisfies `predicate` (bounded, so a bug fails the test instead of hanging).
    func wait(_ what: String, _ predicate: ([String: Any]) -> Bool) async throws -> [String: Any] {
        for _ in 0..<500 {
            if let hit = all.last(where: predicate) { return hit }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting for \(what)")
        throw CancellationError()
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
        try await open(server, uri, "def f():\n    return 1\n")
        #expect(try await sink.diagnostics(uri, version: 1).isEmpty)
        // Delete the `)`: "def f(:" is a syntax error at line 0.
        try await change(server, uri, version: 2, [(0, 6, 0, 7, "")])
        let broken = try await sink.diagnostics(uri, version: 2)
        #expect(broken.map { $0["code"] as? String } == ["HL001"])
        #expect(broken.first?["source"] as? String == "heaplint")
        let range = broken.first?["range"] as? [String: Any]
        #expect((range?["start"] as? [String: Any])?["line"] as? Int == 0)
        try await change(server, uri, version: 3, [(0, 6, 0, 6, ")")])
        #expect(try await sink.diagnostics(uri, version: 3).isEmpty)
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
    @Test func selectionUsesTheMostSpecificSelector() {
        var settings = ServerSettings()
        #expect(settings.rules.map { $0.metadata.code }.contains("HL001"))
        #expect(!settings.rules.map { $0.metadata.code }.contains("HL002"))  // explicit-only
        settings.ignore = ["HL0"]
        settings.extendSelect = ["HL001"]
        #expect(settings.rules.map { $0.metadata.code } == ["HL001"])
        settings = ServerSettings(layers: [SettingsLayer(select: ["HL002"])])
        #expect(settings.rules.map { $0.metadata.code } == ["HL002"])
    }

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
        try await open(server, uri, "x = 1  # note\ndef f(:\n    pass\n")
        let first = try await sink.diagnostics(uri, version: 1)
        #expect(first.map { $0["code"] as? String } == ["HL001"])
        try await change(server, uri, version: 2, [(0, 13, 0, 13, "s and more")])
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
