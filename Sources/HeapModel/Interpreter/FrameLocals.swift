import HeapSemantics
import HeapSyntax

/// An object of a running frame's heap that leads back to that frame, by the slots CPython gives it:
/// - a caught exception: `__traceback__` → traceback whose first entry's `tb_frame` is this frame (an
///   exception gains an entry for every frame it passes through, the catching frame included);
/// - a traceback (`e.__traceback__`, `sys.exc_info()[2]`, `tb.tb_next`): `tb_frame` is this frame, or a
///   deeper frame whose `f_back` is this one;
/// - the frame itself (`inspect.currentframe()`, `sys._getframe()`, `inspect.stack()`);
/// - `sys.exc_info()` (a tuple holding the exception and its traceback) or any part of it but the type;
/// - a container: leads back only through the tied objects put into it;
/// - an object raised by this frame (`raise err`): raising adds a traceback entry whose `tb_frame` is this
///   frame to the exception, whatever made it (a constructor call, a parameter, a caught exception);
/// - a future (`FutureModels`): by itself it leads nowhere, but where its `result()` raises, the exception it
///   keeps in `_exception` gets a traceback entry for this frame: future → `_exception` → exception →
///   `__traceback__` → traceback → `tb_frame` → this frame (`futureFailed`).
struct FrameObject: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case exception, excInfo, traceback, frame, container
        /// A future made in this frame (or returned by a module function that makes one).
        case future
        /// A future whose `result()` call (its `origin`) raised the exception the future keeps: from here on
        /// the future leads back to this frame.
        case futureFailed
        /// A class object (`kind = ValueError`, `type(exc)`, `sys.exc_info()[0]`): raising it makes a fresh
        /// instance each time, which no local holds.
        case classObject
        /// The exception a `raise` statement (its `origin`) raised from a local of this frame.
        case raised
        /// `__exit__(self, kind, value, tb)`'s `value` and `tb`: the exception leaving a `with` block and its
        /// traceback, whose first entry is the frame that ran the block (it holds the context manager), not
        /// this one; so a local of this frame holding them is no cycle through this frame.
        case exitException, exitTraceback
        /// A generator made by calling a generator function or method with a local of this frame (`self._produce()`,
        /// `walk(self)`): its `gi_frame` holds that local from the start. Not tied to *this* frame: it closes a
        /// cycle only when stored on the object the local refers to (object → generator → `gi_frame` → the
        /// generator's frame → the object), which `StoredGeneratorQuery` asks.
        case generator
    }
    let kind: Kind
    /// The expression (or `except` clause) that produced it.
    let origin: NodeIndex

    /// Whether the object leads to this frame by itself (a container does only through its items; what
    /// `__exit__` receives leads to another frame).
    var isTiedByItself: Bool {
        switch kind {
        case .exception, .excInfo, .traceback, .frame, .raised: return true
        case .container, .exitException, .exitTraceback, .future, .futureFailed, .classObject, .generator: return false
        }
    }
    /// `__exit__`'s exception or traceback argument.
    var isTiedToWithBlock: Bool { kind == .exitException || kind == .exitTraceback }
    /// What a local container is reported for holding: the exception or its traceback.
    var isStorableItem: Bool { kind == .exception || kind == .traceback || kind == .excInfo }
}

/// A reference held in a frame slot (`f_locals[name]`) or a container item, with the statement that stored it.
struct HeldReference: Hashable, Sendable {
    let object: FrameObject
    /// The statement (assignment, `append` call, `for`, `except` clause) that stored this reference.
    let site: NodeIndex
}

/// A store into an object a local reaches (`self.err = e`, `errors[0] = e`, `fut.set_exception(e)`): the
/// storing statement, the expression that holds the stored value (`self.err`) and the local at its base.
struct TrackedStore: Hashable, Sendable {
    /// The assignment or call that stores.
    let site: NodeIndex
    let holder: String
    let root: String
    /// What undoes the store. A store that ties this frame (an exception, a traceback) is undone by
    /// rebinding its root local too, since the frame then no longer reaches the holder; a stored generator's
    /// cycle does not run through this frame, so only what empties the holder undoes it (`holder = ...`,
    /// `del holder`, `holder.close()`, which clears the generator's frame).
    var kind: Kind = .throughFrame

    enum Kind: Hashable, Sendable { case throughFrame, generator }
}

/// What a frame's locals may hold at one point of the function.
struct FrameLocalsState: Equatable, Sendable {
    /// `f_locals[name]` → the objects of interest it may refer to.
    var locals: [String: Set<HeldReference>] = [:]
    /// container → the objects of interest put into it.
    var items: [FrameObject: Set<HeldReference>] = [:]
    /// The tracked stores made on some path to this point and not undone since (`self.err = None`,
    /// `del self.err`, the root local rebound, `errors.clear()`).
    var stores: Set<TrackedStore> = []
    /// The exceptions whose `__traceback__` edge this state follows: those caught by a handler of this frame
    /// and those `__exit__` receives (from where they are made on, whatever the path).
    var tracebackTracked: Set<FrameObject> = []
    /// Of those, the ones that may still have their traceback here. `e.__traceback__ = None`,
    /// `e.with_traceback(None)` and contextlib restoring a re-raised exception's original traceback kill
    /// the exception → `__traceback__` edge, so the exception no longer leads to the frame, wherever it is
    /// held or stored; a path that did not run the kill (or has not caught the exception yet) keeps it.
    var tracebackKept: Set<FrameObject> = []

