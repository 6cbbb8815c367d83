/// The nearest proper ancestor of a node that satisfies a test, remembered for every node a lookup
/// passes through. Walking each node's ancestors on its own is quadratic where nodes nest deeply:
/// a chained assignment `a0 = a1 = ... = []` nests its N assignments, so N walks cost N²/2 steps.
/// With the memo every node is walked past once, whatever the order of the lookups.
public struct NearestAncestor {
    private let matches: (Node) -> Bool
    /// Node index -> the nearest node at or above it that matches (-1: none up to the root).
    private var memo: [NodeIndex: NodeIndex] = [:]

    public init(where matches: @escaping (Node) -> Bool) {
        self.matches = matches
    }

    /// The nearest ancestor of `node` (not `node` itself) for which the test holds.
    public mutating func of(_ node: Node) -> Node? {
        var passed: [NodeIndex] = []
        var found: NodeIndex = -1
        var current = node.parent
        while let step = current {
            if let known = memo[step.index] { found = known; break }
            if matches(step) { found = step.index; break }
            passed.append(step.index)
            current = step.parent
        }
        for index in passed { memo[index] = found }
        return found < 0 ? nil : Node(tree: node.tree, index: found)
    }
}
