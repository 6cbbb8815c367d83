import HeapModel

/// HL202: `__del__` that stores `self` somewhere that outlives it.
public struct FinalizerResurrectsSelf: Rule {
    public static let metadata = RuleMetadata(
        code: "HL202", name: "finalizer-resurrects-self", family: .finalizers, status: .stable,
        severity: .warning, fix: .never,
        summary: "`__del__` stores `self` where it stays reachable, resurrecting the object.",
        doc: RuleDoc(
            whatItFinds: """
                A `__del__` that puts `self` into a module-level or class-level container (`_pool.append(self)`, \
                `type(self).instances.add(self)`, `Cls.registry[k] = self`, `queue.put(self)`) or assigns it to a \
                global (`global last; last = self`).
                """,
            whyItMatters: """
                A finalizer runs when the object is about to be freed. Storing `self` somewhere reachable brings it \
                back to life: its memory (and everything it refers to) is not freed, and since PEP 442 its `__del__` \
                will not run a second time when it finally dies. Inside a cycle, a resurrected object keeps the whole \
                cycle alive, and the collector has to detect the resurrection and abandon the collection.
                """,
            example: """
                ```python
                _graveyard = []

                class Connection:
                    def __del__(self):
                        _graveyard.append(self)   # HL202
                ```
                """,
            useInstead: """
                Make reuse explicit: a pool with `acquire()`/`release()` (or a context manager) that the caller uses, \
                and `weakref.finalize` for cleanup that must not resurrect anything. Store data copied from the object \
                (`self.host`), not the object.
                """,
            whenItsFine: """
                Storing attributes of `self` (`_hosts.append(self.host)`), `id(self)`, appending `self` to a local list, \
                and logging are not reported.
                """,
            references: [
                "https://peps.python.org/pep-0442/",
                "https://docs.python.org/3/reference/datamodel.html#object.__del__",
            ]),
        examples: examples)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        context.heap.resurrections.map { resurrection in
            Finding(Self.self, range: resurrection.site,
                    message: "`\(resurrection.className).__del__` stores `self` in `\(resurrection.holder)`, resurrecting the object; its memory is not freed and `__del__` will not run again",
                    explanation: HeapExplanation(
                        path: [ReferenceStep(from: resurrection.holder, via: "", to: resurrection.className,
                                             site: resurrection.site, line: resurrection.line + 1)],
                        estimate: nil,
                        mechanism: "The object's reference count was zero when `__del__` started; the new reference keeps it alive past deallocation, and PEP 442 marks it finalized so `__del__` never runs again.",
                        remedy: "Store data copied from the object instead of the object, or manage reuse explicitly with acquire()/release()."))
        }
    }
}
