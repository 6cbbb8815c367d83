#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// Pictures of a `ReferenceGraph`: terminal text art, Graphviz DOT and an SVG whose layout is computed
/// here (a cycle is a ring, a chain is a row). None of them analyses anything.
public enum GraphDrawing {
    // MARK: text art

    /// The path as boxes joined by labelled arrows, top to bottom; a closing edge runs up a rail on the
    /// right back into the box it returns to, marked `closes the cycle`.
    ///
    ///     ┌────────┐
    ///     │ Car    │◀──────────────────┐
    ///     └────────┘                   │
    ///       │ .engine  line 61         │
    ///       ▼                          │
    ///     ┌────────┐                   │
    ///     │ Engine │                   │
    ///     └────────┘                   │
    ///       │ .car  line 56  ← closes the cycle
    ///       └──────────────────────────┘
    public static func textArt(_ graph: ReferenceGraph, lineLabel: (Int) -> String = { "line \($0)" }) -> String {
        guard !graph.isEmpty else { return "" }
        let inner = max(graph.nodes.map { width($0.label) }.max() ?? 0, 6)
        enum Rail { case none, into, through, closing, bottom }
        var rows: [(text: String, rail: Rail)] = []
        let closing = graph.closingEdge
        let last = graph.nodes.count - 1
        func caption(_ edge: ReferenceGraph.Edge) -> String {
            var text = "  │ " + ReferenceGraph.caption(of: edge.slot)
            if let line = edge.line { text += "  " + lineLabel(line) }
            if edge.closing { text += "  ← closes the cycle" }
            return text
        }
        var railOpen = false
        for (index, node) in graph.nodes.enumerated() {
            let isTarget = closing?.to == node.id
            rows.append(("┌" + String(repeating: "─", count: inner + 2) + "┐", railOpen ? .through : .none))
            if isTarget { railOpen = true }
            let pass: Rail = railOpen ? .through : .none
            rows.append(("│ " + pad(node.label, inner) + " │", isTarget ? .into : pass))
            rows.append(("└" + String(repeating: "─", count: inner + 2) + "┘", pass))
            if index < last {
                if let edge = graph.edges.first(where: { $0.from == node.id && $0.to == graph.nodes[index + 1].id }) {
                    rows.append((caption(edge), pass))
                    rows.append(("  ▼", pass))
                } else {
                    rows.append(("  ┆ (the path continues from another object)", pass))
                }
            }
        }
        if let closing {
            rows.append((caption(closing), .closing))
            rows.append(("", .bottom))
        }
        let railColumn = (rows.map { width($0.text) }.max() ?? 0) + 2
        var out = ""
        for row in rows {
            var line = row.text
            switch row.rail {
            case .none: break
            case .into:
                line += "◀" + String(repeating: "─", count: max(1, railColumn - width(row.text) - 1)) + "┐"
            case .through, .closing:
                line = pad(line, railColumn) + "│"
            case .bottom:
                line = "  └" + String(repeating: "─", count: railColumn - 3) + "┘"
            }
            out += trimmedRight(line) + "\n"
        }
        return out
    }

    // MARK: Graphviz DOT

    /// One `digraph`; several graphs (findings on one line) become one cluster each.
    public static func dot(_ graphs: [(title: String, graph: ReferenceGraph)], lineLabel: (Int) -> String = { "line \($0)" }) -> String {
        var out = "digraph heaplint {\n"
        out += "  node [shape=box, style=\"rounded\", fontname=\"monospace\"];\n"
        out += "  edge [fontname=\"monospace\", fontsize=10];\n"
        let clustered = graphs.count > 1
        for (index, item) in graphs.enumerated() {
            let prefix = clustered ? "f\(index)_" : ""
            let indent = clustered ? "    " : "  "
            if clustered {
                out += "  subgraph cluster_\(index) {\n"
            }
            out += "\(indent)label=\(quoted(item.title));\n"
            if !item.graph.isCycle { out += "\(indent)rankdir=LR;\n" }
            for node in item.graph.nodes {
                out += "\(indent)\(prefix)\(node.id) [label=\(quoted(node.label))];\n"
            }
            for edge in item.graph.edges {
                var label = ReferenceGraph.caption(of: edge.slot)
                if let line = edge.line { label += "\n" + lineLabel(line) }
                var attributes = "label=\(quoted(label))"
                if edge.closing { attributes += ", color=\"#c0392b\", fontcolor=\"#c0392b\", penwidth=2, style=bold" }
                out += "\(indent)\(prefix)\(edge.from) -> \(prefix)\(edge.to) [\(attributes)];\n"
            }
            if clustered { out += "  }\n" }
        }
        out += "}\n"
        return out
    }

