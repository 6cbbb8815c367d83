import CTreeSitter

/// An immutable, flattened copy of a tree-sitter tree.
///
/// The C tree is walked once with a cursor (no recursion) into parallel arrays indexed by `NodeIndex`.
/// Analysis then reads plain Swift arrays: no C calls, no reference counting per node, `Sendable`, and
/// depth-independent, so a file with 10,000 nested brackets is as safe to walk as a flat one.
public final class SyntaxTree: Sendable {
    public let source: SourceText
    @usableFromInline let records: [NodeRecord]
    /// Byte ranges of `ERROR` and `MISSING` nodes, in source order.
    public let syntaxErrors: [SyntaxError]

    init(source: SourceText, records: [NodeRecord], syntaxErrors: [SyntaxError]) {
        self.source = source
        self.records = records
        self.syntaxErrors = syntaxErrors
    }

    public var root: Node { Node(tree: self, index: 0) }
    public var nodeCount: Int { records.count }
    public var hasErrors: Bool { !syntaxErrors.isEmpty }

    public func node(_ index: NodeIndex) -> Node { Node(tree: self, index: index) }

    /// Every node in source (pre-)order. Iterative: the flat array is already in pre-order.
    public var allNodes: LazyMapSequence<Range<Int>, Node> {
        (0..<records.count).lazy.map { Node(tree: self, index: NodeIndex($0)) }
    }

    /// The smallest named node that contains `byteOffset` (comments and other extras are skipped).
    public func namedNode(at byteOffset: Int) -> Node {
        deepestNode(at: byteOffset, in: { $0.namedChildren })
    }

    /// The comment token holding `byteOffset`, if the offset lies inside one. One path from the root.
    public func comment(containing byteOffset: Int) -> Node? {
        let node = deepestNode(at: byteOffset, in: { $0.children }, stoppingAt: .comment)
        return node.kind == .comment ? node : nil
    }

    /// Descends from the root through the children (as `children` lists them) that contain the
    /// offset, without recursion; stops early at a node of kind `stop`.
    private func deepestNode(at byteOffset: Int, in children: (Node) -> NodeChildren,
                             stoppingAt stop: SyntaxKind? = nil) -> Node {
        var current = root
        descend: while current.kind != stop {
            for child in children(current) where child.range.start <= byteOffset && byteOffset < child.range.end {
                current = child
                continue descend
            }
            return current
        }
        return current
    }
}

public typealias NodeIndex = Int32

@usableFromInline
struct NodeRecord: Sendable {
    var start: UInt32
    var end: UInt32
    var parent: Int32
    var firstChild: Int32
    var nextSibling: Int32
    var kind: SyntaxKind
    var field: SyntaxField
    var flags: UInt8

    static let isNamed: UInt8 = 1
    static let isMissing: UInt8 = 2
    static let isExtra: UInt8 = 4
}

/// Where the parser had to recover. `isMissing` marks a token the parser inserted (such as a
/// closing bracket); otherwise the range holds text it could not fit into the grammar.
public struct SyntaxError: Sendable, Hashable {
    public let range: SourceRange
    public let isMissing: Bool
    /// For a missing token, the grammar's name of what was expected (`)` or `identifier`).
    public let expected: String?
}

/// A node of a `SyntaxTree`: an index plus the tree that owns it.
public struct Node: Sendable, Hashable {
    public let tree: SyntaxTree
    public let index: NodeIndex

    @inlinable init(tree: SyntaxTree, index: NodeIndex) {
        self.tree = tree
        self.index = index
    }

    public static func == (lhs: Node, rhs: Node) -> Bool { lhs.index == rhs.index && lhs.tree === rhs.tree }
    public func hash(into hasher: inout Hasher) { hasher.combine(index) }

    @usableFromInline var record: NodeRecord { tree.records[Int(index)] }