    func union(_ other: FrameLocalsState) -> FrameLocalsState {
        var result = self
        for (name, held) in other.locals { result.locals[name, default: []].formUnion(held) }
        for (container, held) in other.items { result.items[container, default: []].formUnion(held) }
        result.stores.formUnion(other.stores)
        result.tracebackTracked.formUnion(other.tracebackTracked)
        result.tracebackKept.formUnion(other.tracebackKept)
        return result
    }

    /// Whether `object` still leads to this frame by its own slots here: an exception whose traceback was
    /// cleared on every path does not.
    func stillTied(_ object: FrameObject) -> Bool {
        !tracebackTracked.contains(object) || tracebackKept.contains(object)
    }

    /// `object` (an exception) has a traceback again, or for the first time.
    mutating func keepTraceback(_ object: FrameObject) {
        tracebackTracked.insert(object)
        tracebackKept.insert(object)
    }

    /// Drops the items of containers no local reaches any more. The join is not relational (it unions each
    /// local's and each container's contents separately), so a container emptied on one path and dropped on
    /// another must not bring its old items back when the paths meet.
    func pruned() -> FrameLocalsState {
        guard !items.isEmpty else { return self }
        let live = Set(reachable(from: locals.values.reduce(into: Set<HeldReference>()) { $0.formUnion($1) }).map(\.object))
        var result = self
        result.items = items.filter { live.contains($0.key) }
        return result
    }

    /// Objects reachable from `references` through container items, the references themselves included.
    func reachable(from references: Set<HeldReference>) -> Set<HeldReference> {
        var seen = Set<HeldReference>()
        var pending = Array(references)
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            if next.object.kind == .container { pending += items[next.object] ?? [] }
        }
        return seen
    }
}

/// The frame domain of the structured interpreter: which locals hold an exception caught in the frame,
/// its traceback, `sys.exc_info()` or the frame itself, directly or through a local container.
struct FrameLocalsDomain: FlowDomain {
    typealias State = FrameLocalsState
    let scope: FunctionScope
    let semantics: SemanticModel
    /// `raise` statement → how a local reaches the exception it raises, for the raises whose value is an
    /// exception instance.
    var raisingLocals: [NodeIndex: RaisingLocal] = [:]

    /// `raise err`, `raise self._exc` (the local itself reaches it), `raise errors[0]` (an item of the
    /// container the local holds: emptying the container drops it).
    struct RaisingLocal: Hashable, Sendable {
        let name: String
        let isItem: Bool
    }

    /// Collects the state some statements start from, for a search that asks what a name holds there.
    let recorder: StatementStates?
    /// Summaries of the module's functions that return a future; nil: calls to them make nothing (the
    /// summaries' own runs, which go one level deep).
    var futureFunctions: FutureReturningFunctions?
    /// Expression statement → the stores it makes that the state follows (`FrameLocalsState.stores`), for a
    /// search that asks which stores are still in place when the frame ends.
    var trackedStores: [NodeIndex: [TrackedStore]] = [:]
    /// Call → the locals its generator's frame holds, for the calls of generator functions and methods
    /// (`StoredGeneratorQuery.generatorCalls`): their value is a `.generator` object.
    var generatorCalls: [NodeIndex: Set<String>] = [:]

    init(scope: FunctionScope, semantics: SemanticModel, raisingLocals: [NodeIndex: RaisingLocal] = [:],
         recorder: StatementStates? = nil, trackedStores: [NodeIndex: [TrackedStore]] = [:],
         generatorCalls: [NodeIndex: Set<String>] = [:], futureFunctions: FutureReturningFunctions? = nil) {
        self.scope = scope
        self.semantics = semantics
        self.raisingLocals = raisingLocals
        self.recorder = recorder
        self.trackedStores = trackedStores
        self.generatorCalls = generatorCalls
        self.futureFunctions = futureFunctions
    }

    func join(_ a: State, _ b: State) -> State { a.union(b) }

    /// What the locals hold when the function starts: in `__exit__(self, kind, value, tb)` / `__aexit__`,
    /// CPython passes the exception leaving the `with` block and its traceback as the third and fourth
    /// parameters (positionally, whatever they are named).
    func entryState() -> State {
        var state = State()
        // A parameter the caller passes a class in, by convention (`exc_type`, `error_class`) or by its
        // annotation (`kind: type[Exception]`).
        let context = FunctionContext(scope: scope, statements: [], semantics: semantics)
        for name in scope.parameters where scope.locals.contains(name) && context.mayHoldClass(name) {
            let site = scope.node.index
            state.locals[name] = [HeldReference(object: FrameObject(kind: .classObject, origin: site), site: site)]
        }
        guard scope.name == "__exit__" || scope.name == "__aexit__", scope.parameters.count >= 4 else { return state }
        let site = scope.node.index
        for (position, kind) in [(2, FrameObject.Kind.exitException), (3, .exitTraceback)] {
            let name = scope.parameters[position]
            guard scope.locals.contains(name) else { continue }
            state.locals[name] = [HeldReference(object: FrameObject(kind: kind, origin: site), site: site)]
            if kind == .exitException { state.keepTraceback(FrameObject(kind: kind, origin: site)) }
        }
        return state
    }

