import CHeapSyntax
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable, flattened copy of a tree-sitter tree.
///
/// The C tree is walked once with a cursor (no recursion) into one array of records indexed by
/// `NodeIndex`, in pre-order, so every subtree is a contiguous index range. Analysis then reads plain
/// memory: no C calls, `Sendable`, and depth-independent, so a file with 10,000 nested brackets is as
/// safe to walk as a flat one.
///
/// The records live in memory the tree allocates itself (not a Swift array): reading a node's kind is
/// then a load from a pointer the tree never changes, with no retain of an array buffer, and the
/// `Node` accessors can be inlined into the rules. A `kind index` lists the nodes of each kind in
/// pre-order, so a rule that looks at calls visits calls, not every node of the file.
public final class SyntaxTree: @unchecked Sendable {
    // @unchecked: `flat` points at memory the C flattener wrote once; it is only read afterwards
    // (from any thread), and `deinit` frees it.
    public let source: SourceText
    @usableFromInline let records: UnsafeMutablePointer<NodeRecord>
    @usableFromInline let count: Int
    /// Node indices grouped by kind ordinal, each group in pre-order; group `k` is
    /// `kindIndex[kindStarts[k] ..< kindStarts[k + 1]]`.
    @usableFromInline let kindIndex: UnsafeMutablePointer<Int32>
    @usableFromInline let kindStarts: UnsafeMutablePointer<Int32>
    /// A copy of the source bytes in memory the tree owns, so node texts are read without retaining
    /// the source's array (rules read millions of identifiers).
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    private let bytesStorage: UnsafeMutablePointer<UInt8>
    private var flat: HLFlatTree
    /// Byte ranges of `ERROR` and `MISSING` nodes, in source order.
    public let syntaxErrors: [SyntaxError]
    /// Set when tree-sitter's parse was stopped at its budget (`ParseBudget`): the tree is then an
    /// empty module, and this says why, for the HL003 the front ends report instead of any analysis.
    public let parseCutOff: String?

