import HeapSemantics
import HeapSyntax

/// Finds the must-cycles in a scope's final abstract heap: for each edge the scope itself creates
/// (latest first), a path of live, mutually possible edges back to its start.
enum CycleFinder {
    static func armsCompatible(_ a: [BranchArm], _ b: [BranchArm]) -> Bool {
        for armA in a {
            for armB in b where armA.statement == armB.statement && armA.arm != armB.arm { return false }
        }
        return true
    }

    static func compatible(_ a: ReferenceEdge, _ b: ReferenceEdge) -> Bool {
        guard armsCompatible(a.arms, b.arms) else { return false }
        for block in a.exitingBlocks where !block.encloses(b.anchor) && b.anchor.start >= block.end { return false }
        for block in b.exitingBlocks where !block.encloses(a.anchor) && a.anchor.start >= block.end { return false }
        return true
    }

    static func cycles(in heap: ScopeResult, facts: ModuleFacts, scopeName: String) -> [CycleWitness] {
        var outgoing: [Int: [Int]] = [:]
        for (index, edge) in heap.edges.enumerated() where heap.live[index] {
            outgoing[edge.from, default: []].append(index)
        }
        // Edges the scope makes itself first (latest first), then those its calls make: a cycle that
        // only the calls of this scope close together (`b = B(a)` then `a.set_b(b)`) is found here,
        // at the last of those calls, and nowhere else.
        let byLatest: (Int, Int) -> Bool = { heap.edges[$0].anchor.start > heap.edges[$1].anchor.start }
        let live = heap.edges.indices.filter { heap.live[$0] && !heap.edges[$0].isImplicit }
        let closing = live.filter { !heap.edges[$0].isFromCallee }.sorted(by: byLatest)
            + live.filter { heap.edges[$0].isFromCallee }.sorted(by: byLatest)
        var covered = Set<Int>()
        var result: [CycleWitness] = []
        for start in closing {
            let first = heap.edges[start]
            guard let path = shortestPath(from: first.to, to: first.from, through: first, heap: heap, outgoing: outgoing) else { continue }
            let cycleEdges = [start] + path
            let objectIDs = cycleEdges.map { heap.edges[$0].from }
            if Set(objectIDs).isSubset(of: covered) { continue }
            covered.formUnion(objectIDs)
            guard !isTornDown(cycleEdges, heap: heap, facts: facts) else { continue }
            if let witness = witness(cycleEdges, heap: heap, facts: facts, scopeName: scopeName,
                                     brokenOnlyInFinalizer: finalizerBreak(cycleEdges, heap: heap, facts: facts)) {
                result.append(witness)
            }
        }
        return oneWitnessPerCycle(result, heap: heap, source: facts.semantics.tree.source)
    }

    /// Witnesses whose objects lie in one strongly connected component of the scope's heap describe one
    /// structure that CPython frees (or not) as a whole: six bound methods stored on one object make six
    /// two-object cycles, but refcounting frees none of them and one collection frees all. They become one
    /// witness, at the first statement that closes a cycle there, with the other closing statements kept
    /// as `alsoClosedAt`. Witnesses of different kinds stay apart (each rule reports its own kind).
    static func oneWitnessPerCycle(_ witnesses: [CycleWitness], heap: ScopeResult, source: SourceText) -> [CycleWitness] {
        guard witnesses.count > 1 else { return witnesses }
        let component = stronglyConnectedComponents(heap)
        struct Key: Hashable { let component: Int; let kind: CycleKind; let brokenInFinalizer: Bool }
        var groups: [Key: [CycleWitness]] = [:]
        var order: [Key] = []
        for witness in witnesses {
            guard let first = witness.edges.first, let id = component[first.from] else { continue }
            let key = Key(component: id, kind: witness.kind, brokenInFinalizer: witness.brokenOnlyInFinalizer != nil)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(witness)
        }
        return order.compactMap { key in
            guard let members = groups[key]?.sorted(by: { $0.site.start < $1.site.start }), let primary = members.first else { return nil }
            let others = members.dropFirst().map { ClosingSite(site: $0.site, line: source.position(of: $0.site.start).line + 1, summary: $0.closingSummary) }
            return primary.merging(alsoClosedAt: others)
        }
    }