    // MARK: Statements

    func simpleStatement(_ statement: Node, _ state: State) -> State {
        recorder?.note(statement, state)
        var state = state
        // Undone first: a statement that stores into a holder again replaces what an earlier one put there.
        if !state.stores.isEmpty, statement.kind == .expressionStatement || statement.kind == .deleteStatement {
            let inner = statement.kind == .expressionStatement ? (statement.firstNamedChild ?? statement) : statement
            state.stores = state.stores.filter { !Self.undoes(inner, $0) }
        }
        switch statement.kind {
        case .expressionStatement:
            for expression in statement.namedChildren { state = effects(of: expression, state) }
        case .deleteStatement:
            let targets = statement.namedChildren.flatMap { $0.kind == .expressionList ? $0.namedChildren.array : [$0] }
            for target in targets where target.kind == .identifier { state.locals[target.text] = nil }
        case .functionDefinition, .classDefinition:
            if let name = statement.child(.name) { bind(name.text, to: [], state: &state) }
        case .decoratedDefinition:
            if let name = statement.child(.definition)?.child(.name) { bind(name.text, to: [], state: &state) }
        case .importStatement, .importFromStatement:
            for name in statement.descendants where name.kind == .identifier && name.parent?.kind != .dottedName {
                bind(name.text, to: [], state: &state)
            }
        default:
            break
        }
        if let made = trackedStores[statement.index] { state.stores.formUnion(made) }
        return state.pruned()
    }

    /// Whether `node` (an expression statement's expression or a `del`) undoes `store`: `del self.err`,
    /// `del self`, `self.err = None` (any value: the old one is no longer held there), `self = None` (any
    /// rebinding of the root local), `errors.clear()` / `self.errors.clear()`.
    static func undoes(_ node: Node, _ store: TrackedStore) -> Bool {
        let throughFrame = store.kind == .throughFrame
        switch node.kind {
        case .call:
            guard let callee = node.child(.function), callee.kind == .attribute, let object = callee.child(.object) else { return false }
            // `self._it.close()` / `aclose()` clears the generator's frame (`gi_frame` becomes None).
            if !throughFrame, callee.child(.attribute).map({ $0.textEquals("close") || $0.textEquals("aclose") }) == true {
                return object.textEquals(store.holder)
            }
            guard callee.child(.attribute)?.textEquals("clear") == true else { return false }
            // `errors.clear()` empties the container the holder is in; `self.clear()` is only a method
            // call on the root, which undoes a generator store no more than any other call.
            if !throughFrame, object.textEquals(store.root) { return false }
            return object.textEquals(store.root) || store.holder.hasPrefix(object.text)
        case .deleteStatement:
            return node.namedChildren.flatMap { $0.kind == .expressionList ? $0.namedChildren.array : [$0] }
                .contains { (throughFrame && $0.textEquals(store.root)) || $0.textEquals(store.holder) }
        case .assignment:
            var current: Node? = node
            while let step = current, step.kind == .assignment {
                guard let left = step.child(.left) else { return false }
                if throughFrame, left.boundIdentifiers.contains(where: { $0.textEquals(store.root) }) { return true }
                if left.textEquals(store.holder) { return true }
                current = step.child(.right)
            }
            return false
        default:
            return false
        }
    }

    func condition(_ condition: Node, truth: Bool, _ state: State) -> State {
        var state = walrusBindings(in: condition, state)
        // An exception, traceback or frame is never false: the branch where the name is false or None
        // is one where it holds none of them (an empty container holds nothing either).
        if let tested = Self.testedForNone(condition, whenTruthIs: truth) {
            if tested.kind == .identifier {
                let name = tested.text
                for reference in state.locals[name] ?? [] where reference.object.kind == .container { state.items[reference.object] = nil }
                state.locals[name] = nil
            }
            // Likewise a holder tested false (`if self._errors:` after `self._errors.append(exc)`, asyncio's
            // TaskGroup): on that path it holds nothing a store put there.
            if !state.stores.isEmpty { state.stores = state.stores.filter { !tested.textEquals($0.holder) } }
        }
        // Where `isinstance(name, Exception)` is false, `name` holds no exception instance: a caught
        // exception (an instance of what `except Exception` or a narrower clause catches) is not there.
        if let name = Self.nameRuledOutAsException(condition, whenTruthIs: truth), let held = state.locals[name] {
            let kept = held.filter { $0.object.kind != .exception }
            state.locals[name] = kept.isEmpty ? nil : kept
        }
        // Where `isinstance(name, type)` or `issubclass(name, ...)` holds, `name` is a class object (code that
        // accepts a class or an instance: raising the class makes a new instance).
        for name in Self.namesShownToBeClasses(condition, whenTruthIs: truth) where scope.locals.contains(name) {
            state.locals[name, default: []].insert(HeldReference(object: FrameObject(kind: .classObject, origin: condition.index),
                                                                 site: condition.index))
        }
        return state.pruned()
    }

