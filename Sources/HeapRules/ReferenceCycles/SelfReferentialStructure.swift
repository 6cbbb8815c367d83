import HeapModel

/// HL104: a container that holds itself, and doubly linked nodes.
public struct SelfReferentialStructure: Rule {
    public static let metadata = RuleMetadata(
        code: "HL104", name: "self-referential-structure", family: .referenceCycles, status: .stable,
        severity: .warning, fix: .never,
        summary: "A container holds itself (directly or through other containers), or nodes are linked both ways.",
        doc: RuleDoc(
            whatItFinds: """
                `items.append(items)`, `d["self"] = d`, two containers holding each other, and doubly linked nodes \
                (`node.prev = tail; tail.next = node`), where the model shows the same object at both ends of the path.
                """,
            whyItMatters: """
                A container keeps a strong reference to each item. A container that reaches itself — or a pair of nodes \
                that point at each other through `next` and `prev` — never drops to a reference count of zero, so it and \
                everything it holds wait for the cyclic garbage collector (never run while `gc` is disabled). A long \
                doubly linked list is one big cycle: dropping the list object does not free any node.
                """,
            example: """
                ```python
                config = {"name": "app"}
                config["self"] = config   # HL104
                ```
                """,
            useInstead: """
                ```python
                import weakref

                class Node:
                    def __init__(self, value):
                        self.value = value
                        self.next = None
                        self._prev = None          # weakref.ref to the previous node

                    @property
                    def prev(self):
                        return self._prev() if self._prev is not None else None
                ```
                Or use `collections.deque` / `collections.OrderedDict` instead of hand-made linked nodes, and never store a \
                container in itself.
                """,
            whenItsFine: """
                Copies (`items.append(list(items))`, `d["copy"] = dict(d)`), `items.extend(items)` (adds the elements, not \
                the list), singly linked nodes, weak back links, and links cleared by an `unlink()`/`remove()`/`clear()` \
                method are not reported.
                """,
            references: [
                "https://docs.python.org/3/library/gc.html",
                "https://docs.python.org/3/library/collections.html#collections.deque",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let containers = context.heap.cycles(closedBy: .selfContainingContainer).map { cycle in
            Finding(Self.self, range: cycle.site,
                    message: "\(CycleMessages.participants(cycle)) \(cycle.objects.count == 1 ? "holds itself" : "hold each other"), a reference cycle only the cyclic garbage collector can free",
                    explanation: cycle.explanation(for: context.settings.targetVersion))
        }
        let links = context.heap.cycles(closedBy: .doublyLinked).map { cycle in
            Finding(Self.self, range: cycle.site,
                    message: "Doubly linked \(cycle.classNames.isEmpty ? CycleMessages.participants(cycle) : cycle.classNames.sorted().map { "`\($0)`" }.joined(separator: ", ")) nodes hold each other through \(CycleMessages.attributes(cycle)); only the cyclic garbage collector can free them",
                    explanation: cycle.explanation(for: context.settings.targetVersion))
        }
        return (containers + links).sorted { $0.range < $1.range }
    }
}