    /// A DOT double-quoted string: `"` and `\` escaped, a newline as `\n`.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": break
            default: out.append(character)
            }
        }
        return out + "\""
    }

    // MARK: layout and SVG

    /// Where each node's box sits (its centre) and how big the picture is, in SVG user units.
    public struct Layout: Sendable, Equatable {
        public var positions: [String: (x: Double, y: Double)] {
            Dictionary(uniqueKeysWithValues: centres.map { ($0.id, (x: $0.x, y: $0.y)) })
        }
        public var centres: [Centre]
        public var boxWidth: Double
        public var boxHeight: Double
        public var width: Double
        public var height: Double

        public struct Centre: Sendable, Equatable {
            public var id: String
            public var x: Double
            public var y: Double
        }
    }

    static let charWidth = 7.2
    static let boxHeight = 30.0

    /// A cycle's objects on a circle (the first at the top, then clockwise), big enough that neighbouring
    /// boxes do not touch; a chain's objects in a row (wrapped to rows of at most 4).
    public static func layout(_ graph: ReferenceGraph) -> Layout {
        let longest = graph.nodes.map { width($0.label) }.max() ?? 1
        let boxWidth = Double(max(longest, 6)) * charWidth + 20
        let n = graph.nodes.count
        // Room for the widest arrow caption (`.f_locals[error] (line 1234)`).
        let captionWidth = Double(graph.edges.map { width(ReferenceGraph.caption(of: $0.slot)) + ($0.line == nil ? 0 : 12) }.max() ?? 0) * charWidth
        var centres: [Layout.Centre] = []
        if graph.isCycle && n > 1 {
            // Chord between neighbours must clear a box plus room for the slot caption.
            // Neighbours side by side (the bottom of a triangle) need a box width and room for an arrow.
            let needed = boxWidth + 70
            let radius = max(needed / (2 * sin(Double.pi / Double(n))), 70)
            let margin = max(boxWidth / 2, captionWidth) + 20
            let cx = radius + margin, cy = radius + boxHeight + 30
            for (index, node) in graph.nodes.enumerated() {
                let angle = -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(n)
                centres.append(.init(id: node.id, x: cx + radius * cos(angle), y: cy + radius * sin(angle)))
            }
            return Layout(centres: centres, boxWidth: boxWidth, boxHeight: boxHeight,
                          width: 2 * (radius + margin), height: 2 * (radius + boxHeight + 30))
        }
        // Rows of at most 4 objects, fewer when the boxes are wide (a page is about 900 units wide).
        let gap = max(110, captionWidth + 30)
        let perRow = max(1, min(4, Int((900 + gap) / (boxWidth + gap))))
        let rowHeight = boxHeight + 80
        let top = graph.isCycle ? 60.0 : 30.0  // a self-reference loops above its box
        let columns = min(n, perRow)
        let rows = (n + perRow - 1) / perRow
        let rowWidth = Double(columns) * boxWidth + Double(max(columns - 1, 0)) * gap
        let totalWidth = max(40 + rowWidth, captionWidth + 40)
        let left = (totalWidth - rowWidth) / 2
        for (index, node) in graph.nodes.enumerated() {
            let column = index % perRow, row = index / perRow
            centres.append(.init(id: node.id, x: left + boxWidth / 2 + Double(column) * (boxWidth + gap),
                                 y: top + boxHeight / 2 + Double(row) * rowHeight))
        }
        return Layout(centres: centres, boxWidth: boxWidth, boxHeight: boxHeight,
                      width: totalWidth, height: top + Double(rows - 1) * rowHeight + boxHeight + 20)
    }

    /// An inline SVG of the graph: boxes with the object labels (`<text class="node">`), arrows with the
    /// slot captions (`<text class="slot">`), the closing edge in the `closing` class. `title` is read by
    /// screen readers.
    /// `idPrefix` keeps the arrowhead markers' ids unique when several drawings share one page.
    public static func svg(_ graph: ReferenceGraph, title: String, idPrefix: String = "g",
                           lineLabel: (Int) -> String = { "line \($0)" }) -> String {
        let layout = layout(graph)
        let position = layout.positions
        let w = layout.boxWidth, h = layout.boxHeight
        func f(_ value: Double) -> String { fixedDecimal(value, digits: 1) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"path-graph\" "
        out += "viewBox=\"0 0 \(f(layout.width)) \(f(layout.height))\" width=\"\(f(layout.width))\" height=\"\(f(layout.height))\">"
        out += "<title>\(xml(title))</title>"
        let arrow = "\(idPrefix)-arrow", closingArrow = "\(idPrefix)-arrow-closing"
        func marker(_ id: String, _ cls: String) -> String {
            "<marker id=\"\(id)\" class=\"\(cls)\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\"/></marker>"
        }
        out += "<defs>" + marker(arrow, "head") + marker(closingArrow, "head closing") + "</defs>"
        for edge in graph.edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let caption = ReferenceGraph.caption(of: edge.slot) + (edge.line.map { " (\(lineLabel($0)))" } ?? "")
            let cls = edge.closing ? "edge closing" : "edge"
            let head = "url(#\(edge.closing ? closingArrow : arrow))"
            out += "<g class=\"\(cls)\" data-from=\"\(edge.from)\" data-to=\"\(edge.to)\">"
            var labelX: Double, labelY: Double
            var anchor = "middle"
            if edge.from == edge.to {
                // A self-reference: a loop over the top of the box.
                let top = a.y - h / 2
                out += "<path d=\"M\(f(a.x - 20)),\(f(top)) C\(f(a.x - 40)),\(f(top - 45)) \(f(a.x + 40)),\(f(top - 45)) \(f(a.x + 20)),\(f(top))\" marker-end=\"\(head)\"/>"
                labelX = a.x; labelY = top - 40
            } else {
                // Ring edges bend outwards (so the two edges of a 2-cycle do not overlap); chain edges are straight.
                let dx = b.x - a.x, dy = b.y - a.y
                let length = max((dx * dx + dy * dy).squareRoot(), 1)
                let bend = graph.isCycle ? min(30, length / 4) : 0
                let control = (x: (a.x + b.x) / 2 + dy / length * bend, y: (a.y + b.y) / 2 - dx / length * bend)
                let start = clip(from: a, to: control, w: w, h: h), end = clip(from: b, to: control, w: w, h: h)
                out += "<path d=\"M\(f(start.x)),\(f(start.y)) Q\(f(control.x)),\(f(control.y)) \(f(end.x)),\(f(end.y))\" marker-end=\"\(head)\"/>"
                // The caption beside the curve's middle, on its outer side, anchored away from it.
                let (nx, ny) = graph.isCycle ? (dy / length, -dx / length) : (0.0, -1.0)
                labelX = (start.x + 2 * control.x + end.x) / 4 + nx * 8
                labelY = (start.y + 2 * control.y + end.y) / 4 + ny * 8 + (ny > 0.3 ? 10 : ny < -0.3 ? -2 : 4)
                anchor = nx > 0.3 ? "start" : nx < -0.3 ? "end" : "middle"
            }
            out += "<text class=\"slot\" x=\"\(f(labelX))\" y=\"\(f(labelY))\" text-anchor=\"\(anchor)\">\(xml(caption))</text>"
            out += "</g>"
        }
        for centre in layout.centres {
            guard let node = graph.node(centre.id) else { continue }
            out += "<g class=\"obj kind-\(node.kind)\" data-id=\"\(node.id)\">"
            out += "<rect x=\"\(f(centre.x - w / 2))\" y=\"\(f(centre.y - h / 2))\" width=\"\(f(w))\" height=\"\(f(h))\" rx=\"5\"/>"
            out += "<text class=\"node\" x=\"\(f(centre.x))\" y=\"\(f(centre.y + 4.5))\" text-anchor=\"middle\">\(xml(node.label))</text>"
            out += "</g>"
        }
        return out + "</svg>"
    }

    /// The point where the segment from the centre `a` towards `b` leaves `a`'s box.
    static func clip(from a: (x: Double, y: Double), to b: (x: Double, y: Double), w: Double, h: Double) -> (x: Double, y: Double) {
        let dx = b.x - a.x, dy = b.y - a.y
        guard dx != 0 || dy != 0 else { return a }
        let sx = dx == 0 ? Double.infinity : (w / 2 + 2) / abs(dx)
        let sy = dy == 0 ? Double.infinity : (h / 2 + 2) / abs(dy)
        let s = min(sx, sy, 1)
        return (a.x + dx * s, a.y + dy * s)
    }

    static func xml(_ text: String) -> String { Renderer.xml(text) }

    static func width(_ text: String) -> Int { text.unicodeScalars.count }

    static func pad(_ text: String, _ columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }

    static func trimmedRight(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        while scalars.last == " " { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