    public var kind: SyntaxKind { record.kind }
    /// The field this node fills in its parent (`function` of a call, `left` of an assignment).
    public var field: SyntaxField { record.field }
    public var isNamed: Bool { record.flags & NodeRecord.isNamed != 0 }
    public var isMissing: Bool { record.flags & NodeRecord.isMissing != 0 }
    /// Comments and line continuations: nodes that may appear anywhere.
    public var isExtra: Bool { record.flags & NodeRecord.isExtra != 0 }
    public var range: SourceRange { SourceRange(start: Int(record.start), end: Int(record.end)) }
    public var text: String { tree.source.text(range.range) }
    public var start: SourcePosition { tree.source.position(of: Int(record.start)) }
    public var end: SourcePosition { tree.source.position(of: Int(record.end)) }

    /// Whether this node's text equals `literal` (no allocation); for tokens and identifiers.
    public func textEquals(_ literal: StaticString) -> Bool { tree.source.bytes(range.range, equal: literal) }

    public var parent: Node? {
        let p = record.parent
        return p < 0 ? nil : Node(tree: tree, index: p)
    }

    public var children: NodeChildren { NodeChildren(tree: tree, first: record.firstChild, namedOnly: false) }
    public var namedChildren: NodeChildren { NodeChildren(tree: tree, first: record.firstChild, namedOnly: true) }
    public var firstChild: Node? { children.first(where: { _ in true }) }
    public var firstNamedChild: Node? { namedChildren.first(where: { _ in true }) }

    public var nextSibling: Node? {
        let s = record.nextSibling
        return s < 0 ? nil : Node(tree: tree, index: s)
    }

    public var nextNamedSibling: Node? {
        var s = nextSibling
        while let node = s, !node.isNamed || node.isExtra { s = node.nextSibling }
        return s
    }

    /// The first child that fills `field`.
    public func child(_ field: SyntaxField) -> Node? {
        children.first { $0.field == field }
    }

    /// All children that fill `field` (e.g. the `alias` of several imports).
    public func children(_ field: SyntaxField) -> [Node] {
        children.filter { $0.field == field }
    }

    /// Ancestors from the parent up to the module.
    public var ancestors: AncestorSequence { AncestorSequence(start: parent) }

    /// All descendants in pre-order, without this node. Because the flat array is in pre-order
    /// and a subtree is contiguous, this is a slice walk, not a recursion.
    public var descendants: LazyMapSequence<Range<Int>, Node> {
        let first = Int(index) + 1
        let last = subtreeEnd
        return (first..<last).lazy.map { [tree] in Node(tree: tree, index: NodeIndex($0)) }
    }

    /// One past the last index of this node's subtree.
    var subtreeEnd: Int {
        var current: Node? = self
        while let node = current {
            let s = node.record.nextSibling
            if s >= 0 { return Int(s) }
            current = node.parent
        }
        return tree.records.count
    }

    /// Whether `other` lies inside this node's subtree (or is this node).
    public func contains(_ other: Node) -> Bool {
        other.index >= index && Int(other.index) < subtreeEnd
    }
}

public struct NodeChildren: Sequence, Sendable {
    let tree: SyntaxTree
    let first: Int32
    let namedOnly: Bool

    public struct Iterator: IteratorProtocol {
        let tree: SyntaxTree
        var upcoming: Int32
        let namedOnly: Bool
        public mutating func next() -> Node? {
            while upcoming >= 0 {
                let record = tree.records[Int(upcoming)]
                let node = Node(tree: tree, index: upcoming)
                upcoming = record.nextSibling
                if !namedOnly || (record.flags & NodeRecord.isNamed != 0 && record.flags & NodeRecord.isExtra == 0) {
                    return node
                }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(tree: tree, upcoming: first, namedOnly: namedOnly) }
    public var count: Int { reduce(0) { n, _ in n + 1 } }
    public var array: [Node] { Array(self) }
}

public struct AncestorSequence: Sequence, IteratorProtocol, Sendable {
    var current: Node?
    init(start: Node?) { current = start }
    public mutating func next() -> Node? {
        let node = current
        current = node?.parent
        return node
    }
}
