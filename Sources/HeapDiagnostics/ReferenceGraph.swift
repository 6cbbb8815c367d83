import HeapModel

/// A finding's reference path as a graph: the objects (nodes) and the slots that hold them (edges),
/// with ids, so a picture can be drawn from it (text art, Graphviz DOT, SVG, or another tool from JSON).
///
/// Built only from the explanation's `ReferenceStep`s. Consecutive steps continue from the object the
/// previous one reached, so each step adds one node, except the last step of a cycle: when it leads back
/// to an object already on the path (the first one for a ring, an inner one for a lasso), it becomes the
/// *closing* edge into that node. A step that does not start where the previous one ended starts a new
/// node (the path has a gap there and is drawn as written); a name the previous one extends or shortens
/// (`_cache (line 5)` then `_cache`) continues from the same object (see `sameObject`). Labels alone do
/// not identify objects: two `Category` objects in `Category.subcategories → list → Category` are two nodes.
public struct ReferenceGraph: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        /// `n0`, `n1`, ...: stable within one finding, in path order.
        public var id: String
        /// The object as the explanation names it: `TreeNode`, `list`, `frame of f()`, `bound method A.m`.
        public var label: String
        /// A coarse kind for styling: frame, bound-method, function, cell, container, exception, traceback, object.
        public var kind: String
        /// 1-based line that made the object, when its label names one (`_cache (line 5)`).
        public var line: Int?
        /// 1-based line of the expression the heap model saw allocate the object (`root = Link()`), from
        /// the path's steps: where tracemalloc would say it was allocated. Nil when the model does not know
        /// (the object existed before the analysed code ran, or the path comes from a search that does not
        /// record it).
        public var allocated: Int? = nil
    }

    public struct Edge: Sendable, Hashable {
        public var from: String
        public var to: String
        /// The slot through which `from` holds `to` (`children`, `__self__`, `f_locals[e]`, `tb_frame`); empty
        /// for an element of a container (`list → Node`).
        public var slot: String
        /// 1-based line of the statement that creates the reference, when known.
        public var line: Int?
        /// The edge that closes the cycle (leads back to an object already on the path).
        public var closing: Bool
    }

    public var nodes: [Node]
    public var edges: [Edge]

    public init(nodes: [Node], edges: [Edge]) {
        self.nodes = nodes
        self.edges = edges
    }

    /// The graph of `path`; empty for an empty path.
    public init(path: [ReferenceStep]) {
        var nodes: [Node] = []
        var edges: [Edge] = []
        func addNode(_ label: String, allocated: Int?) -> String {
            let id = "n\(nodes.count)"
            nodes.append(Node(id: id, label: label, kind: Self.kind(of: label), line: Self.line(in: label), allocated: allocated))
            return id
        }
        /// A node reached again (the closing edge's target, or a step continuing from it) may learn its
        /// allocation line from a later step.
        func noteAllocated(_ id: String, _ line: Int?) {
            guard let line, let index = nodes.firstIndex(where: { $0.id == id }), nodes[index].allocated == nil else { return }
            nodes[index].allocated = line
        }
        var current: String? = nil
        for (index, step) in path.enumerated() {
            let from: String
            if let current, let label = nodes.first(where: { $0.id == current })?.label, Self.sameObject(label, step.from) {
                from = current
                noteAllocated(current, step.fromAllocatedAt)
            } else {
                from = addNode(step.from, allocated: step.fromAllocatedAt)
            }
            let isLast = index == path.count - 1
            var to: String
            var closing = false
            if isLast, let first = nodes.first, first.label == step.to {
                to = first.id
                closing = true
                noteAllocated(to, step.toAllocatedAt)
            } else if isLast, let earlier = nodes.last(where: { $0.label == step.to }) {
                // A lasso: the path ends in an object it passed through (or a self-reference).
                to = earlier.id
                closing = true
                noteAllocated(to, step.toAllocatedAt)
            } else {
                to = addNode(step.to, allocated: step.toAllocatedAt)
            }
            edges.append(Edge(from: from, to: to, slot: step.via, line: step.line, closing: closing))
            current = to
        }
        self.nodes = nodes
        self.edges = edges
    }

    /// Whether two names on a path denote the object the path just reached: the same name, or one
    /// the other with words added (`_graveyard (line 2)` then `_graveyard`; `bound method self._drop` then
    /// `bound method`; `module` then `module globals`), as retention paths write them.
    public static func sameObject(_ reached: String, _ next: String) -> Bool {
        if reached == next { return true }
        let (shorter, longer) = reached.count < next.count ? (reached, next) : (next, reached)
        return !shorter.isEmpty && longer.hasPrefix(shorter + " ")
    }

    /// The line a label names (`_cache (line 5)`, `set (created once, line 4)`), if any.
    static func line(in label: String) -> Int? {
        guard label.hasSuffix(")"), let range = label.lastScalarRange(of: "line ") else { return nil }
        return Int(label[range.upperBound...].dropLast())
    }

    public var isEmpty: Bool { nodes.isEmpty }
    /// True when an edge leads back into the path: drawn as a ring rather than a chain.
    public var isCycle: Bool { edges.contains(where: \.closing) }
    public var closingEdge: Edge? { edges.first(where: \.closing) }

    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

    /// The slot as the arrow's caption: `.children`, `.__self__`, `.f_locals[e]`, `[*]` for an element.
    public static func caption(of slot: String) -> String {
        if slot.isEmpty { return "[*]" }
        if slot.hasPrefix("[") { return slot }
        return "." + slot
    }

    /// The path on one line for a hover: `Tree ─.children→ list ─[*]→ Node ─.parent→ ↺ Tree`; `↺` marks
    /// the object a closing edge returns to, `┆` a gap in the path.
    public var arrowChain: String {
        var text = ""
        var current: String? = nil
        for edge in edges {
            if edge.from != current {
                if !text.isEmpty { text += " ┆ " }
                text += node(edge.from)?.label ?? edge.from
            }
            text += " ─\(Self.caption(of: edge.slot))→ " + (edge.closing ? "↺ " : "") + (node(edge.to)?.label ?? edge.to)
            current = edge.to
        }
        return text
    }

    static func kind(of label: String) -> String {
        let lower = label.lowercased()
        if lower.hasPrefix("frame of") || lower == "frame" { return "frame" }
        if lower.hasPrefix("bound method") { return "bound-method" }
        if lower.hasPrefix("function") || lower.hasPrefix("lambda") || lower.hasPrefix("closure") { return "function" }
        if lower.hasPrefix("cell(") || lower == "cell" { return "cell" }
        if lower.hasPrefix("traceback") { return "traceback" }
        if lower.hasPrefix("exception") || lower.hasSuffix("error") || lower.hasSuffix("exception") { return "exception" }
        let containers = ["list", "dict", "set", "frozenset", "tuple", "deque", "defaultdict", "ordereddict",
                          "exc_info tuple", "weakvaluedictionary"]
        if containers.contains(where: { lower == $0 || lower.hasPrefix($0 + " ") || lower.hasPrefix($0 + "[") }) {
            return "container"
        }
        return "object"
    }

    /// The JSON form: `{"nodes": [{"id", "label", "kind", "line"?, "allocated"?}], "edges": [{"from", "to", "slot", "line", "closing"}]}`.
    /// `lineLabel` maps a module line to the JSON fields for it (`{"line": 7}`, or with `cell` in a notebook).
    public func jsonObject(lineFields: (Int) -> [String: Any] = { ["line": $0] }) -> [String: Any] {
        [
            "nodes": nodes.map { node -> [String: Any] in
                var object: [String: Any] = ["id": node.id, "label": node.label, "kind": node.kind]
                if let line = node.line {
                    for (key, value) in lineFields(line) { object[key] = value }
                }
                if let allocated = node.allocated {
                    // In a notebook `lineFields` gives the row within a cell and the cell: `allocated_cell`.
                    for (key, value) in lineFields(allocated) { object[key == "line" ? "allocated" : "allocated_" + key] = value }
                }
                return object
            },
            "edges": edges.map { edge -> [String: Any] in
                var object: [String: Any] = ["from": edge.from, "to": edge.to, "slot": edge.slot, "closing": edge.closing]
                if let line = edge.line {
                    for (key, value) in lineFields(line) { object[key] = value }
                }
                return object
            },
        ]
    }
}