    /// Takes ownership of `flat` (freed with the tree).
    init(source: SourceText, flat: HLFlatTree, syntaxErrors: [SyntaxError], parseCutOff: String? = nil) {
        self.source = source
        self.flat = flat
        self.syntaxErrors = syntaxErrors
        self.parseCutOff = parseCutOff
        records = flat.records
        count = flat.count
        kindIndex = flat.kind_index
        kindStarts = flat.kind_starts
        let count = source.byteCount
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, count))
        source.bytes.withUnsafeBufferPointer { if let base = $0.baseAddress { storage.initialize(from: base, count: count) } }
        bytesStorage = storage
        bytes = UnsafeBufferPointer(start: storage, count: count)
    }

    deinit {
        hl_flat_tree_free(&flat)
        bytesStorage.deallocate()
    }

    /// How many nodes the flattening walked (the others it copied from the previous version).
    var walkedNodeCount: Int { flat.walked_count }

    /// The C records, for the incremental flattener (read only).
    func withFlat<R>(_ body: (UnsafePointer<HLFlatTree>) -> R) -> R {
        withUnsafePointer(to: flat) { body($0) }
    }

    public var root: Node { Node(tree: self, index: 0) }
    public var nodeCount: Int { count }
    public var hasErrors: Bool { !syntaxErrors.isEmpty }

    @inlinable public func node(_ index: NodeIndex) -> Node { Node(tree: self, index: index) }

    /// Every node in source (pre-)order. Iterative: the flat array is already in pre-order.
    public var allNodes: LazyMapSequence<Range<Int>, Node> {
        (0..<count).lazy.map { Node(tree: self, index: NodeIndex($0)) }
    }

    /// The nodes of `kind`, in source (pre-)order, without visiting any other node.
    @inlinable public func nodes(ofKind kind: SyntaxKind) -> KindSequence {
        let k = Int(kind.ordinal)
        return KindSequence(tree: self, range: Int(kindStarts[k])..<Int(kindStarts[k + 1]))
    }

    /// The nodes of any of `kinds`, in source (pre-)order.
    public func nodes(ofKinds kinds: SyntaxKind...) -> [Node] {
        var indices: [Int32] = []
        for kind in kinds {
            let k = Int(kind.ordinal)
            for i in Int(kindStarts[k])..<Int(kindStarts[k + 1]) { indices.append(kindIndex[i]) }
        }
        if kinds.count > 1 { indices.sort() }
        return indices.map { Node(tree: self, index: $0) }
    }

    /// Positions `lower..<upper` in kind group `kind` whose node indices lie in `indices`
    /// (binary search: the group is sorted).
    @usableFromInline func kindRange(_ kind: SyntaxKind, within indices: Range<Int>) -> Range<Int> {
        let k = Int(kind.ordinal)
        func lowerBound(_ value: Int) -> Int {
            var low = Int(kindStarts[k]), high = Int(kindStarts[k + 1])
            while low < high {
                let mid = (low + high) / 2
                if Int(kindIndex[mid]) < value { low = mid + 1 } else { high = mid }
            }
            return low
        }
        return lowerBound(indices.lowerBound)..<lowerBound(indices.upperBound)
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

/// The nodes of one kind (optionally within one subtree), in pre-order.
public struct KindSequence: RandomAccessCollection, Sendable {
    @usableFromInline let tree: SyntaxTree
    @usableFromInline let range: Range<Int>

    @inlinable init(tree: SyntaxTree, range: Range<Int>) {
        self.tree = tree
        self.range = range
    }

    @inlinable public var startIndex: Int { range.lowerBound }
    @inlinable public var endIndex: Int { range.upperBound }
    @inlinable public subscript(position: Int) -> Node { Node(tree: tree, index: tree.kindIndex[position]) }
}

public typealias NodeIndex = Int32

/// One flattened node (see CHeapSyntax/heap_flatten.h): byte range, parent, one past the end of its
/// subtree, next sibling, kind and field ordinals, flags.
@usableFromInline typealias NodeRecord = HLNodeRecord

extension HLNodeRecord {
    @usableFromInline static let isNamed = UInt8(HL_NODE_NAMED)
    @usableFromInline static let isMissing = UInt8(HL_NODE_MISSING)
    @usableFromInline static let isExtra = UInt8(HL_NODE_EXTRA)
}

/// Where the parser had to recover. `isMissing` marks a token the parser inserted (such as a
/// closing bracket); otherwise the range holds text it could not fit into the grammar.
public struct SyntaxError: Sendable, Hashable {
    public let range: SourceRange
    public let isMissing: Bool
    /// For a missing token, the grammar's name of what was expected (`)` or `identifier`).
    public let expected: String?
    /// Set for errors heaplint finds itself, before tree-sitter (CPython's wording where it has one).
    public let message: String?

    init(range: SourceRange, isMissing: Bool, expected: String?, message: String? = nil) {
        self.range = range
        self.isMissing = isMissing
        self.expected = expected
        self.message = message
    }
}

/// A node of a `SyntaxTree`: an index plus the tree that owns it.
///
/// The tree is held `unowned(unsafe)`: copying a node (rules copy millions) costs no reference count.
/// A node is valid while its tree is alive, so whatever keeps nodes keeps their tree too: the
/// semantic model, heap model and analysis context each hold the tree they index.
public struct Node: Sendable, Hashable {
    public unowned(unsafe) let tree: SyntaxTree
    public let index: NodeIndex

    @inlinable init(tree: SyntaxTree, index: NodeIndex) {
        self.tree = tree
        self.index = index
    }

    @inlinable public static func == (lhs: Node, rhs: Node) -> Bool { lhs.index == rhs.index && lhs.tree === rhs.tree }
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(index) }

    @inlinable var record: NodeRecord { tree.records[Int(index)] }

    @inlinable public var kind: SyntaxKind { SyntaxKind(ordinal: record.kind) }
    /// The field this node fills in its parent (`function` of a call, `left` of an assignment).
    @inlinable public var field: SyntaxField { SyntaxField(ordinal: record.field) }
    @inlinable public var isNamed: Bool { record.flags & NodeRecord.isNamed != 0 }
    @inlinable public var isMissing: Bool { record.flags & NodeRecord.isMissing != 0 }
    /// Comments and line continuations: nodes that may appear anywhere.
    @inlinable public var isExtra: Bool { record.flags & NodeRecord.isExtra != 0 }
    @inlinable public var range: SourceRange {
        let r = record
        return SourceRange(uncheckedStart: Int(r.start), end: Int(r.end))
    }
    public var text: String {
        let r = record, bytes = tree.bytes
        let upper = min(Int(r.end), bytes.count), lower = min(Int(r.start), upper)
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
    }
    public var start: SourcePosition { tree.source.position(of: Int(record.start)) }
    public var end: SourcePosition { tree.source.position(of: Int(record.end)) }

    /// Whether this node's text equals `literal` (no allocation); for tokens and identifiers.
    public func textEquals(_ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { textEquals(bytes: $0) }
    }

    /// Whether this node's text equals `string` (no allocation).
    public func textEquals(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { textEquals(bytes: $0) }
    }

    /// Whether this node's text is exactly `other`.
    public func textEquals(bytes other: UnsafeBufferPointer<UInt8>) -> Bool {
        let r = record
        let count = Int(r.end) - Int(r.start)
        guard count == other.count, Int(r.end) <= tree.bytes.count else { return false }
        guard count > 0 else { return true }
        return memcmp(tree.bytes.baseAddress! + Int(r.start), other.baseAddress!, count) == 0
    }

    @inlinable public var parent: Node? {
        let p = record.parent
        return p < 0 ? nil : Node(tree: tree, index: p)
    }

    @inlinable public var children: NodeChildren { NodeChildren(tree: tree, first: firstChildIndex, namedOnly: false) }
    @inlinable public var namedChildren: NodeChildren { NodeChildren(tree: tree, first: firstChildIndex, namedOnly: true) }
    @inlinable var firstChildIndex: Int32 { record.subtree_end > index + 1 ? index + 1 : -1 }
    @inlinable public var firstChild: Node? {
        let c = firstChildIndex
        return c < 0 ? nil : Node(tree: tree, index: c)
    }
    @inlinable public var firstNamedChild: Node? {
        var iterator = namedChildren.makeIterator()
        return iterator.next()
    }

    @inlinable public var nextSibling: Node? {
        let s = record.next_sibling
        return s < 0 ? nil : Node(tree: tree, index: s)
    }

    public var nextNamedSibling: Node? {
        var s = nextSibling
        while let node = s, !node.isNamed || node.isExtra { s = node.nextSibling }
        return s
    }

    /// The first child that fills `field`.
    @inlinable public func child(_ field: SyntaxField) -> Node? {
        var c = firstChildIndex
        let records = tree.records
        while c >= 0 {
            if records[Int(c)].field == field.ordinal { return Node(tree: tree, index: c) }
            c = records[Int(c)].next_sibling
        }
        return nil
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

    /// The descendants of `kind`, in pre-order, found through the tree's kind index (a binary search,
    /// not a walk of the subtree).
    @inlinable public func descendants(ofKind kind: SyntaxKind) -> KindSequence {
        KindSequence(tree: tree, range: tree.kindRange(kind, within: (Int(index) + 1)..<subtreeEnd))
    }

    /// One past the last index of this node's subtree.
    @inlinable public var subtreeEnd: Int { Int(record.subtree_end) }

    /// Whether `other` lies inside this node's subtree (or is this node).
    @inlinable public func contains(_ other: Node) -> Bool {
        other.index >= index && Int(other.index) < subtreeEnd
    }
}

public struct NodeChildren: Sequence, Sendable {
    @usableFromInline unowned(unsafe) let tree: SyntaxTree
    @usableFromInline let first: Int32
    @usableFromInline let namedOnly: Bool

    @inlinable init(tree: SyntaxTree, first: Int32, namedOnly: Bool) {
        self.tree = tree
        self.first = first
        self.namedOnly = namedOnly
    }

    public struct Iterator: IteratorProtocol {
        @usableFromInline unowned(unsafe) let tree: SyntaxTree
        @usableFromInline var upcoming: Int32
        @usableFromInline let namedOnly: Bool

        @inlinable init(tree: SyntaxTree, upcoming: Int32, namedOnly: Bool) {
            self.tree = tree
            self.upcoming = upcoming
            self.namedOnly = namedOnly
        }

        @inlinable public mutating func next() -> Node? {
            while upcoming >= 0 {
                let record = tree.records[Int(upcoming)]
                let node = Node(tree: tree, index: upcoming)
                upcoming = record.next_sibling
                if !namedOnly || (record.flags & NodeRecord.isNamed != 0 && record.flags & NodeRecord.isExtra == 0) {
                    return node
                }
            }
            return nil
        }
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(tree: tree, upcoming: first, namedOnly: namedOnly) }
    public var count: Int { reduce(0) { n, _ in n + 1 } }
    public var array: [Node] { Array(self) }
}

public struct AncestorSequence: Sequence, IteratorProtocol, Sendable {
    // Not inlinable: Swift 6.3's ownership verifier crashes on `first(where:)` over an inlined copy.
    var current: Node?
    init(start: Node?) { current = start }
    public mutating func next() -> Node? {
        let node = current
        current = node?.parent
        return node
    }
}
