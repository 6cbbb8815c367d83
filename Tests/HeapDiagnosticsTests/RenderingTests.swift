import Foundation
import Testing
import HeapDiagnostics
import HeapModel
import HeapRules
import HeapSyntax

/// Renderers on a diagnostic that carries a heap explanation and a fix (no rule produces both yet).
@Suite struct RenderingTests {
    let text = "s = 'ü'\nnode.parent = node\n"

    func report(text: String? = nil) -> DiagnosticReport {
        let text = text ?? self.text
        let source = SourceText(text)
        // The finding covers the last line (without its newline).
        let lastLine = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        let start = text.utf8.count - lastLine.utf8.count - 1
        let site = SourceRange(start: start, end: start + lastLine.utf8.count)
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "Node", via: "parent", to: "Node", site: site, line: 2)],
            estimate: ByteEstimate(lowerBytes: 688, upperBytes: 688, version: .py311, basis: "1 instance with __dict__"),
            mechanism: "the cyclic garbage collector", remedy: "hold the parent through weakref.ref")
        let fix = Fix(title: "Use weakref.ref", applicability: .unsafe,
                      edits: [TextEdit(range: (site.end - 4)..<site.end, replacement: "weakref.ref(node)")])
        let finding = Finding(code: "HL001", range: site, message: "A <cycle> & \"more\"", severity: .warning,
                              explanation: explanation, fix: fix)
        let diagnostic = Diagnostic(path: "pkg/m.py", finding: finding, source: source)
        return DiagnosticReport(diagnostics: [diagnostic], sources: ["pkg/m.py": source], checkedPaths: ["pkg/m.py"],
                                absolutePaths: ["pkg/m.py": "/abs/pkg/m.py"], workingDirectory: "/abs")
    }

    func json(_ string: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(string.utf8))
    }

    @Test func jsonCarriesFixAndExplanation() throws {
        let items = try #require(try json(Renderer.render(report(), as: .json)) as? [[String: Any]])
        let item = try #require(items.first)
        #expect(item["filename"] as? String == "/abs/pkg/m.py")
        #expect((item["location"] as? [String: Int]) == ["row": 2, "column": 1])
        #expect((item["end_location"] as? [String: Int]) == ["row": 2, "column": 19])
        let fix = try #require(item["fix"] as? [String: Any])
        #expect(fix["applicability"] as? String == "unsafe")
        let edit = try #require((fix["edits"] as? [[String: Any]])?.first)
        #expect(edit["content"] as? String == "weakref.ref(node)")
        #expect((edit["location"] as? [String: Int]) == ["row": 2, "column": 15])
        let explanation = try #require(item["explanation"] as? [String: Any])
        let step = try #require((explanation["path"] as? [[String: Any]])?.first)
        #expect(step["via"] as? String == "parent")
        #expect((step["location"] as? [String: Int]) == ["row": 2, "column": 1])
        #expect((explanation["estimate"] as? [String: Any])?["lower_bytes"] as? Int == 688)
    }

    @Test func sarifRelatedLocationsFromThePath() throws {
        let log = try #require(try json(Renderer.render(report(), as: .sarif)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        #expect(result["level"] as? String == "warning")
        let related = try #require(result["relatedLocations"] as? [[String: Any]])
        #expect(related.count == 1)
        let region = (related[0]["physicalLocation"] as? [String: Any])?["region"] as? [String: Int]
        #expect(region?["startLine"] == 2)
    }

    @Test func textShowsCaretAndExplanation() {
        let out = Renderer.render(report(), as: .text)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "pkg/m.py:2:1: HL001 A <cycle> & \"more\"")
        #expect(lines.contains("2 | node.parent = node"))
        #expect(lines.contains("  | ^^^^^^^^^^^^^^^^^^"))
        #expect(out.contains("reference path: Node.parent (line 2) → Node"))
        #expect(out.contains("~688 B"))
        #expect(out.contains("help: hold the parent through weakref.ref"))
        #expect(out.contains("unsafe fix"))
    }

    @Test func coloredTextIsThePlainTextWithSGRCodes() {
        let plain = Renderer.render(report(), as: .text)
        let colored = Renderer.render(report(), as: .text, colored: true)
        #expect(colored.hasPrefix("\u{1B}[1mpkg/m.py\u{1B}[0m\u{1B}[36m:\u{1B}[0m2"))
        #expect(colored.contains("\u{1B}[1;31mHL001\u{1B}[0m"))
        #expect(colored.replacing(/\u{1B}\[[0-9;]*m/, with: "") == plain)
        #expect(!Renderer.render(report(), as: .json, colored: true).contains("\u{1B}"))
    }

    @Test func junitIsEscaped() {
        let out = Renderer.render(report(), as: .junit)
        #expect(out.contains("A &lt;cycle&gt; &amp; &quot;more&quot;"))
        #expect(!out.contains("<cycle>"))
    }

    @Test func githubEscapesProperties() {
        let out = Renderer.render(report(), as: .github)
        #expect(out.hasPrefix("::warning title=heaplint (HL001),file=pkg/m.py,line=2,col=1,endLine=2,endColumn=19::"))
    }
    @Test func sarifBaseIdsFingerprintsAndFixes() throws {
        let log = try #require(try json(Renderer.render(report(), as: .sarif)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let bases = run["originalUriBaseIds"] as? [String: [String: String]]
        #expect(bases?["%SRCROOT%"]?["uri"] == "file:///abs/")
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect((invocation["workingDirectory"] as? [String: String])?["uri"] == "file:///abs/")
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((location?["artifactLocation"] as? [String: String]) == ["uri": "pkg/m.py", "uriBaseId": "%SRCROOT%"])
        let replacement = try #require(((((result["fixes"] as? [[String: Any]])?.first?["artifactChanges"]
            as? [[String: Any]])?.first?["replacements"]) as? [[String: Any]])?.first)
        #expect((replacement["insertedContent"] as? [String: String])?["text"] == "weakref.ref(node)")
        #expect((replacement["deletedRegion"] as? [String: Int])?["startColumn"] == 15)
        // The fingerprint ignores the line number: two more lines above leave it unchanged.
        func print(_ r: DiagnosticReport) throws -> String? {
            let log = try json(Renderer.render(r, as: .sarif)) as? [String: Any]
            let result = ((log?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first
            return (result?["partialFingerprints"] as? [String: String])?["heaplintFingerprint/v1"]
        }
        let before = try #require(try print(report()))
        #expect(try print(report(text: "import os\n\n" + text)) == before)
        #expect(try print(report(text: "s = 1\nnode.parent =  node\n")) == before)  // whitespace only
        #expect(try print(report(text: "s = 1\nnode.child = node\n")) != before)
    }

    @Test func gitlabAndRdjson() throws {
        let issues = try #require(try json(Renderer.render(report(), as: .gitlab)) as? [[String: Any]])
        #expect(issues.first?["check_name"] as? String == "HL001")
        #expect((issues.first?["location"] as? [String: Any])?["path"] as? String == "pkg/m.py")
        let rd = try #require(try json(Renderer.render(report(), as: .rdjson)) as? [String: Any])
        let diagnostic = try #require((rd["diagnostics"] as? [[String: Any]])?.first)
        #expect(diagnostic["severity"] as? String == "WARNING")
        #expect(((diagnostic["suggestions"] as? [[String: Any]])?.first?["text"]) as? String == "weakref.ref(node)")
    }
}
