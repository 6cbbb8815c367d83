import Testing
import HeapModel
import HeapSemantics
import HeapSyntax

@Suite struct HeapGraphTests {
    func graph(_ text: String) -> HeapGraph {
        HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
    }

    @Test func parentChildCycleHasEdgeByEdgePath() throws {
        let heap = graph("""
            class Tree:
                def __init__(self):
                    self.children = []

                def add(self, node):
                    node.parent = self
                    self.children.append(node)
            """)
        let cycle = try #require(heap.cycles(closedBy: .instanceAttributes).first)
        #expect(heap.cycles.count == 1)
        #expect(cycle.classNames == ["Tree"])
        #expect(cycle.objects.first?.isSelf == true)
        let explanation = cycle.explanation(for: .py311)
        #expect(explanation.pathSummary == "Tree.children (line 7) → list → node; node.parent (line 6) → Tree")
        #expect(explanation.mechanism.contains("cyclic garbage collector"))
        #expect(explanation.remedy.contains("weakref"))
    }

    @Test func functionSummaryKeepsTheWeakrefCallbackParameter() throws {
        // blinker's `_utilities.make_ref`: the returned weakref (or WeakMethod) holds parameter `callback` in
        // `__callback__` (wr_callback); the referent `obj` is weak, so no edge reaches it.
        let heap = graph("""
            import inspect
            from weakref import WeakMethod, ref

            def make_ref(obj, callback=None):
                if inspect.ismethod(obj):
                    return WeakMethod(obj, callback)
                return ref(obj, callback)

            def make_plain_ref(obj, callback=None):
                return ref(obj)

            def attach(parent, child):
                parent.children.append(child)
                return child
            """)
        let summaries = heap.functionSummaries(moduleName: "pkg._utilities")
        // make_plain_ref keeps nothing of its caller's: it is not exported.
        #expect(summaries.map(\.qualifiedName) == ["pkg._utilities.attach", "pkg._utilities.make_ref"])
        let makeRef = try #require(summaries.last)
        #expect(makeRef.parameters == ["obj", "callback"])
        #expect(makeRef.weakrefCallbackParameter == "callback")
        let returned = try #require(makeRef.returned)
        #expect(makeRef.objects[returned].label == "weakref" && makeRef.objects[returned].parameter == nil)
        #expect(makeRef.edges.contains { $0.from == returned && $0.via == "__callback__" && makeRef.objects[$0.to].parameter == "callback" })
        #expect(!makeRef.edges.contains { makeRef.objects[$0.to].parameter == "obj" })
        // attach stores `child` in a list read from `parent.children` and returns `child`.
        let attach = try #require(summaries.first)
        #expect(attach.returned.flatMap { attach.objects[$0].parameter } == "child")
        #expect(attach.edges.contains { $0.kind == "item" && attach.objects[$0.from].holder.flatMap { attach.objects[$0].parameter } == "parent"
            && attach.objects[$0.from].field == "children" && attach.objects[$0.to].parameter == "child" })
    }

    @Test func objectsNameTheLineThatAllocatedThem() throws {
        // tracemalloc names where each object of a cycle was made; the model knows it for what it saw made:
        // the two `Tree()` calls. (`__init__` refers to nothing of the caller's, so it is not replayed and
        // `tree.children` is read as the list the attribute holds: made somewhere the model does not say.)
        let heap = graph("""
            class Tree:
                def __init__(self):
                    self.children = []

            def build():
                tree = Tree()
                child = Tree()
                child.parent = tree
                tree.children.append(child)
                return tree
            """)
        let cycle = try #require(heap.cycles.first)
        let steps = cycle.explanation(for: .py311).path
        #expect(Set(steps.filter { $0.from == "Tree" }.compactMap(\.fromAllocatedAt)) == [6, 7])
        #expect(Set(cycle.objects.compactMap(\.allocationLine)) == [5, 6])
        // Objects that existed before the code ran (`self`, a value read from an attribute) have none.
        let method = graph("""
            class Tree:
                def add(self, node):
                    node.parent = self
                    self.children.append(node)
            """)
        let objects = try #require(method.cycles.first).objects
        #expect(objects.allSatisfy { $0.allocationLine == nil })
    }

    @Test func constructorSummaryClosesTheCycleAtTheCaller() throws {
        let heap = graph("""
            class Node:
                def __init__(self, name, parent=None):
                    self.name = name
                    self.parent = parent
                    self.children = []

                def add_child(self, name):
                    child = Node(name, parent=self)
                    self.children.append(child)
            """)
        let cycle = try #require(heap.cycles.first)
        #expect(heap.cycles.count == 1)
        let steps = cycle.steps
        #expect(steps.map(\.via) == ["children", "", "parent"])
        #expect(steps.map(\.line) == [9, 9, 4])
        #expect(cycle.kind == .instanceAttributes)
    }

    @Test func singlyLinkedTreeAndWeakBackLinksAreNotCycles() {
        let heap = graph("""
            import weakref

            class Node:
                def __init__(self, value, next=None):
                    self.value = value
                    self.next = next

            class Tree:
                def __init__(self, parent=None):
                    self.parent = weakref.ref(parent) if parent else None
                    self.children = []

                def add(self):
                    child = Tree(self)
                    self.children.append(child)

            head = Node(1)
            head.next = Node(2)
            """)
        #expect(heap.cycles.isEmpty)
    }

    @Test func exclusiveBranchesDoNotCombine() {
        let heap = graph("""
            class Box:
                def __init__(self, flag, other):
                    if flag:
                        self.peer = other
                    else:
                        other.peer = self
            """)
        #expect(heap.cycles.isEmpty)
    }

    @Test func teardownBreaksTheCycleOnlyForItsOwnClass() {
        let heap = graph("""
            class A:
                def __init__(self):
                    self.cb = self.run
                def run(self):
                    pass
                def close(self):
                    self.cb = None

            class B:
                def __init__(self):
                    self.cb = self.run
                def run(self):
                    pass
            """)
        #expect(heap.cycles.map(\.classNames) == [["B"]])
        #expect(heap.cycles.first?.kind == .callableHoldingOwner)
    }

    @Test func containersAndDoublyLinkedNodesAreClassified() {
        let heap = graph("""
            items = []
            items.append(items)

            class Node:
                def __init__(self):
                    self.next = None
                    self.prev = None

            a = Node()
            b = Node()
            a.next = b
            b.prev = a
            """)
        #expect(heap.cycles.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.doublyLinked, .selfContainingContainer])
    }

    @Test func estimatesAreRangesWidenedOutsideMeasuredVersion() throws {
        let heap = graph("""
            class A:
                pass

            a = A()
            b = A()
            a.peer = b
            b.peer = a
            """)
        let cycle = try #require(heap.cycles.first)
        let measured = try #require(cycle.explanation(for: .py311).estimate)
        #expect(measured.lowerBytes == 2 * (56 + 240))
        #expect(measured.upperBytes == 2 * (56 + 296))
        #expect(!measured.basis.contains("not measured"))
        // 3.13 has a measured row: a 3.13 instance is 8 B smaller (no pre-header for the managed dict
        // pointer in getsizeof), its dict the same; no widening.
        let thirteen = try #require(cycle.explanation(for: .py313).estimate)
        #expect(thirteen.lowerBytes == 2 * (56 - 8 + 240))
        #expect(thirteen.upperBytes == 2 * (56 - 8 + 296))
        #expect(thirteen.basis.hasSuffix("; sizes measured on CPython 3.13"))
        // 3.14 has none yet: the 3.11 numbers widened ±25 %.
        let other = try #require(cycle.explanation(for: .py314).estimate)
        #expect(other.lowerBytes < measured.lowerBytes)
        #expect((other.upperBytes ?? 0) > (measured.upperBytes ?? 0))
        #expect(other.basis.contains("not measured"))
    }

    @Test func frameRetentionsAndTheirReleases() {
        let heap = graph("""
            import sys, inspect

            def keep():
                try:
                    pass
                except ValueError as exc:
                    err = exc
                return err

            def release():
                frame = inspect.currentframe()
                try:
                    return frame
                finally:
                    del frame

            def partial_info():
                try:
                    pass
                except Exception:
                    head = sys.exc_info()[:2]
                    kind = sys.exc_info()[0]
            """)
        #expect(heap.frameRetentions.map(\.localName) == ["err", "head"])
        #expect(heap.frameRetentions.map(\.kind) == [.exception, .excInfo])
        let path = heap.frameRetentions[0].explanation(for: .py311).pathSummary
        #expect(path.contains("__traceback__") && path.contains("tb_frame"))
    }

    @Test func recursiveClosuresAndResurrections() {
        let heap = graph("""
            def outer():
                def walk(n):
                    return walk(n - 1) if n else 0
                return walk(3)

            graveyard = []

            class Conn:
                def __del__(self):
                    graveyard.append(self)
            """)
        #expect(heap.recursiveClosures.map(\.name) == ["walk"])
        #expect(heap.resurrections.map(\.holder) == ["graveyard"])
    }
}