    /// `isinstance(name, type)`, `issubclass(name, ...)`, joined by `and` (or `not` of an `or`): the names that
    /// are classes when the condition has the value `truth`.
    static func namesShownToBeClasses(_ condition: Node, whenTruthIs truth: Bool, depth: Int = 0) -> [String] {
        guard depth < maxExpressionDepth else { return [] }
        switch condition.kind {
        case .parenthesizedExpression:
            return condition.firstNamedChild.map { namesShownToBeClasses($0, whenTruthIs: truth, depth: depth + 1) } ?? []
        case .notOperator:
            return condition.child(.argument).map { namesShownToBeClasses($0, whenTruthIs: !truth, depth: depth + 1) } ?? []
        case .booleanOperator:
            // `a and b` true: both hold; `a or b` false: neither holds.
            let conjunction = condition.child(.operator)?.textEquals("and") ?? condition.text.contains(" and ")
            guard conjunction == truth else { return [] }
            return [condition.child(.left), condition.child(.right)].compactMap { $0 }
                .flatMap { namesShownToBeClasses($0, whenTruthIs: truth, depth: depth + 1) }
        case .call:
            guard truth, let callee = condition.child(.function) else { return [] }
            let arguments = (condition.child(.arguments)?.namedChildren.array ?? []).filter { $0.kind != .comment }
            guard arguments.count == 2, arguments[0].kind == .identifier else { return [] }
            if callee.textEquals("issubclass") { return [arguments[0].text] }
            if callee.textEquals("isinstance") {
                let classes = arguments[1].kind == .tuple ? arguments[1].namedChildren.array : [arguments[1]]
                if classes.contains(where: { $0.textEquals("type") }) { return [arguments[0].text] }
            }
            return []
        default:
            return []
        }
    }

    /// `isinstance(name, Exception)`, `isinstance(name, (Exception, ...))`, `not ...`: the name that holds no
    /// exception instance when the condition has the value `truth`.
    static func nameRuledOutAsException(_ condition: Node, whenTruthIs truth: Bool, depth: Int = 0) -> String? {
        guard depth < maxExpressionDepth else { return nil }
        switch condition.kind {
        case .parenthesizedExpression:
            return condition.firstNamedChild.flatMap { nameRuledOutAsException($0, whenTruthIs: truth, depth: depth + 1) }
        case .notOperator:
            return condition.child(.argument).flatMap { nameRuledOutAsException($0, whenTruthIs: !truth, depth: depth + 1) }
        case .call:
            guard !truth, condition.child(.function)?.textEquals("isinstance") == true else { return nil }
            let arguments = (condition.child(.arguments)?.namedChildren.array ?? []).filter { $0.kind != .comment }
            guard arguments.count == 2, arguments[0].kind == .identifier else { return nil }
            let classes = arguments[1].kind == .tuple ? arguments[1].namedChildren.array : [arguments[1]]
            guard classes.contains(where: { $0.textEquals("Exception") || $0.textEquals("BaseException") }) else { return nil }
            return arguments[0].text
        default:
            return nil
        }
    }

    /// `x`, `not x`, `x is None`, `x is not None`, `len(x)` with `x` a name or an attribute or item chain
    /// (`self._errors`): the expression that is None or false when the condition has the value `truth`.
    static func testedForNone(_ condition: Node, whenTruthIs truth: Bool, depth: Int = 0) -> Node? {
        guard depth < maxExpressionDepth else { return nil }
        let tested: Set<SyntaxKind> = [.identifier, .attribute, .subscript]
        switch condition.kind {
        case .parenthesizedExpression:
            return condition.firstNamedChild.flatMap { testedForNone($0, whenTruthIs: truth, depth: depth + 1) }
        case .identifier, .attribute, .subscript:
            return truth ? nil : condition
        case .call:
            // `len(x)` is 0 only for an empty container, which holds nothing.
            guard !truth, condition.child(.function)?.textEquals("len") == true,
                  let arguments = condition.child(.arguments)?.namedChildren.array, arguments.count == 1,
                  tested.contains(arguments[0].kind) else { return nil }
            return arguments[0]
        case .namedExpression:
            return truth ? nil : condition.child(.name)
        case .notOperator:
            return condition.child(.argument).flatMap { testedForNone($0, whenTruthIs: !truth, depth: depth + 1) }
        case .comparisonOperator:
            let parts = condition.children.filter { $0.kind != .comment }
            guard parts.count >= 3, let name = parts.first, tested.contains(name.kind), let last = parts.last,
                  last.kind == SyntaxKind.none else { return nil }
            let operators = parts.dropFirst().dropLast().map(\.text).joined(separator: " ")
            if operators == "is" || operators == "==" { return truth ? name : nil }
            if operators == "is not" || operators == "!=" { return truth ? nil : name }
            return nil
        default:
            return nil
        }
    }

