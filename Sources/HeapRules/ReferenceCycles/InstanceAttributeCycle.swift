import HeapModel

/// HL101: instances that hold each other (or themselves) through attributes.
public struct InstanceAttributeCycle: Rule {
    public static let metadata = RuleMetadata(
        code: "HL101", name: "instance-attribute-cycle", family: .referenceCycles, status: .stable,
        severity: .warning, fix: .never,
        summary: "Instances refer to each other (or to themselves) through attributes, forming a reference cycle.",
        doc: RuleDoc(
            whatItFinds: """
                Code that makes the same object reachable from itself through instance attributes: `self.root = self`, \
                a child that keeps its parent (`child.parent = self`) while the parent keeps the child \
                (`self.children.append(child)`), or two objects pointed at each other (`a.peer = b; b.peer = a`). \
                Only must-cycles are reported: the model has to show the same object at both ends of the path.
                """,
            whyItMatters: """
                CPython frees most objects by reference counting, the moment the last reference goes. Objects on a cycle \
                keep each other's counts above zero, so `del` does nothing: they (and everything they refer to) stay in \
                memory until the cyclic garbage collector runs a collection of the generation they reached, and never if \
                the collector is disabled. Long-lived processes that build many such structures grow in bursts and pay \
                for full collections.
                """,
            example: """
                ```python
                class Node:
                    def __init__(self, name):
                        self.parent = None
                        self.children = []

                    def add(self, child):
                        child.parent = self
                        self.children.append(child)   # HL101: Node.children → list → Node; Node.parent → Node
                ```
                """,
            useInstead: """
                ```python
                import weakref

                class Node:
                    def __init__(self, name):
                        self._parent = None
                        self.children = []

                    @property
                    def parent(self):
                        return self._parent() if self._parent is not None else None

                    def add(self, child):
                        child._parent = weakref.ref(self)
                        self.children.append(child)
                ```
                Or break the link in a teardown method (`close()`, `__exit__`) that sets the attribute to `None`.
                """,
            whenItsFine: """
                Singly linked structures (`node.next = Node()`), trees without parent links, back-references held through \
                `weakref.ref`/`weakref.proxy` or weak containers (`WeakSet`, `WeakValueDictionary`, and imported classes \
                named `Weak…` such as SQLAlchemy's `util.WeakSequence`; a `WeakKeyDictionary` still holds its values), and \
                cycles that the code breaks itself (the attribute set to `None`, deleted or its container cleared in \
                `close()`, `__exit__`, `connection_lost()`, `shutdown()`, a `finally` block, ...) are not reported. A cycle \
                broken only in `__del__` is reported as HL203 instead. Cycles that are short-lived and rare are harmless; suppress with \
                `# noqa: HL101` when the structure is meant to live for the whole process.
                """,
            references: [
                "https://docs.python.org/3/library/gc.html",
                "https://docs.python.org/3/library/weakref.html",
                "https://devguide.python.org/internals/garbage-collector/",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        context.heap.cycles(closedBy: .instanceAttributes).map { cycle in
            let verb = CycleMessages.holdVerb(cycle)
            let pronoun = verb == "holds itself" ? "it" : "them"
            return Finding(Self.self, range: cycle.site,
                    message: "Reference cycle: \(CycleMessages.participants(cycle)) \(verb) through \(CycleMessages.attributes(cycle)); \(CycleMessages.reclaim(cycle, pronoun: pronoun))",
                    explanation: cycle.explanation(for: context.settings.targetVersion))
        }
    }
}