/// Each deep expression (10,000 brackets, parentheses or attribute steps; 2,000 nested calls) sits inside a
/// `try` whose handler keeps the exception, in a method that also closes a cycle through `self`. The walks
/// must go through the deep expression without overflowing the stack and still find both facts after it:
/// a depth limit that gave up on the scope (or a crash) fails the test, not just a stack overflow.
@Suite struct HeapGraphDepthTests {
    @Test func deeplyNestedExpressionsDoNotOverflowTheStackOrHideFacts() throws {
        let depth = 10_000
        let deep = [
            String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth),
            String(repeating: "(", count: depth) + "y" + String(repeating: ")", count: depth),
            "a" + String(repeating: ".b", count: depth),
            String(repeating: "g(", count: 2_000) + "self" + String(repeating: ")", count: 2_000),
        ]
        for expression in deep {
            let text = """
                class Tree:
                    def __init__(self):
                        self.children = []

                    def add(self, node):
                        try:
                            value = \(expression)
                        except ValueError as exc:
                            err = exc
                        node.parent = self
                        self.children.append(node)
                        return err

                """
            let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
            #expect(heap.frameRetentions.map(\.localName) == ["err"], "\(expression.prefix(8))")
            #expect(heap.frameRetentions.map(\.kind) == [.exception], "\(expression.prefix(8))")
            let cycle = try #require(heap.cycles(closedBy: .instanceAttributes).first, "\(expression.prefix(8))")
            #expect(heap.cycles.count == 1)
            #expect(cycle.classNames == ["Tree"])
        }
    }
}