    func bindLoopTarget(_ loop: Node, _ state: State) -> State {
        var state = state
        guard let target = loop.child(.left) else { return state }
        var values: Set<HeldReference> = []
        if let iterable = loop.child(.right) {
            state = walrusBindings(in: iterable, state)
            for reference in value(of: iterable, state) where reference.object.kind == .container {
                values.formUnion(state.items[reference.object] ?? [])
            }
        }
        if target.kind == .identifier {
            bind(target.text, to: Set(values.map(\.object)), site: loop.index, state: &state)
        } else {
            for name in target.boundIdentifiers { bind(name.text, to: [], state: &state) }
        }
        return state
    }

    /// A loop that walks up the stack (`frame = frame.f_back` in its body, not under a condition) takes a
    /// step: code walks frames to leave its own, and a walk of zero steps would have no loop. So does a `for`
    /// over `range(n + 1)` or `range(k)` with a positive literal `k`.
    func loopRunsAtLeastOnce(_ loop: Node) -> Bool {
        if loop.kind == .forStatement, let iterable = loop.child(.right), iterable.kind == .call,
           iterable.child(.function)?.textEquals("range") == true,
           let arguments = iterable.child(.arguments)?.namedChildren.array, arguments.count == 1 {
            let bound = arguments[0]
            if bound.kind == .integer, let value = Int(bound.text), value > 0 { return true }
            if bound.kind == .binaryOperator, bound.child(.operator)?.textEquals("+") == true,
               let right = bound.child(.right), right.kind == .integer, let value = Int(right.text), value > 0 { return true }
        }
        guard let body = loop.child(.body) else { return false }
        for statement in body.namedChildren where statement.kind == .expressionStatement {
            guard let assignment = statement.firstNamedChild, assignment.kind == .assignment,
                  let target = assignment.child(.left), target.kind == .identifier,
                  let right = assignment.child(.right), right.kind == .attribute,
                  right.child(.attribute)?.textEquals("f_back") == true,
                  right.child(.object)?.textEquals(target.text) == true else { continue }
            return true
        }
        return false
    }

    func enterWith(_ statement: Node, _ state: State) -> State {
        var state = state
        // A store a search ties to the `with` statement itself (`withBlocksReleaseContext`: from here on the
        // frame holds the context manager, for the traceback `__exit__` receives).
        if let made = trackedStores[statement.index] { state.stores.formUnion(made) }
        for item in statement.descendants(ofKind: .withItem) where item.ancestors.first(where: { $0.kind == .withStatement }) == statement {
            state = walrusBindings(in: item, state)
            if let pattern = item.descendants.first(where: { $0.kind == .asPatternTarget }) {
                for name in pattern.boundIdentifiers { bind(name.text, to: [], state: &state) }
            }
        }
        return state
    }

    func enterHandler(_ clause: Node, _ state: State) -> State {
        var state = state
        for pattern in clause.namedChildren where pattern.kind == .asPattern {
            for name in pattern.child(.alias)?.boundIdentifiers ?? [] {
                bind(name.text, to: [FrameObject(kind: .exception, origin: clause.index)], site: clause.index, state: &state)
            }
        }
        // The exception caught now is a new one, with a traceback that starts at this frame.
        state.keepTraceback(FrameObject(kind: .exception, origin: clause.index))
        return state
    }

    func leaveHandler(_ clause: Node, _ state: State) -> State {
        var state = state
        for pattern in clause.namedChildren where pattern.kind == .asPattern {
            for name in pattern.child(.alias)?.boundIdentifiers ?? [] { state.locals[name.text] = nil }
        }
        return state.pruned()
    }

    func returnValue(_ statement: Node, _ state: State) -> State {
        statement.namedChildren.reduce(state) { walrusBindings(in: $1, $0) }
    }

    /// Where `fut.result()` raises, the exception it raises is the one the future keeps, and its traceback
    /// gets an entry for this frame: every local holding that future now leads back to the frame.
    func raising(_ evaluated: Node, _ state: State) -> State {
        var state = state
        walkScope(evaluated) { node in
            guard let receiver = FutureModels.raisingReceiver(node) else { return }
            let futures = (state.locals[receiver.text] ?? []).filter { $0.object.kind == .future }.map(\.object)
            guard !futures.isEmpty else { return }
            let failed = HeldReference(object: FrameObject(kind: .futureFailed, origin: node.index), site: node.index)
            for (name, held) in state.locals where held.contains(where: { futures.contains($0.object) }) {
                state.locals[name, default: []].insert(failed)
            }
        }
        return state
    }

    /// A handler of the `try` around `fut.result()` is written for the exception the future fails with (as
    /// `except Exception:` is taken to catch what a `raise` statement raises): a future's failure is not
    /// followed past the handlers of a `try` whose body asked for its result.
    func unmatched(by tryStatement: Node, _ state: State) -> State {
        guard let body = tryStatement.child(.body) else { return state }
        var state = state
        for (name, held) in state.locals where held.contains(where: { $0.object.kind == .futureFailed }) {
            let kept = held.filter { $0.object.kind != .futureFailed || !body.contains(body.tree.node($0.object.origin)) }
            state.locals[name] = kept.isEmpty ? nil : kept
        }
        return state
    }

