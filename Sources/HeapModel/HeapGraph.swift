import HeapSemantics
import HeapSyntax

/// What kind of object an abstract object stands for.
public enum ObjectKind: Sendable, Hashable {
    /// An instance: `self` inside a method, an object made by calling a class, or a parameter or
    /// attribute value whose class is unknown (`className` nil).
    case instance(className: String?)
    /// `list`, `dict`, `set`, `tuple`, `deque`, `WeakSet`, `WeakValueDictionary`, `WeakKeyDictionary`.
    case container(String)
    /// Something callable that holds references: a bound method (→ `__self__`), a lambda or nested
    /// function (→ its closure cells), a `functools.partial` (→ func, args), a `threading.Thread`/`Timer`
    /// (→ target, args).
    case callable(CallableKind)
}

extension ObjectKind {
    /// The kind as a `FunctionSummary.Object` spells it (kind, detail).
    var summaryKind: (String, String?) {
        switch self {
        case .instance(let className): ("instance", className)
        case .container(let kind): ("container", kind)
        case .callable(let kind): ("callable", kind.rawValue)
        }
    }

    init?(summaryKind kind: String, detail: String?) {
        switch kind {
        case "instance": self = .instance(className: detail)
        case "container": guard let detail else { return nil }; self = .container(detail)
        case "callable": guard let callable = detail.flatMap(CallableKind.init(rawValue:)) else { return nil }; self = .callable(callable)
        default: return nil
        }
    }
}

public enum CallableKind: String, Sendable, Hashable {
    case boundMethod = "bound method", lambda, nestedFunction = "function", partial = "functools.partial"
    case thread = "Thread", timer = "Timer"
}

/// One object of the abstract heap of a scope.
public struct AbstractObject: Sendable, Hashable {
    public let id: Int
    public let kind: ObjectKind
    /// How paths name it: `Tree`, `list`, `bound method Worker.run`, `child`.
    public let label: String
    /// The instance bound to `self` in the method being analysed (not "some other instance").
    public let isSelf: Bool
    /// For a value read from an attribute (`self.children`): which attribute.
    public let fieldName: String?
    /// 0-based line of the expression that allocated the object in this module (`Node(self)`, `[]`,
    /// `lambda: ...`, `self.m` making a bound method), when the model saw it made: the line tracemalloc
    /// would name as its allocation site. Nil for objects that existed before the analysed code ran
    /// (`self`, parameters, values read from attributes).
    public var allocationLine: Int? = nil

    public var className: String? {
        if case .instance(let name) = kind { return name }
        return nil
    }

    public var isCallable: Bool {
        if case .callable = kind { return true }
        return false
    }

    public var containerKind: String? {
        if case .container(let name) = kind { return name }
        return nil
    }
}

/// How one object holds another, as CPython stores it.
public enum EdgeKind: String, Sendable, Hashable {
    /// instance → `__dict__` (or slot) → value.
    case attribute
    /// container → item (list/set item, dict value, tuple element).
    case item
    /// bound method → `__self__`.
    case boundSelf
    /// function → `__closure__` cell → captured variable.
    case closure
    /// partial → func/args; Thread → target/args.
    case argument
    /// future → its done-callbacks list → callback.
    case callback
}

/// A strong reference from one abstract object to another, created at `site`.
public struct ReferenceEdge: Sendable, Hashable {
    public let from: Int
    public let to: Int
    public let kind: EdgeKind
    /// Attribute name, `[key]`, `__self__`, `closure(self)`, `target`.
    public let via: String
    public let site: SourceRange
    /// 0-based line of `site`.
    public let line: Int
    /// Made by reading an attribute (`self.children` is held by `self`), not by a statement.
    public let isImplicit: Bool
    /// Copied from a called method's summary (`Node(parent=self)` runs `Node.__init__`).
    public let isFromCallee: Bool
    /// The `if`/`match`/`try` arms the creating statement sits in: (statement node index, arm).
    let arms: [BranchArm]
    /// Blocks on the creating statement's path that end in `return`/`raise`/`break`/`continue`.
    let exitingBlocks: [SourceRange]
    /// The statement in the analysed scope that creates the edge (the call, for callee edges).
    let anchor: SourceRange
    /// For a callee edge: it points at an object that existed before the call (an argument, the receiver
    /// or what they hold), not at one the call made. Only such edges can tie a caller's objects together.
    var reachesEarlierObject = true
}

struct BranchArm: Sendable, Hashable {
    let statement: NodeIndex
    let arm: Int
}

/// The pattern that closes a cycle, which decides the rule that reports it.
public enum CycleKind: String, Sendable, Hashable {
    /// Instances holding each other through attributes (HL101).
    case instanceAttributes
    /// A bound method, lambda, nested function, partial or thread target that holds its owner (HL102).
    case callableHoldingOwner
    /// A container holding itself, directly or through other containers (HL104).
    case selfContainingContainer
    /// `next`/`prev` links between nodes (HL104).
    case doublyLinked
}