    /// Component number of every object that has a live edge, by Tarjan's algorithm (iterative, so a
    /// long chain of objects cannot overflow the stack).
    static func stronglyConnectedComponents(_ heap: ScopeResult) -> [Int: Int] {
        var outgoing: [Int: [Int]] = [:]
        for (index, edge) in heap.edges.enumerated() where heap.live[index] {
            outgoing[edge.from, default: []].append(edge.to)
        }
        var indexOf: [Int: Int] = [:]
        var lowLink: [Int: Int] = [:]
        var onStack = Set<Int>()
        var stack: [Int] = []
        var component: [Int: Int] = [:]
        var nextIndex = 0
        var nextComponent = 0
        for root in outgoing.keys.sorted() where indexOf[root] == nil {
            // Each frame: the object and how many of its successors were visited.
            var work: [(object: Int, next: Int)] = [(root, 0)]
            indexOf[root] = nextIndex; lowLink[root] = nextIndex; nextIndex += 1
            stack.append(root); onStack.insert(root)
            while let (object, next) = work.last {
                let successors = outgoing[object] ?? []
                if next < successors.count {
                    work[work.count - 1].next += 1
                    let successor = successors[next]
                    if indexOf[successor] == nil {
                        indexOf[successor] = nextIndex; lowLink[successor] = nextIndex; nextIndex += 1
                        stack.append(successor); onStack.insert(successor)
                        work.append((successor, 0))
                    } else if onStack.contains(successor) {
                        lowLink[object] = min(lowLink[object]!, indexOf[successor]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.object { lowLink[parent] = min(lowLink[parent]!, lowLink[object]!) }
                if lowLink[object] == indexOf[object] {
                    while let member = stack.popLast() {
                        onStack.remove(member)
                        component[member] = nextComponent
                        if member == object { break }
                    }
                    nextComponent += 1
                }
            }
        }
        return component
    }

    /// Breadth-first search over live edges that can happen together with every edge on the way.
    static func shortestPath(from source: Int, to target: Int, through closingEdge: ReferenceEdge,
                             heap: ScopeResult, outgoing: [Int: [Int]]) -> [Int]? {
        if source == target { return [] }
        var previous: [Int: Int] = [:]  // object → edge index that reached it
        var queue = [source]
        var visited: Set<Int> = [source]
        var head = 0
        while head < queue.count {
            let object = queue[head]
            head += 1
            var pathSoFar: [ReferenceEdge] = [closingEdge]
            var cursor = object
            while let edgeIndex = previous[cursor] {
                pathSoFar.append(heap.edges[edgeIndex])
                cursor = heap.edges[edgeIndex].from
            }
            for edgeIndex in outgoing[object] ?? [] {
                let edge = heap.edges[edgeIndex]
                guard !visited.contains(edge.to), pathSoFar.allSatisfy({ compatible($0, edge) }) else { continue }
                previous[edge.to] = edgeIndex
                if edge.to == target {
                    var path: [Int] = []
                    var cursor = target
                    while cursor != source, let index = previous[cursor] {
                        path.append(index)
                        cursor = heap.edges[index].from
                    }
                    return path.reversed()
                }
                visited.insert(edge.to)
                queue.append(edge.to)
            }
        }
        return nil
    }

    /// A cycle that a teardown path breaks (`close()` sets the link to None, a `finally` deletes
    /// it, a started thread drops its target when it ends) is not reported.
    static func isTornDown(_ cycle: [Int], heap: ScopeResult, facts: ModuleFacts) -> Bool {
        let members = Set(cycle.map { heap.edges[$0].from })
        if cycle.contains(where: { heap.edges[$0].kind == .item }) {
            for member in members {
                guard let className = heap.objects[member].className else { continue }
                if facts.lineage(className).contains(where: { facts.classesRemovingItemsOnTeardown.contains($0.name) }) {
                    return true
                }
            }
        }
        for member in members where heap.startedObjects.contains(member) { return true }
        // The classes of the objects the cycle reaches as items of a container: what a teardown's
        // `.remove(x)` on that container must remove to kill the cycle's edge out of it.
        func itemClasses(of container: Int) -> [String] {
            cycle.compactMap { index in
                let edge = heap.edges[index]
                return edge.kind == .item && edge.from == container ? heap.objects[edge.to].className : nil
            }
        }
        for index in cycle {
            let edge = heap.edges[index]
            if edge.kind == .attribute && facts.isKilled(edge.via, holderClass: heap.objects[edge.from].className,
                                                         itemClasses: itemClasses(of: edge.to)) { return true }
        }
        for member in members {
            let object = heap.objects[member]
            if let field = object.fieldName, let (holder, _) = heap.derivedFrom[member],
               facts.isKilled(field, holderClass: heap.objects[holder].className, itemClasses: itemClasses(of: member)) {
                return true
            }
            for (index, edge) in heap.edges.enumerated() where heap.live[index] && edge.to == member && edge.kind == .attribute {
                let holderClass = heap.objects[edge.from].className
                if object.containerKind != nil && facts.isKilled(edge.via, holderClass: holderClass, itemClasses: itemClasses(of: member)) { return true }
                if case .callable(.thread) = object.kind, facts.isStarted(edge.via, holderClass: holderClass) { return true }
            }
        }
        return false
    }

    /// The `__del__` statement that would break this cycle, checked the way `isTornDown` checks a
    /// teardown's: a link on the cycle, the field a member was read from, or a container field emptied.
    static func finalizerBreak(_ cycle: [Int], heap: ScopeResult, facts: ModuleFacts) -> FinalizerBreak? {
        guard !facts.finalizerBrokenFields.isEmpty else { return nil }
        for index in cycle {
            let edge = heap.edges[index]
            if edge.kind == .attribute, let found = facts.finalizerBreak(edge.via, holderClass: heap.objects[edge.from].className) {
                return found
            }
        }
        for member in Set(cycle.map { heap.edges[$0].from }).sorted() {
            let object = heap.objects[member]
            if let field = object.fieldName, let (holder, _) = heap.derivedFrom[member],
               let found = facts.finalizerBreak(field, holderClass: heap.objects[holder].className) {
                return found
            }
        }
        return nil
    }

    static let forwardLinks: Set<String> = ["next", "_next", "next_node", "nxt", "succ", "successor", "right", "_right", "next_sibling"]
    static let backwardLinks: Set<String> = ["prev", "_prev", "previous", "_previous", "prev_node", "pred", "predecessor", "left", "_left", "prev_sibling", "previous_sibling"]

    static func witness(_ cycle: [Int], heap: ScopeResult, facts: ModuleFacts, scopeName: String,
                        brokenOnlyInFinalizer: FinalizerBreak? = nil) -> CycleWitness? {
        var edges = cycle.map { heap.edges[$0] }
        let ownEdges = edges.filter { !$0.isImplicit && !$0.isFromCallee }
        // A cycle made by one call alone is its callee's finding (reported in the callee's own scope). A
        // call counts only when it ties objects that existed before it: a constructor that merely made the
        // list a later call appends to does not close anything.
        let callSites = Set(edges.filter { !$0.isImplicit && $0.isFromCallee && $0.reachesEarlierObject }.map(\.anchor))
        guard !ownEdges.isEmpty || callSites.count >= 2 else { return nil }
        // Start the path at `self` or at an instance of a known class, as a reader would tell it.
        if let startIndex = edges.firstIndex(where: { heap.objects[$0.from].isSelf })
            ?? edges.firstIndex(where: { heap.objects[$0.from].className != nil }) {
            edges = Array(edges[startIndex...] + edges[..<startIndex])
        }
        let objects = edges.map { heap.objects[$0.from] }
        // The last statement that closes it (a store, or a call whose callee stores: `self.done =
        // Signal()` then `self.done.connect(self.on_done)` closes at the call); of nested calls
        // (`a.set(B(a))`), the outer one.
        let closing = edges.filter { !$0.isImplicit && (!$0.isFromCallee || $0.reachesEarlierObject || ownEdges.isEmpty) }
            .max { ($0.anchor.end, $1.anchor.start) < ($1.anchor.end, $0.anchor.start) }
        guard let site = closing?.anchor else { return nil }
        let kind: CycleKind
        let vias = Set(edges.filter { $0.kind == .attribute }.map(\.via))
        if objects.contains(where: \.isCallable) {
            kind = .callableHoldingOwner
        } else if objects.allSatisfy({ $0.containerKind != nil }) {
            kind = .selfContainingContainer
        } else if !vias.isDisjoint(with: forwardLinks) && !vias.isDisjoint(with: backwardLinks) {
            kind = .doublyLinked
        } else if edges.contains(where: { $0.kind == .attribute }) {
            kind = .instanceAttributes
        } else {
            return nil
        }
        let classNames = Set(objects.compactMap(\.className).filter { facts.semantics.classes[$0] != nil })
        return CycleWitness(kind: kind, site: site, objects: objects, edges: edges, classNames: classNames, scopeName: scopeName,
                            brokenOnlyInFinalizer: brokenOnlyInFinalizer)
    }
}

extension SourceRange {
    func encloses(_ other: SourceRange) -> Bool { start <= other.start && other.end <= end }
}