    func raiseValue(_ statement: Node, _ state: State) -> State {
        var state = statement.namedChildren.reduce(state) { walrusBindings(in: $1, $0) }
        // The raise ties the local's object to this frame: the exception's traceback gets an entry for this
        // frame (kept when a handler of this frame catches it too), and the frame keeps the local.
        // A local that may hold a class (`raise kind` after `kind = type(exc)`) raises a new instance there.
        let mayRaiseClass = raisingLocals[statement.index].map { local in
            !local.isItem && (state.locals[local.name] ?? []).contains { $0.object.kind == .classObject }
        } ?? false
        if let local = raisingLocals[statement.index], scope.locals.contains(local.name), !mayRaiseClass {
            let raised = FrameObject(kind: .raised, origin: statement.index)
            if local.isItem {
                store([raised], into: local.name, site: statement, state: &state)
            } else {
                state.locals[local.name, default: []].insert(HeldReference(object: raised, site: statement.index))
            }
        }
        // A bare `raise` in a handler of a `@contextmanager` generator re-raises the exception thrown in at the
        // `yield`; `_GeneratorContextManager.__exit__` then sets its `__traceback__` back to the traceback it
        // had before `throw()` (CPython's contextlib), which does not reach this generator's frame.
        if statement.namedChildren.allSatisfy({ $0.kind == .comment }), isContextManagerGenerator,
           let clause = statement.ancestors.prefix(while: { $0 != scope.node }).first(where: { $0.kind == .exceptClause }) {
            state.tracebackKept.remove(FrameObject(kind: .exception, origin: clause.index))
        }
        return state
    }

    /// A function decorated with `contextlib.contextmanager` / `asynccontextmanager` (by its last name).
    private var isContextManagerGenerator: Bool {
        scope.node.decoratorNodes.contains { $0.text.hasSuffix("contextmanager") }
    }

    // MARK: Effects of expressions

    /// Assignments, container stores and `clear()` calls in an expression statement.
    private func effects(of expression: Node, _ state: State) -> State {
        var state = state
        switch expression.kind {
        case .assignment:
            guard let target = expression.child(.left), let right = expression.child(.right) else { return state }
            if right.kind == .assignment { state = effects(of: right, state) }
            let source = right.kind == .assignment ? (right.child(.right) ?? right) : right
            state = walrusBindings(in: source, state)
            state = tracebackKills(in: source, state)
            if target.kind == .attribute, target.child(.attribute)?.textEquals("__traceback__") == true,
               let object = target.child(.object) {
                // `e.__traceback__ = None` kills the exception → traceback edge; any other value gives it one again.
                let exceptions = value(of: object, state).map(\.object).filter { $0.kind == .exception || $0.kind == .exitException }
                if source.kind == SyntaxKind.none { state.tracebackKept.subtract(exceptions) }
                else { exceptions.forEach { state.keepTraceback($0) } }
            }
            assign(value(of: source, state), from: source, to: target, site: expression, state: &state)
        case .augmentedAssignment:
            guard let target = expression.child(.left), let right = expression.child(.right) else { return state }
            state = walrusBindings(in: right, state)
            if target.kind == .identifier, expression.child(.operator)?.textEquals("+=") ?? expression.text.contains("+=") {
                let added = value(of: right, state).flatMap { $0.object.kind == .container ? Array(state.items[$0.object] ?? []) : [] }
                store(Set(added.map(\.object)), into: target.text, site: expression, state: &state)
            }
        case .call:
            state = walrusBindings(in: expression, state)
            state = tracebackKills(in: expression, state)
            guard let callee = expression.child(.function), callee.kind == .attribute,
                  let receiver = callee.child(.object), receiver.kind == .identifier,
                  let method = callee.child(.attribute) else { return state }
            let arguments = expression.child(.arguments)?.namedChildren.array ?? []
            if method.textEquals("clear"), arguments.isEmpty {
                for reference in state.locals[receiver.text] ?? [] where reference.object.kind == .container {
                    state.items[reference.object] = nil
                }
            } else if Self.storingMethods.contains(method.text), let argument = arguments.last {
                // Only exceptions and tracebacks: what "a container holding the exception" reports.
                let stored = value(of: argument, state).map(\.object).filter(\.isStorableItem)
                store(Set(stored), into: receiver.text, site: expression, state: &state)
            }
        default:
            state = walrusBindings(in: expression, state)
        }
        return state
    }

    /// `x.with_traceback(None)` anywhere in the expression sets the `__traceback__` of the exception `x` holds
    /// to None (and returns that same exception): `e = e.with_traceback(None)`.
    private func tracebackKills(in expression: Node, _ state: State) -> State {
        var state = state
        walkScope(expression) { node in
            guard node.kind == .call, let callee = node.child(.function), callee.kind == .attribute,
                  callee.child(.attribute)?.textEquals("with_traceback") == true, let object = callee.child(.object),
                  let arguments = node.child(.arguments)?.namedChildren.filter({ $0.kind != .comment }),
                  arguments.count == 1, arguments[0].kind == SyntaxKind.none else { return }
            let exceptions = value(of: object, state).map(\.object).filter { $0.kind == .exception || $0.kind == .exitException }
            state.tracebackKept.subtract(exceptions)
        }
        return state
    }