/// A statement that breaks a cycle's link, but only inside `__del__` (or a private method only
/// `__del__` calls): it never runs while the cycle keeps the object alive.
public struct FinalizerBreak: Sendable, Hashable {
    /// The attribute it clears.
    public let field: String
    public let site: SourceRange
    /// 0-based line of `site`.
    public let line: Int
    /// `__del__`, or the private method's name.
    public let function: String
    /// The class whose method holds the statement ("" outside any class).
    let ownerClass: String
}

/// A must-cycle: the same abstract object at both ends of a path of strong references.
public struct CycleWitness: Sendable {
    public let kind: CycleKind
    /// Where the finding goes: the statement that creates the closing reference.
    public let site: SourceRange
    /// The objects on the cycle, in path order.
    public let objects: [AbstractObject]
    /// The edges of the cycle, in path order (`edges[i]` goes from `objects[i]` to `objects[i+1]`).
    public let edges: [ReferenceEdge]
    /// Classes defined in this module whose instances lie on the cycle.
    public let classNames: Set<String>
    /// The name of the function (or `<module>`) whose code builds the cycle.
    public let scopeName: String
    /// Set when the only code that breaks the cycle runs in a finalizer (HL203 reports these).
    public let brokenOnlyInFinalizer: FinalizerBreak?
    /// Other statements of the same scope that close a cycle through the same objects (one strongly
    /// connected component): reported with this witness, not as findings of their own.
    public private(set) var alsoClosedAt: [ClosingSite] = []

    init(kind: CycleKind, site: SourceRange, objects: [AbstractObject], edges: [ReferenceEdge], classNames: Set<String>,
         scopeName: String, brokenOnlyInFinalizer: FinalizerBreak? = nil) {
        self.kind = kind
        self.site = site
        self.objects = objects
        self.edges = edges
        self.classNames = classNames
        self.scopeName = scopeName
        self.brokenOnlyInFinalizer = brokenOnlyInFinalizer
    }

    func merging(alsoClosedAt others: [ClosingSite]) -> CycleWitness {
        var copy = self
        copy.alsoClosedAt = others
        return copy
    }

    /// The edge created at `site` (the closing statement), or the first edge.
    private var closingEdge: ReferenceEdge? {
        edges.first { $0.anchor == site && !$0.isImplicit } ?? edges.first
    }

    /// `Owner._callback → bound method`: what the closing statement stores.
    var closingSummary: String {
        guard let edge = closingEdge, let index = edges.firstIndex(of: edge) else { return "" }
        let from = objects[index].label
        let to = objects[(index + 1) % objects.count].label
        return edge.kind == .item ? "\(from) → \(to)" : "\(from).\(edge.via) → \(to)"
    }

    public var steps: [ReferenceStep] {
        var result: [ReferenceStep] = []
        for (index, edge) in edges.enumerated() {
            let from = objects[index].label
            let to = objects[(index + 1) % objects.count].label
            let via = edge.kind == .item ? "" : edge.via
            var step = ReferenceStep(from: from, via: via, to: to, site: edge.site, line: edge.line + 1)
            step.fromAllocatedAt = objects[index].allocationLine.map { $0 + 1 }
            step.toAllocatedAt = objects[(index + 1) % objects.count].allocationLine.map { $0 + 1 }
            result.append(step)
        }
        return result
    }

    /// What breaks the cycle without the collector, when the model knows it: a done-callback is dropped
    /// when its future completes.
    public var breaksWhen: String? {
        edges.contains { $0.kind == .callback } ? "the future completes" : nil
    }

    /// Path, estimate, mechanism and remedy for this cycle under `version`.
    public func explanation(for version: TargetVersion) -> HeapExplanation {
        HeapExplanation(path: steps, estimate: CPythonSizes.estimate(objects: objects, version: version),
                        mechanism: mechanism(for: version), remedy: remedy, alsoClosedAt: alsoClosedAt)
    }

    /// How CPython frees it. A cycle through a done-callback is temporary for an asyncio `Future`/`Task`:
    /// completing schedules the callbacks and empties the callback list (`Future.__schedule_callbacks`),
    /// after which reference counting frees the objects. A `concurrent.futures.Future` keeps its
    /// `_done_callbacks`, so there the collector is still needed.
    public func mechanism(for version: TargetVersion) -> String {
        guard breaksWhen != nil else { return CPythonCollector.cycleMechanism(for: version) }
        return CPythonCollector.mechanism("The cycle lasts until the future completes: an asyncio Future or Task then schedules its done-callbacks "
            + "and empties its callback list, which breaks the cycle, and reference counting frees the objects. "
            + "Until then, and for good if the future never completes or is a concurrent.futures.Future (which keeps "
            + "its callbacks), only CPython's cyclic garbage collector can free it; never while the collector is disabled (gc.disable()).",
            on: version)
    }

