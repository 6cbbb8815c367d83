import Testing
import HeapModel
import HeapSemantics
import HeapSyntax

/// Edge-level guardrails for the heap model (issue 25, step 1): for a few basic shapes, the objects on the
/// cycle (kind, label, whether it is `self`) and the slots that join them (edge kind and `via` name, as
/// CPython stores them: an instance `__dict__` entry, a list item, `__self__`, a closure cell, a Thread's
/// `_target`, a partial's `args`) — not only that some finding exists. A rewrite of the model must keep
/// these objects and slots, or change these tests on purpose.
@Suite struct HeapSlotTests {
    /// One object on a cycle, as the tests spell it.
    struct Object: Equatable, CustomStringConvertible {
        let kind: ObjectKind
        let label: String
        let isSelf: Bool
        var description: String { "\(label)\(isSelf ? " (self)" : "") \(kind)" }
    }

    /// One slot on a cycle: its kind and the name CPython's path uses for it.
    struct Slot: Equatable, CustomStringConvertible {
        let kind: EdgeKind
        let via: String
        var description: String { "\(kind.rawValue) \(via)" }
    }

    func onlyCycle(_ text: String) throws -> CycleWitness {
        let heap = HeapGraph(semantics: SemanticModel(tree: PythonParser().parse(SourceText(text))))
        #expect(heap.cycles.count == 1, "expected one cycle, got \(heap.cycles.map(\.kind))")
        let cycle = try #require(heap.cycles.first)
        // The witness is a closed path: edge i leaves object i and enters object i + 1 (the last one the first).
        #expect(cycle.edges.count == cycle.objects.count)
        for (index, edge) in cycle.edges.enumerated() {
            #expect(edge.from == cycle.objects[index].id, "edge \(index) leaves another object")
            #expect(edge.to == cycle.objects[(index + 1) % cycle.objects.count].id, "edge \(index) enters another object")
        }
        return cycle
    }

    func objects(_ cycle: CycleWitness) -> [Object] {
        cycle.objects.map { Object(kind: $0.kind, label: $0.label, isSelf: $0.isSelf) }
    }

    func slots(_ cycle: CycleWitness) -> [Slot] {
        cycle.edges.map { Slot(kind: $0.kind, via: $0.via) }
    }

    @Test func parentAndChildHoldEachOtherThroughDictAndListItem() throws {
        let cycle = try onlyCycle("""
            class Tree:
                def __init__(self):
                    self.children = []

                def add(self, node):
                    node.parent = self
                    self.children.append(node)
            """)
        #expect(cycle.kind == .instanceAttributes)
        #expect(objects(cycle) == [
            Object(kind: .instance(className: "Tree"), label: "Tree", isSelf: true),
            Object(kind: .container("list"), label: "list", isSelf: false),
            Object(kind: .instance(className: nil), label: "node", isSelf: false),
        ])
        #expect(slots(cycle) == [
            Slot(kind: .attribute, via: "children"), Slot(kind: .item, via: "[item]"), Slot(kind: .attribute, via: "parent"),
        ])
        // `self.children` is read (an implicit edge of the existing list) on the append line; `parent` is stored.
        #expect(cycle.edges.map(\.isImplicit) == [true, false, false])
        #expect(cycle.edges.map(\.line) == [6, 6, 5])
        #expect(cycle.objects[1].fieldName == "children")
    }

    @Test func boundMethodOnSelfHoldsItsOwnerThroughDunderSelf() throws {
        let cycle = try onlyCycle("""
            class Widget:
                def __init__(self):
                    self.on_click = self.handle_click

                def handle_click(self):
                    pass
            """)
        #expect(cycle.kind == .callableHoldingOwner)
        #expect(objects(cycle) == [
            Object(kind: .instance(className: "Widget"), label: "Widget", isSelf: true),
            Object(kind: .callable(.boundMethod), label: "bound method Widget.handle_click", isSelf: false),
        ])
        #expect(slots(cycle) == [Slot(kind: .attribute, via: "on_click"), Slot(kind: .boundSelf, via: "__self__")])
        #expect(cycle.edges.map(\.isImplicit) == [false, true])
    }

    @Test func lambdaHoldsItsOwnerThroughAClosureCell() throws {
        let cycle = try onlyCycle("""
            class Counter:
                def __init__(self):
                    self.count = 0
                    self.bump = lambda: self.count + 1
            """)
        #expect(cycle.kind == .callableHoldingOwner)
        #expect(objects(cycle) == [
            Object(kind: .instance(className: "Counter"), label: "Counter", isSelf: true),
            Object(kind: .callable(.lambda), label: "lambda", isSelf: false),
        ])
        #expect(slots(cycle) == [Slot(kind: .attribute, via: "bump"), Slot(kind: .closure, via: "closure(self)")])
    }

    @Test func listHoldingItselfIsOneObjectAndOneItemSlot() throws {
        let cycle = try onlyCycle("""
            items = []
            items.append(items)
            """)
        #expect(cycle.kind == .selfContainingContainer)
        #expect(cycle.scopeName == "<module>")
        #expect(objects(cycle) == [Object(kind: .container("list"), label: "list", isSelf: false)])
        #expect(slots(cycle) == [Slot(kind: .item, via: "[item]")])
        #expect(cycle.edges.first?.line == 1)
    }

    @Test func threadTargetHoldsTheBoundMethodThatHoldsItsOwner() throws {
        let cycle = try onlyCycle("""
            import threading

            class Worker:
                def __init__(self):
                    self.thread = threading.Thread(target=self.loop)

                def loop(self):
                    pass
            """)
        #expect(cycle.kind == .callableHoldingOwner)
        #expect(objects(cycle) == [
            Object(kind: .instance(className: "Worker"), label: "Worker", isSelf: true),
            Object(kind: .callable(.thread), label: "Thread", isSelf: false),
            Object(kind: .callable(.boundMethod), label: "bound method Worker.loop", isSelf: false),
        ])
        // threading.Thread keeps the callable in `_target` until run() finishes (CPython deletes it there).
        #expect(slots(cycle) == [
            Slot(kind: .attribute, via: "thread"), Slot(kind: .argument, via: "_target"), Slot(kind: .boundSelf, via: "__self__"),
        ])
    }

    @Test func partialHoldsItsOwnerThroughArgs() throws {
        let cycle = try onlyCycle("""
            import functools

            class Worker:
                def __init__(self):
                    self.retry = functools.partial(Worker.loop, self)

                def loop(self):
                    pass
            """)
        #expect(cycle.kind == .callableHoldingOwner)
        #expect(objects(cycle) == [
            Object(kind: .instance(className: "Worker"), label: "Worker", isSelf: true),
            Object(kind: .callable(.partial), label: "functools.partial", isSelf: false),
        ])
        #expect(slots(cycle) == [Slot(kind: .attribute, via: "retry"), Slot(kind: .argument, via: "args")])
    }
}