    /// How deep `value(of:)` and the condition narrowing follow nested expressions.
    static let maxExpressionDepth = 48

    /// Methods of `list`, `set` and `deque` that put their (last) argument into the container.
    static let storingMethods: Set<String> = ["append", "add", "appendleft", "insert"]

    /// Puts `objects` into the containers the local `name` holds (one made here when it holds none the
    /// model knows: a parameter or a call's result is a container of the caller's or the callee's).
    private func store(_ objects: Set<FrameObject>, into name: String, site: Node, state: inout State) {
        guard !objects.isEmpty, scope.locals.contains(name) else { return }
        var containers = (state.locals[name] ?? []).filter { $0.object.kind == .container }.map(\.object)
        if containers.isEmpty {
            let made = FrameObject(kind: .container, origin: site.index)
            state.locals[name, default: []].insert(HeldReference(object: made, site: site.index))
            containers = [made]
        }
        for container in containers {
            state.items[container, default: []].formUnion(objects.map { HeldReference(object: $0, site: site.index) })
        }
    }

    private func assign(_ values: Set<HeldReference>, from source: Node, to target: Node, site: Node, state: inout State,
                        depth: Int = 0) {
        guard depth < Self.maxExpressionDepth else { return }
        switch target.kind {
        case .identifier:
            bind(target.text, to: Set(values.map(\.object)), site: site.index, state: &state)
            var literal = source
            while literal.kind == .parenthesizedExpression, let inner = literal.firstNamedChild { literal = inner }
            if [.list, .tuple, .set, .expressionList].contains(literal.kind) {
                // A display made here: its items are what its elements hold now (a loop that runs the
                // statement again makes a new container, so earlier items are not carried over).
                let container = FrameObject(kind: .container, origin: literal.index)
                var elements = Set<HeldReference>()
                for element in literal.namedChildren {
                    for reference in value(of: element, state) where reference.object.isStorableItem {
                        elements.insert(HeldReference(object: reference.object, site: site.index))
                    }
                }
                state.items[container] = elements.isEmpty ? nil : elements
            }
        case .patternList, .tuplePattern, .tuple, .listPattern, .list:
            // `kind, value, tb = sys.exc_info()`: every element but the type holds the exception or its
            // traceback; `a, b = x, y` pairs the elements; anything else binds what the model cannot follow.
            let elements = target.namedChildren.filter { $0.kind != .comment }
            let pairs = source.kind == .expressionList || source.kind == .tuple ? source.namedChildren.filter { $0.kind != .comment } : []
            for (position, element) in elements.enumerated() {
                let held: Set<HeldReference>
                if pairs.count == elements.count {
                    held = value(of: pairs[position], state)
                } else {
                    held = position == 0 ? [] : values.filter { $0.object.kind == .excInfo }
                }
                assign(held, from: pairs.count == elements.count ? pairs[position] : element, to: element, site: site,
                       state: &state, depth: depth + 1)
            }
        case .subscript:
            if let base = target.child(.value), base.kind == .identifier {
                store(Set(values.map(\.object).filter(\.isStorableItem)), into: base.text, site: site, state: &state)
            }
        default:
            break  // attributes of other objects: the heap interpreter's part (HL106)
        }
    }

    /// `f_locals[name] = objects`, stored by `site`; names that are not locals of this frame are not its slots.
    private func bind(_ name: String, to objects: Set<FrameObject>, site: NodeIndex? = nil, state: inout State) {
        guard scope.locals.contains(name) else { return }
        if objects.isEmpty || site == nil {
            state.locals[name] = nil
        } else {
            state.locals[name] = Set(objects.map { HeldReference(object: $0, site: site!) })
        }
    }

    /// `(name := value)` inside an expression binds `name` before the rest of the statement runs.
    private func walrusBindings(in expression: Node, _ state: State) -> State {
        var state = state
        var found: [Node] = []
        walkScope(expression) { if $0.kind == .namedExpression { found.append($0) } }
        for walrus in found.reversed() {  // innermost first: `(a := (b := x))`
            guard let name = walrus.child(.name), let right = walrus.child(.value) else { continue }
            bind(name.text, to: Set(value(of: right, state).map(\.object)), site: walrus.index, state: &state)
        }
        return state
    }

    // MARK: Values