    public var remedy: String {
        switch kind {
        case .instanceAttributes:
            return "Hold the back-reference weakly (weakref.ref or weakref.proxy), or break the link in a teardown method (set the attribute to None in close()/__exit__)."
        case .callableHoldingOwner:
            return "Store weakref.WeakMethod(self.method) instead of the bound method (or a function that takes the object as an argument), or clear the attribute in close()/__exit__."
        case .selfContainingContainer:
            return "Do not store a container inside itself; keep a separate reference or a weakref.ref to it."
        case .doublyLinked:
            return "Keep the backward link (prev) as a weakref.ref, or clear the links when a node is removed."
        }
    }
}

/// The heap model of one module: every must-cycle its code builds, plus the frame-retention,
/// recursive-closure and finalizer-resurrection facts the HL1/HL2 rules report.
/// Built once per file from the semantic model; immutable afterwards.
public struct HeapGraph: Sendable {
    /// Cycles nothing in the module reliably breaks.
    public let cycles: [CycleWitness]
    /// Cycles whose only breaking code is in `__del__` (or a private method only `__del__` calls).
    public let cyclesBrokenOnlyInFinalizers: [CycleWitness]
    public let frameRetentions: [FrameRetention]
    public let frameCycles: [FrameCycle]
    /// Import-resolved names of imported callables given one of a scope's objects: the module's
    /// questions for a project index (answered or not).
    public let unresolvedCallees: Set<String>
    public let recursiveClosures: [RecursiveClosure]
    public let resurrections: [Resurrection]
    /// The interpretation, kept for `functionSummaries`: the project index asks for them only in a
    /// project check, after the cycles are found.
    let search: CycleSearch

    /// `project`, when given, lets constructors of other modules' classes be modelled.
    /// `sharing`: the project-blind facts of an earlier model of the same `semantics` (`projectBlindFacts`),
    /// taken as they are instead of searched again.
    public init(semantics: SemanticModel, project: ProjectContext? = nil, sharing earlier: ProjectBlindFacts? = nil) {
        let builder = CycleSearch(semantics: semantics, project: project)
        let all = builder.allCycles()
        self.search = builder
        self.cycles = all.filter { $0.brokenOnlyInFinalizer == nil }
        self.cyclesBrokenOnlyInFinalizers = all.filter { $0.brokenOnlyInFinalizer != nil }
        self.unresolvedCallees = builder.unresolvedCallees
        let blind = earlier ?? ProjectBlindFacts(semantics)
        self.frameRetentions = blind.frameRetentions
        self.frameCycles = blind.frameCycles
        self.recursiveClosures = blind.recursiveClosures
        self.resurrections = blind.resurrections
    }

    /// The facts that depend on the module alone: frames, closures and finalizers are searched in the
    /// module's own code, and only the cycle search replays other modules' constructors and functions.
    public struct ProjectBlindFacts: Sendable {
        let frameRetentions: [FrameRetention]
        let frameCycles: [FrameCycle]
        let recursiveClosures: [RecursiveClosure]
        let resurrections: [Resurrection]

        init(frameRetentions: [FrameRetention], frameCycles: [FrameCycle], recursiveClosures: [RecursiveClosure],
             resurrections: [Resurrection]) {
            self.frameRetentions = frameRetentions
            self.frameCycles = frameCycles
            self.recursiveClosures = recursiveClosures
            self.resurrections = resurrections
        }

        init(_ semantics: SemanticModel) {
            let frames = FrameRetentionQuery.analyse(semantics)
            frameRetentions = frames.retentions
            frameCycles = (frames.raised + FrameCycleSearch.find(semantics)).sorted { $0.site < $1.site }
            recursiveClosures = RecursiveClosureSearch.find(semantics)
            resurrections = ResurrectionSearch.find(semantics)
        }
    }

    /// This model's project-blind facts, for a later model of the same module with a project index.
    public var projectBlindFacts: ProjectBlindFacts {
        ProjectBlindFacts(frameRetentions: frameRetentions, frameCycles: frameCycles,
                          recursiveClosures: recursiveClosures, resurrections: resurrections)
    }

    /// Summaries of the module's top-level functions whose calls leave the caller references (see
    /// `FunctionSummary`), named inside `moduleName`, for the project index.
    public func functionSummaries(moduleName: String) -> [FunctionSummary] {
        search.functionSummaries(moduleName: moduleName)
    }

    /// Cycles whose closing pattern is `kind`.
    public func cycles(closedBy kind: CycleKind) -> [CycleWitness] {
        cycles.filter { $0.kind == kind }
    }

    /// Cycles of any kind on which an instance of `className` lies.
    public func cycles(involving className: String) -> [CycleWitness] {
        cycles.filter { $0.classNames.contains(className) }
    }
}
