import Foundation
import Testing
import HeapDiagnostics
import HeapModel
import HeapRules
import HeapSyntax

/// The graph built from a reference path, and the pictures drawn from it.
@Suite struct ReferenceGraphTests {
    /// `frame of f().f_locals[e] → exception; exception.__traceback__ → traceback; traceback.tb_frame → frame of f()`.
    let frameCycle = [
        ReferenceStep(from: "frame of f()", via: "f_locals[e]", to: "exception", line: 4),
        ReferenceStep(from: "exception", via: "__traceback__", to: "traceback"),
        ReferenceStep(from: "traceback", via: "tb_frame", to: "frame of f()"),
    ]

    @Test func ringClosesOnTheFirstObject() {
        let graph = ReferenceGraph(path: frameCycle)
        #expect(graph.nodes.map(\.label) == ["frame of f()", "exception", "traceback"])
        #expect(graph.nodes.map(\.id) == ["n0", "n1", "n2"])
        #expect(graph.nodes.map(\.kind) == ["frame", "exception", "traceback"])
        #expect(graph.edges.map(\.slot) == ["f_locals[e]", "__traceback__", "tb_frame"])
        #expect(graph.edges.map(\.closing) == [false, false, true])
        #expect(graph.closingEdge?.from == "n2" && graph.closingEdge?.to == "n0")
        #expect(graph.edges[0].line == 4 && graph.edges[1].line == nil)
        #expect(graph.isCycle)
    }

    @Test func nodesCarryTheLinesTheirObjectsWereAllocatedAt() throws {
        // `root = Link()` (line 5) then `root.next = root` (line 6): the closing step names the allocation.
        var step = ReferenceStep(from: "Link", via: "next", to: "Link", line: 6)
        step.fromAllocatedAt = 5
        step.toAllocatedAt = 5
        let ring = ReferenceGraph(path: [step])
        #expect(ring.nodes.map(\.allocated) == [5])
        // Learnt from a later step when the first one does not say: the closing edge's target.
        var first = ReferenceStep(from: "Tree", via: "children", to: "list", line: 3)
        first.toAllocatedAt = 3
        var last = ReferenceStep(from: "list", via: "", to: "Tree")
        last.toAllocatedAt = 9
        let tree = ReferenceGraph(path: [first, last])
        #expect(tree.nodes.map(\.allocated) == [9, 3])
        let json = tree.jsonObject()
        let nodes = try #require(json["nodes"] as? [[String: Any]])
        #expect(nodes.map { $0["allocated"] as? Int } == [9, 3])
        #expect(nodes.allSatisfy { $0["line"] == nil })
        // Without allocation lines (frame paths) the key is absent.
        let frame = try #require(ReferenceGraph(path: frameCycle).jsonObject()["nodes"] as? [[String: Any]])
        #expect(frame.allSatisfy { $0["allocated"] == nil })
    }

    @Test func sameTypeTwiceIsTwoObjects() {
        // Category.subcategories → list → Category; Category.parent → Category: parent and child.
        let graph = ReferenceGraph(path: [
            ReferenceStep(from: "Category", via: "subcategories", to: "list", line: 26),
            ReferenceStep(from: "list", via: "", to: "Category"),
            ReferenceStep(from: "Category", via: "parent", to: "Category", line: 21),
        ])
        #expect(graph.nodes.map(\.label) == ["Category", "list", "Category"])
        #expect(graph.edges.map(\.closing) == [false, false, true])
        #expect(graph.edges.last?.to == "n0")
        #expect(ReferenceGraph.caption(of: graph.edges[1].slot) == "[*]")
    }

    @Test func selfReferenceAndChain() {
        let loop = ReferenceGraph(path: [ReferenceStep(from: "list", via: "", to: "list", line: 6)])
        #expect(loop.nodes.count == 1 && loop.edges.first?.from == "n0" && loop.edges.first?.to == "n0")
        #expect(loop.edges.first?.closing == true)

        let chain = ReferenceGraph(path: [
            ReferenceStep(from: "module", via: "CACHE", to: "dict", line: 1),
            ReferenceStep(from: "dict", via: "", to: "Response", line: 5),
        ])
        #expect(!chain.isCycle && chain.nodes.count == 3)
    }

