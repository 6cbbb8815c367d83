import Foundation
import Testing
@testable import LSPProtocol

@Suite struct CodableTests {
    private func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }

    private func json(_ value: some Encodable) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func diagnosticRoundTripsWithEveryField() throws {
        let uri = "file:///w/a.py"
        let range = LSPRange(start: Position(line: 3, character: 4), end: Position(line: 3, character: 9))
        let diagnostic = LSPDiagnostic(
            range: range, severity: .warning, code: "HL101",
            codeDescription: CodeDescription(href: "https://heaplint.dev/rules/hl101-x"), source: "heaplint",
            message: "cycle", tags: [.unnecessary],
            relatedInformation: [DiagnosticRelatedInformation(location: Location(uri: uri, range: range), message: "a.b → B")],
            data: .object(["n": .number(1), "s": .string("x"), "l": .array([.bool(true), .null])]))
        #expect(try roundTrip(diagnostic) == diagnostic)
        let object = try json(diagnostic)
        #expect(object["severity"] as? Int == 2)
        #expect(object["tags"] as? [Int] == [1])
        #expect((object["codeDescription"] as? [String: Any])?["href"] as? String == "https://heaplint.dev/rules/hl101-x")
    }

    @Test func requestIDsKeepTheirJSONType() throws {
        #expect(try roundTrip(RequestID.number(7)) == .number(7))
        #expect(try roundTrip(RequestID.string("7")) == .string("7"))
        let envelope = try JSONDecoder().decode(IncomingEnvelope.self, from: Data(#"{"jsonrpc":"2.0","id":"abc","method":"shutdown"}"#.utf8))
        #expect(envelope.id == .string("abc"))
        #expect(envelope.method == "shutdown")
    }

    @Test func responseWithoutResultEncodesNull() throws {
        let data = try JSONEncoder().encode(ResponseMessage<JSONValue>(id: .number(1), result: nil))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""result":null"#))
        let error = try json(ResponseMessage<JSONValue>(id: nil, error: ResponseError(code: -32700, message: "bad")))
        #expect(error["id"] is NSNull)
        #expect((error["error"] as? [String: Any])?["code"] as? Int == -32700)
    }

    @Test func initializeParamsDecodeFromAClientPayload() throws {
        let payload = #"""
        {"processId": 12, "rootUri": "file:///w", "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]},
         "window": {"workDoneProgress": true}, "textDocument": {"hover": {"contentFormat": ["markdown"]}}},
         "initializationOptions": {"select": ["HL1"], "targetVersion": "py312"},
         "workspaceFolders": [{"uri": "file:///w", "name": "w"}], "unknownField": 3}
        """#
        let params = try JSONDecoder().decode(InitializeParams.self, from: Data(payload.utf8))
        #expect(params.capabilities?.general?.positionEncodings == ["utf-8", "utf-16"])
        #expect(params.capabilities?.window?.workDoneProgress == true)
        #expect(params.initializationOptions?["select"]?.stringList == ["HL1"])
        #expect(params.workspaceFolders == [WorkspaceFolder(uri: "file:///w", name: "w")])
    }

    @Test func contentChangeWithAndWithoutRange() throws {
        let full = try JSONDecoder().decode(TextDocumentContentChangeEvent.self, from: Data(#"{"text":"x"}"#.utf8))
        #expect(full.range == nil)
        let partial = TextDocumentContentChangeEvent(
            range: LSPRange(start: Position(line: 0, character: 1), end: Position(line: 0, character: 2)), text: "é")
        #expect(try roundTrip(partial) == partial)
    }

    @Test func workspaceReportAlwaysCarriesVersion() throws {
        let report = WorkspaceDocumentDiagnosticReport(kind: "full", resultId: "1", uri: "file:///a.py", version: nil, items: [])
        let object = try json(report)
        #expect(object.keys.contains("version"))
        #expect(object["version"] is NSNull)
        #expect(try roundTrip(report) == report)
    }

    @Test func jsonValueIntegersStayIntegers() throws {
        let data = try JSONEncoder().encode(JSONValue.object(["a": .number(3), "b": .number(0.5)]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""a":3"#))
        #expect(text.contains(#""b":0.5"#))
    }
}