    /// What the expression may evaluate to, among the objects this domain tracks.
    func value(of expression: Node, _ state: State, depth: Int = 0) -> Set<HeldReference> {
        // An exception, traceback or frame is reached in a few steps (`exc_info()[2].tb_next.tb_frame`);
        // a deeper expression (10,000 nested brackets) is not followed, so the walk cannot exhaust the stack.
        guard depth < Self.maxExpressionDepth else { return [] }
        func value(of expression: Node, _ state: State) -> Set<HeldReference> {
            self.value(of: expression, state, depth: depth + 1)
        }
        let site = expression.index
        func make(_ kind: FrameObject.Kind) -> Set<HeldReference> {
            [HeldReference(object: FrameObject(kind: kind, origin: site), site: site)]
        }
        switch expression.kind {
        case .identifier:
            // A name of the module's class, or one bound outside this frame that by convention names a class
            // (`ValueError`, an imported `ConfigError`): the interpreter sees no binding of it to an instance.
            if !scope.locals.contains(expression.text),
               semantics.classes[expression.text] != nil || FunctionContext.namesAClass(expression.text) {
                return make(.classObject)
            }
            return state.locals[expression.text] ?? []
        case .parenthesizedExpression:
            return expression.firstNamedChild.map { value(of: $0, state) } ?? []
        case .namedExpression:
            return expression.child(.value).map { value(of: $0, state) } ?? []
        case .conditionalExpression:
            let parts = expression.namedChildren.array
            return parts.count == 3 ? value(of: parts[0], state).union(value(of: parts[2], state)) : []
        case .booleanOperator:
            return (expression.child(.left).map { value(of: $0, state) } ?? [])
                .union(expression.child(.right).map { value(of: $0, state) } ?? [])
        case .list, .tuple, .set, .expressionList:
            return make(.container)  // its items are stored by `assign`, which knows the storing statement
        case .attribute:
            guard let base = expression.child(.object), let attribute = expression.child(.attribute) else { return [] }
            let held = value(of: base, state)
            // `errors.ConfigError`, `self.error_class`: an attribute that by convention holds a class.
            if FunctionContext.namesAClass(attribute.text) { return make(.classObject) }
            if attribute.textEquals("__traceback__") {
                return held.contains { $0.object.kind == .exception || $0.object.kind == .excInfo } ? make(.traceback) : []
            }
            // A deeper traceback entry, and its frame, reach this frame through `f_back`.
            let tracebacks = held.filter { $0.object.kind == .traceback || $0.object.kind == .excInfo }
            if attribute.textEquals("tb_next") { return tracebacks }
            if attribute.textEquals("tb_frame") { return tracebacks.isEmpty ? [] : make(.frame) }
            return []  // `f_back` is the caller's frame; `args`, `f_code`, `tb_lineno` hold no frame
        case .subscript:
            guard let base = expression.child(.value) else { return [] }
            let held = value(of: base, state)
            let index = expression.child(.subscript)
            // `sys.exc_info()[0]` and the like: the first item of a call's result tuple, the type.
            if base.kind == .call, index?.textEquals("0") == true, !held.contains(where: { $0.object.kind == .container }) {
                return make(.classObject)
            }
            var result: Set<HeldReference> = []
            for reference in held {
                switch reference.object.kind {
                case .excInfo:
                    // `exc_info()[0]` is only the type.
                    if index?.text != "0" { result.insert(reference) }
                case .container:
                    result.formUnion(state.items[reference.object] ?? [])
                default:
                    break
                }
            }
            return result
        case .call:
            if generatorCalls[site] != nil { return make(.generator) }
            guard let callee = expression.child(.function) else { return [] }
            let arguments = expression.child(.arguments)?.namedChildren.array ?? []
            let handling = insideHandler(expression)
            if handling && semantics.resolves(callee, to: "sys.exc_info") { return make(.excInfo) }
            if handling && semantics.resolves(callee, to: "sys.exception") { return make(.exception) }
            if semantics.resolves(callee, to: "inspect.currentframe") || semantics.resolves(callee, to: "inspect.stack") {
                return make(.frame)
            }
            if semantics.resolves(callee, to: "sys._getframe") && (arguments.isEmpty || arguments.first?.text == "0") {
                return make(.frame)
            }
            if handling && semantics.resolves(callee, to: "inspect.trace") { return make(.frame) }
            if callee.textEquals("type"), arguments.filter({ $0.kind != .comment }).count == 1 { return make(.classObject) }
            if FutureModels.isFactoryCall(expression, semantics) || futureFunctions?.returnsFuture(callee) == true {
                return make(.future)
            }
            return []
        default:
            return []
        }
    }

    /// Inside an `except` block of this function: `sys.exc_info()` there is the exception this frame caught.
    private func insideHandler(_ node: Node) -> Bool {
        for ancestor in node.ancestors {
            if ancestor == scope.node { return false }
            if ancestor.kind == .exceptClause || ancestor.kind == .exceptGroupClause { return true }
        }
        return false
    }
}

/// The states some statements of one function start from, joined over every path (and loop round) that
/// reaches them; a statement no path reaches keeps the empty state. One per interpreter run.
final class StatementStates {
    /// Only statements some path reached.
    private(set) var before: [NodeIndex: FrameLocalsState] = [:]
    private let recorded: Set<NodeIndex>

    init(statements: [Node]) {
        recorded = Set(statements.map(\.index))
    }

    func note(_ statement: Node, _ state: FrameLocalsState) {
        guard recorded.contains(statement.index) else { return }
        before[statement.index] = before[statement.index].map { $0.union(state) } ?? state
    }
}