    @Test func arrowChainForHovers() {
        #expect(ReferenceGraph(path: frameCycle).arrowChain
                == "frame of f() ─.f_locals[e]→ exception ─.__traceback__→ traceback ─.tb_frame→ ↺ frame of f()")
    }

    @Test func textArtDrawsBoxesArrowsAndTheClosingRail() {
        let art = GraphDrawing.textArt(ReferenceGraph(path: frameCycle))
        let lines = art.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("┌") }.count == 3)
        #expect(art.contains("│ frame of f() │◀"))
        #expect(art.contains(".f_locals[e]  line 4"))
        #expect(art.contains(".__traceback__"))
        #expect(lines.contains { $0.contains(".tb_frame") && $0.contains("closes the cycle") })
        #expect(lines.last?.hasPrefix("  └") == true && lines.last?.hasSuffix("┘") == true)
        // The rail is one column: every line that carries it ends in the same column.
        let railed = lines.drop(while: { !$0.contains("◀") }).dropFirst()
        let columns = Set(railed.map { $0.unicodeScalars.count })
        #expect(columns.count == 1)
    }

    @Test func dotEscapesAndMarksTheClosingEdge() {
        let graph = ReferenceGraph(path: [ReferenceStep(from: "A \"x\"", via: "b", to: "A \"x\"", line: 2)])
        let dot = GraphDrawing.dot([(title: "HL101 t.py:2:1", graph: graph)])
        #expect(dot.hasPrefix("digraph heaplint {"))
        #expect(dot.contains("n0 [label=\"A \\\"x\\\"\"];"))
        #expect(dot.contains("n0 -> n0 [label=\".b\\nline 2\", color="))
    }

    @Test func dotPutsSeveralFindingsInClustersWithDistinctNodeIds() {
        let one = ReferenceGraph(path: frameCycle)
        let two = ReferenceGraph(path: [ReferenceStep(from: "a", via: "x", to: "b")])
        let dot = GraphDrawing.dot([(title: "first", graph: one), (title: "second", graph: two)])
        #expect(dot.contains("subgraph cluster_0 {") && dot.contains("subgraph cluster_1 {"))
        #expect(dot.contains("f0_n2 -> f0_n0") && dot.contains("f1_n0 -> f1_n1"))
        #expect(dot.components(separatedBy: "{").count == dot.components(separatedBy: "}").count)
    }

    @Test func ringLayoutKeepsBoxesApartFrom2To12Objects() {
        for count in [2, 3, 5, 12] {
            let labels = (0..<count).map { "Object\($0)WithALongerName" }
            var path = zip(labels, labels.dropFirst() + [labels[0]]).map { ReferenceStep(from: $0, via: "next", to: $1) }
            path[path.count - 1].to = labels[0]
            let graph = ReferenceGraph(path: path)
            #expect(graph.nodes.count == count && graph.isCycle)
            let layout = GraphDrawing.layout(graph)
            let centres = layout.centres
            for (i, a) in centres.enumerated() {
                #expect(a.x - layout.boxWidth / 2 >= 0 && a.x + layout.boxWidth / 2 <= layout.width)
                #expect(a.y - layout.boxHeight / 2 >= 0 && a.y + layout.boxHeight / 2 <= layout.height)
                for b in centres[(i + 1)...] {
                    let overlaps = abs(a.x - b.x) < layout.boxWidth && abs(a.y - b.y) < layout.boxHeight
                    #expect(!overlaps, "boxes \(a.id) and \(b.id) overlap in a ring of \(count)")
                }
            }
            // The first object at the top of the ring.
            #expect(centres[0].y == centres.map(\.y).min())
        }
    }

    @Test func chainLayoutIsARow() {
        let graph = ReferenceGraph(path: [
            ReferenceStep(from: "a", via: "x", to: "b"), ReferenceStep(from: "b", via: "y", to: "c"),
        ])
        let centres = GraphDrawing.layout(graph).centres
        #expect(Set(centres.map(\.y)).count == 1)
        #expect(centres.map(\.x) == centres.map(\.x).sorted())
    }

    @Test func svgCarriesLabelsAndClosingClass() {
        let svg = GraphDrawing.svg(ReferenceGraph(path: frameCycle), title: "HL201")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains(">frame of f()</text>"))
        #expect(svg.contains(">.tb_frame</text>"))
        #expect(svg.contains("class=\"edge closing\""))
        #expect(svg.components(separatedBy: "class=\"edge closing\"").count == 2)
    }

    /// One diagnostic with a self-referencing path and an unsafe fix, in a two-line file.
    func report() -> DiagnosticReport {
        let text = "s = 1\nnode.parent = node\n"
        let source = SourceText(text)
        let site = SourceRange(start: 6, end: 24)
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "Node", via: "parent", to: "Node", site: site, line: 2)],
            estimate: ByteEstimate(lowerBytes: 688, upperBytes: 688, version: .py311, basis: "1 instance"),
            mechanism: "the cyclic garbage collector", remedy: "hold the parent through weakref.ref")
        let fix = Fix(title: "Use weakref.ref", applicability: .unsafe,
                      edits: [TextEdit(range: (site.end - 4)..<site.end, replacement: "weakref.ref(node)")])
        let finding = Finding(code: "HL101", range: site, message: "A <cycle> & \"more\"", severity: .warning,
                              explanation: explanation, fix: fix)
        let diagnostic = Diagnostic(path: "pkg/m.py", finding: finding, source: source)
        return DiagnosticReport(diagnostics: [diagnostic], sources: ["pkg/m.py": source], checkedPaths: ["pkg/m.py"])
    }

    @Test func jsonCarriesTheGraph() throws {
        let items = try #require(try JSONSerialization.jsonObject(with: Data(Renderer.render(report(), as: .json).utf8)) as? [[String: Any]])
        let graph = try #require(items.first?["graph"] as? [String: Any])
        let nodes = try #require(graph["nodes"] as? [[String: Any]])
        let edges = try #require(graph["edges"] as? [[String: Any]])
        #expect(nodes.count == 1 && nodes[0]["id"] as? String == "n0" && nodes[0]["label"] as? String == "Node")
        #expect(edges.count == 1 && edges[0]["slot"] as? String == "parent" && edges[0]["line"] as? Int == 2)
        #expect(edges[0]["closing"] as? Bool == true)
    }

    @Test func htmlHasExcerptDrawingEscapingAndFixDiff() {
        let html = Renderer.render(report(), as: .html)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("A &lt;cycle&gt; &amp; &quot;more&quot;"))
        #expect(html.contains("<span class=\"line flagged\"><span class=\"ln\">2</span> node.parent = node</span>"))
        #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(html.contains("id=\"f1-arrow-closing\""))
        #expect(html.contains("<span class=\"del\">- node.parent = node</span>"))
        #expect(html.contains("<span class=\"ins\">+ node.parent = weakref.ref(node)</span>"))
        #expect(html.contains("1 finding in 1 file (1 file checked)"))
        #expect(!html.contains("<script src") && !html.contains("<link"))
    }
}
