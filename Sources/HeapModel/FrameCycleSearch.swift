import HeapSemantics
import HeapSyntax

/// A reference cycle that runs through a function's own frame object, made by the exception machinery or
/// by a generator, rather than by an attribute store alone:
///
/// - `raisedFromLocal`: `raise err` where `err` (or `self._exc`, `errors[0]`) is reachable from a local of
///   the raising frame when the frame ends. Raising adds a traceback entry for this frame to the exception, so
///   exception → `__traceback__` → traceback → `tb_frame` → frame → `f_locals` → the exception. Found by the
///   frame interpreter (`FrameRetentionQuery`), not by this search.
/// - `exceptionStored`: an exception caught in this frame (its traceback starts at this frame), or the
///   traceback or the frame itself, stored on an object a local reaches (`self._exc = e`,
///   `result.error = e`, `fut.set_exception(e)`): frame → local → object → exception → traceback → frame.
/// - `generatorStored`: a generator made from this function's locals (`self._it = self._produce()`)
///   stored on one of them: object → generator → `gi_frame` → frame → `self` → object, until the
///   generator is exhausted or closed (both clear its frame).
/// - `futureResultRaised`: `future.result()` with `future` a local holding a future this function made or
///   got from a call (`Future()`, `executor.submit(...)`, `asyncio.run_coroutine_threadsafe(...)`, a
///   function of the module returning one): when the future failed, `result()` raises the exception the
///   future keeps in `_exception`, its traceback gets this frame, and the frame keeps `future`:
///   frame → future → `_exception` → exception → `__traceback__` → traceback → frame.
///   Found by the frame interpreter (`FrameRetentionQuery`, `FutureModels`), not by this search.
public struct FrameCycle: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case raisedFromLocal
        case exceptionStored
        case generatorStored
        case futureResultRaised
    }

    /// What an `exceptionStored` cycle stores.
    public enum Stored: String, Sendable, Hashable {
        case exception, traceback, frame, excInfo
    }

    public let kind: Kind
    /// The `raise` statement or the storing statement.
    public let site: SourceRange
    /// 0-based line of `site`.
    public let line: Int
    /// The expression that holds the object in the frame: `err`, `self._exc`, `self._it`.
    public let holder: String
    /// The local the holder is reached from: `err`, `self`.
    public let rootLocal: String
    /// The function whose frame is on the cycle.
    public let functionName: String
    /// `exceptionStored`: what is stored.
    public let stored: Stored?
    /// `generatorStored`: the generator function (`_produce`).
    public let generatorName: String?
    /// `exceptionStored` from `__exit__`: the traceback's frame is the one that ran the `with` block
    /// (which holds the context manager), not `__exit__`'s own.
    public var throughWithBlock = false
    /// The class of the method's `self` when the cycle runs through it (`self._it = self._produce()`).
    public var selfClass: String?
    /// `futureResultRaised`: the local `result()` is called on (`holder` is the one keeping the future when
    /// the frame ends: the same local, or another bound to the same future).
    public var raisingReceiver: String?

    init(kind: Kind, site: SourceRange, line: Int, holder: String, rootLocal: String, functionName: String,
         stored: Stored?, generatorName: String?, throughWithBlock: Bool = false) {
        self.kind = kind
        self.site = site
        self.line = line
        self.holder = holder
        self.rootLocal = rootLocal
        self.functionName = functionName
        self.stored = stored
        self.generatorName = generatorName
        self.throughWithBlock = throughWithBlock
    }

    /// `_exc` for `self._exc`, `[0]` for `errors[0]`.
    static func pathAfterRoot(_ holder: String, _ root: String) -> String {
        var rest = Substring(holder.dropFirst(root.count))
        if rest.first == "." { rest = rest.dropFirst() }
        return String(rest)
    }

    public func explanation(for version: TargetVersion) -> HeapExplanation {
        let sizes = CPythonSizes.sizes(for: version)
        let line = self.line + 1
        let frame = throughWithBlock ? "frame running the with block" : "frame of \(functionName)()"
        var path: [ReferenceStep] = []
        var lower = sizes.frame
        var upper = sizes.frame + 512
        var parts = ["frame"]
        /// Steps from the frame to the holder expression (`self` → `_exc`); the last one lands on `target`.
        func steps(to target: String) -> [ReferenceStep] {
            if throughWithBlock {
                // The with block's frame keeps the context manager (`as cm`), which is `self` here.
                return [ReferenceStep(from: frame, via: "f_locals[<context manager>]", to: rootLocal),
                        ReferenceStep(from: rootLocal, via: Self.pathAfterRoot(holder, rootLocal), to: target, site: site, line: line)]
            }
            var result = [ReferenceStep(from: frame, via: "f_locals[\(rootLocal)]", to: rootLocal == holder ? target : rootLocal,
                                        site: site, line: line)]
            if rootLocal != holder {
                let rest = Self.pathAfterRoot(holder, rootLocal)
                result.append(ReferenceStep(from: rootLocal, via: rest, to: target, site: site, line: line))
            }
            return result
        }
        switch kind {
        case .raisedFromLocal:
            path = steps(to: "exception")
            path.append(ReferenceStep(from: "exception", via: "__traceback__", to: "traceback", site: site, line: line))
            path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: frame))
            lower += sizes.exception + sizes.traceback
            upper += sizes.exception + 300 + sizes.traceback * 4
            parts += ["traceback", "exception"]
        case .exceptionStored:
            switch stored ?? .exception {
            case .exception:
                path = steps(to: "exception")
                path.append(ReferenceStep(from: "exception", via: "__traceback__", to: "traceback"))
                path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: frame))
                lower += sizes.exception + sizes.traceback
                upper += sizes.exception + 300 + sizes.traceback * 4
                parts += ["traceback", "exception"]
            case .excInfo:
                path = steps(to: "exc_info tuple")
                path.append(ReferenceStep(from: "exc_info tuple", via: "[2]", to: "traceback"))
                path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: frame))
                lower += sizes.exception + sizes.traceback + sizes.tuple(items: 3)
                upper += sizes.exception + 300 + sizes.traceback * 4 + sizes.tuple(items: 3)
                parts += ["traceback", "exception", "tuple"]
            case .traceback:
                path = steps(to: "traceback")
                path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: frame))
                lower += sizes.traceback
                upper += sizes.traceback * 4
                parts += ["traceback"]
            case .frame:
                path = steps(to: frame)
            }
            lower += sizes.instanceWithDict.lowerBound
            upper += sizes.instanceWithDict.upperBound
            parts.append("the holding instance")
        case .futureResultRaised:
            path = steps(to: "future")
            path.append(ReferenceStep(from: "future", via: "_exception", to: "exception"))
            path.append(ReferenceStep(from: "exception", via: "__traceback__", to: "traceback", site: site, line: line))
            path.append(ReferenceStep(from: "traceback", via: "tb_frame", to: frame))
            lower += sizes.exception + sizes.traceback + sizes.instanceWithDict.lowerBound
            upper += sizes.exception + 300 + sizes.traceback * 4 + sizes.instanceWithDict.upperBound
            parts += ["traceback", "exception", "future"]
        case .generatorStored:
            let generator = "generator \(generatorName ?? "")()"
            path = [ReferenceStep(from: rootLocal, via: Self.pathAfterRoot(holder, rootLocal),
                                  to: generator, site: site, line: line),
                    ReferenceStep(from: generator, via: "gi_frame", to: "frame of \(generatorName ?? "")()"),
                    ReferenceStep(from: "frame of \(generatorName ?? "")()", via: "f_locals[\(rootLocal)]", to: rootLocal)]
            lower = sizes.generator + sizes.instanceWithDict.lowerBound
            upper = sizes.generator + 512 + sizes.instanceWithDict.upperBound
            parts = ["generator with its frame", "the holding instance"]
        }
        var basis = parts.joined(separator: ", ") + ", not counting the frame's other locals"
        sizes.finish(lower: &lower, upper: &upper, basis: &basis)
        let mechanism: String
        let remedy: String
        switch kind {
        case .raisedFromLocal:
            mechanism = CPythonCollector.cycleMechanism(
                for: version, detail: "The cycle forms when the exception leaves \(functionName)(): every local of the frame stays alive with it.")
            remedy = rootLocal == holder
                ? "Raise it and release the name in a `finally` block (`try: raise \(holder)` / `finally: \(holder) = None`), or raise a new exception directly (`raise Error(...) from cause`)."
                : "Take the exception out first and drop the reference before raising (`exc, \(holder) = \(holder), None`, then `try: raise exc` / `finally: exc = None`), or raise a fresh exception (`raise Error(...) from \(holder)`)."
        case .exceptionStored:
            mechanism = CPythonCollector.cycleMechanism(
                for: version, detail: "The traceback of an exception caught here starts at this frame, and the frame keeps `\(rootLocal)`.")
            remedy = stored == .frame
                ? "Do not store the frame; keep only what you need from it (f_code.co_name, f_lineno)."
                : "Store the exception without its traceback (`\(holder) = exc.with_traceback(None)`, or keep `traceback.format_exception(exc)` as text), or clear the stored value when it has been used."
        case .futureResultRaised:
            mechanism = CPythonCollector.cycleMechanism(
                for: version, detail: "The cycle forms only when the future failed: `result()` raises the exception it keeps, and the traceback gets this frame, which still holds `\(holder)`.")
            remedy = "Drop the future before the exception leaves the frame (`try: return \(holder).result()` / `finally: del \(holder)`), or do not keep it in a local (`return submit(...).result()`)."
        case .generatorStored:
            mechanism = CPythonCollector.mechanism(
                "Reference counting cannot free it until the generator is exhausted or closed (which clears its frame); "
                + "if the object is dropped before that, only CPython's cyclic garbage collector reclaims the object, the generator and its frame.",
                on: version)
            remedy = "Close the generator when done (`\(holder).close()` in close()/__exit__), make it from a function that does not take `\(rootLocal)` (pass only the data it needs), or keep a weakref to `\(rootLocal)` in the generator."
        }
        return HeapExplanation(path: path,
                               estimate: ByteEstimate(lowerBytes: lower, upperBytes: upper, version: version, basis: basis),
                               mechanism: mechanism, remedy: remedy)
    }
}

/// Finds `FrameCycle`s one function at a time, from the function's own statements and the module's
/// generator functions.
struct FrameCycleSearch {
    let semantics: SemanticModel

    static func find(_ semantics: SemanticModel) -> [FrameCycle] {
        let search = FrameCycleSearch(semantics: semantics)
        var result: [FrameCycle] = []
        // Only functions that catch an exception, take their own frame or store a generator's call can take
        // part; most functions do none of these. (Raises from a local and futures' `result()` are
        // FrameRetentionQuery's.)
        let generators = StoredGeneratorQuery.generatorFunctions(semantics)
        var candidates = Set<Node>()
        func admit(_ node: Node) {
            guard let function = semantics.enclosingFunction(of: node), function.node.kind == .functionDefinition else { return }
            candidates.insert(function.node)
        }
        for node in semantics.tree.nodes(ofKinds: .exceptClause, .exceptGroupClause) { admit(node) }
        for (node, scope) in semantics.functionScopes where scope.name == "__exit__" || scope.name == "__aexit__" {
            candidates.insert(node)
        }
        for node in semantics.tree.nodes(ofKind: .call) {
            guard let callee = node.child(.function) else { continue }
            let name = callee.kind == .attribute ? callee.child(.attribute) : callee
            if let name, name.textEquals("currentframe") || name.textEquals("_getframe") { admit(node) }
        }
        if !generators.isEmpty {
            // A generator's call stored directly or through a local (`steps = self._steps()`, `self.steps = steps`).
            for node in semantics.tree.nodes(ofKind: .assignment) where node.child(.right).map({ $0.kind == .call || $0.kind == .identifier }) == true {
                if let left = node.child(.left), left.kind == .attribute || left.kind == .subscript { admit(node) }
            }
            // `self._pending.append(self._work())`: a storing call into a container an attribute holds.
            for node in semantics.tree.nodes(ofKind: .call) where node.parent?.kind == .expressionStatement {
                guard let callee = node.child(.function), callee.kind == .attribute, callee.child(.object)?.kind == .attribute,
                      let method = callee.child(.attribute)?.text, FunctionContext.storingMethods.contains(method) else { continue }
                admit(node)
            }
        }
        for node in candidates {
            guard let scope = semantics.functionScopes[node], let body = node.child(.body) else { continue }
            var statements: [Node] = []
            walkScope(body) { inner in
                switch inner.kind {
                case .raiseStatement, .assignment, .call, .deleteStatement: statements.append(inner)
                default: break
                }
            }
            var context = FunctionContext(scope: scope, statements: statements, semantics: semantics)
            let generatorCalls = StoredGeneratorQuery.generatorCalls(context, generators: generators)
            (context.statesBefore, context.exitStates) = Self.interpret(body, context: context, generatorCalls: generatorCalls)
            var found = context.storedExceptions()
                + StoredGeneratorQuery.find(context, calls: generatorCalls)
            // Reached from `self`, the method's own instance is on the cycle (its class's `__del__`, if any,
            // then runs only from the collector); not through a `with` block, whose frame is the caller's.
            if let selfName = scope.selfName, let owner = scope.enclosingClass {
                for index in found.indices where found[index].rootLocal == selfName && !found[index].throughWithBlock {
                    found[index].selfClass = owner
                }
            }
            result += found
        }
        return result.sorted { $0.site < $1.site }
    }

    /// Runs the frame interpreter over the function body once: for each expression statement that stores
    /// something (an assignment or a call), what the frame's locals hold when it runs, joined over every path
    /// that reaches it; and the states in which the frame ends (falling off the end, `return`, a `raise` that
    /// leaves it), which say which stores into objects a local reaches (`FunctionContext.stores(at:)`) are
    /// still in place there and which caught exceptions have lost their traceback. A store undone on every
    /// such path (`self.err = None`, `del self.err` after it, in a `finally`, or after the `try` whose handler
    /// made it) is in none of them. With `generatorCalls`, those calls evaluate to `.generator` objects and
    /// each store is tracked a second time with a generator's kills.
    static func interpret(_ body: Node, context: FunctionContext, trackingStores: Bool = true,
                          generatorCalls: [NodeIndex: StoredGeneratorQuery.GeneratorCall] = [:])
        -> (states: [NodeIndex: FrameLocalsState], exits: [FrameLocalsState]) {
        var storing: [Node] = []
        var tracked: [NodeIndex: [TrackedStore]] = [:]
        for node in context.statements where node.kind == .assignment || node.kind == .call {
            guard let parent = node.parent, parent.kind == .expressionStatement else { continue }
            storing.append(parent)
            guard trackingStores else { continue }
            for (holder, _) in context.stores(at: node) {
                guard let root = FunctionContext.rootLocal(of: holder), context.isFrameLocal(root.text) else { continue }
                tracked[parent.index, default: []].append(TrackedStore(site: node.index, holder: holder.text, root: root.text))
                if !generatorCalls.isEmpty {
                    tracked[parent.index, default: []].append(TrackedStore(site: node.index, holder: holder.text, root: root.text,
                                                                           kind: .generator))
                }
            }
        }
        guard !storing.isEmpty else { return ([:], []) }
        let recorder = StatementStates(statements: storing)
        let domain = FrameLocalsDomain(scope: context.scope, semantics: context.semantics, recorder: recorder,
                                       trackedStores: tracked, generatorCalls: generatorCalls.mapValues(\.holds))
        let outcome = StructuredFlow(domain: domain).run(body, domain.entryState())
        return (recorder.before, [outcome.normal, outcome.raised].compactMap({ $0 }) + outcome.returns.map(\.state))
    }
}

/// The statements of one function, and what they make of its frame.
struct FunctionContext {
    let scope: FunctionScope
    /// Raises, assignments, calls and `del`s of the function's own scope, in source order.
    let statements: [Node]
    let semantics: SemanticModel
    /// Expression statement → what the frame's locals hold when it runs (`FrameCycleSearch.statesBefore`).
    /// A statement not in it (nested in an expression, or never reached) is taken to hold nothing.
    var statesBefore: [NodeIndex: FrameLocalsState] = [:]
    /// The states in which the frame ends (`FrameCycleSearch.interpret`).
    var exitStates: [FrameLocalsState] = []

    var function: Node { scope.node }

    // MARK: raise

    /// The expression a `raise` statement raises that a local of this frame reaches (`err`, `self._exc`,
    /// `errors[0]`), when it holds an exception instance rather than a class (`raise kind` makes a new
    /// instance that no local holds); nil otherwise. Whether the local still keeps it when the frame ends
    /// (a `finally` or a handler may drop it, CPython deletes an `except ... as e` name) is the frame
    /// domain's question: `FrameRetentionQuery`.
    func raisedHolder(of node: Node) -> Node? {
        guard var raised = node.namedChildren.first(where: { $0.field != .cause && $0.kind != .comment }) else { return nil }
        // `raise exc.with_traceback(tb)` raises `exc` itself; `raise fut.exception()` raises what the
        // future (a local) holds.
        while raised.kind == .call, let callee = raised.child(.function), callee.kind == .attribute,
              let method = callee.child(.attribute), let object = callee.child(.object) {
            if method.textEquals("with_traceback") {
                raised = object
            } else if raised.child(.arguments)?.firstNamedChild == nil, Self.returnsHeldException(method.text) {
                raised = object
                break
            } else {
                break
            }
        }
        guard let root = Self.rootLocal(of: raised), isFrameLocal(root.text) else { return nil }
        if raised.kind == .identifier, mayHoldClass(raised.text) { return nil }
        // `raise errors[0]`: only a container shown to hold exceptions (imaplib's `raise dat[0]` raises
        // a server response string).
        if raised.kind == .subscript, let container = raised.child(.value), !holdsExceptions(container) { return nil }
        if raised.kind == .attribute, let last = raised.child(.attribute)?.text {
            if Self.namesAClass(last) { return nil }
            // `raise self._exc`: only when the class keeps an exception instance there; other chains
            // (`raise self.stream.error`) only when the name says it holds one.
            if let object = raised.child(.object), object.kind == .identifier, object.text == scope.selfName,
               let className = scope.enclosingClass {
                if !holdsInstance(field: last, className: className) { return nil }
            } else if !Self.namesAnExceptionValue(last) {
                return nil
            }
        }
        return raised
    }

    /// The local at the base of `name`, `a.b.c`, `a[0]`, `a.b[k].c`.
    static func rootLocal(of node: Node) -> Node? {
        var current = node
        while true {
            switch current.kind {
            case .identifier: return current
            case .attribute: guard let object = current.child(.object) else { return nil }; current = object
            case .subscript: guard let value = current.child(.value) else { return nil }; current = value
            case .parenthesizedExpression: guard let inner = current.firstNamedChild else { return nil }; current = inner
            default: return nil
            }
        }
    }

    func isFrameLocal(_ name: String) -> Bool {
        scope.locals.contains(name) && !scope.globals.contains(name) && !scope.nonlocals.contains(name)
    }

    /// `raise kind` with `kind` an exception class instantiates a new exception: no local holds it. What the
    /// function binds to the name (`kind = type(exc)`, `kind = ValueError`) is the frame domain's answer
    /// (`FrameObject.Kind.classObject`, checked where the raise runs); this is what the caller may pass.
    func mayHoldClass(_ name: String) -> Bool {
        if Self.namesAClass(name) { return true }
        if let parameter = parameterNode(name), let annotation = parameter.child(.type), annotation.text.lowercased().contains("type") {
            return true
        }
        return false
    }

    /// `error`, `_exc`, `last_exception`, `failure`, `connectException`: names of a held exception.
    static func namesAnExceptionValue(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["error", "exc", "exception", "failure", "raises", "defect"].contains { lowered.contains($0) }
    }

    /// Whether a subscripted container holds exceptions: its name says so (`exceptions`, `exc_info`,
    /// `header.defects`), or this function fills it with caught exceptions or builds it from exception
    /// constructors (`[ValueError(v) for v in values]`).
    func holdsExceptions(_ container: Node) -> Bool {
        let name = container.kind == .attribute ? container.child(.attribute)?.text ?? "" : container.text
        if Self.namesAnExceptionValue(name) { return true }
        guard container.kind == .identifier else { return false }
        for node in statements {
            switch node.kind {
            case .assignment:
                guard node.child(.left)?.textEquals(name) == true, let right = node.child(.right) else { continue }
                var elements: [Node] = right.kind == .listComprehension ? [right.child(.body)].compactMap { $0 } : right.namedChildren.array
                if right.kind == .call { elements = [right] }
                if elements.contains(where: { element in
                    element.kind == .call && (element.child(.function).map { Self.constructsException($0) } ?? false)
                }) {
                    return true
                }
            case .call:
                guard let callee = node.child(.function), callee.kind == .attribute, callee.child(.object)?.textEquals(name) == true,
                      let argument = node.child(.arguments)?.namedChildren.first(where: { $0.kind != .comment }) else { continue }
                if frameTie(argument, at: node) == .exception { return true }
            default:
                continue
            }
        }
        return false
    }

    /// `ValueError`, `errors.ConfigError`, `TimeoutWarning`: a callee named like an exception class.
    static func constructsException(_ callee: Node) -> Bool {
        let name = callee.kind == .attribute ? callee.child(.attribute)?.text ?? "" : callee.text
        return ["Error", "Exception", "Warning", "Exit", "Interrupt"].contains { name.hasSuffix($0) }
    }

    /// Whether the class (or a base in this module) stores something other than a class in `field`:
    /// `self._exc = exc` in a method, or `field = Error(...)` in the class body.
    func holdsInstance(field: String, className: String) -> Bool {
        for model in semantics.classLineage(className) {
            if let body = model.node.child(.body) {
                for statement in body.namedChildren where statement.kind == .expressionStatement {
                    guard let assignment = statement.firstNamedChild, assignment.kind == .assignment,
                          assignment.child(.left)?.textEquals(field) == true, let value = assignment.child(.right) else { continue }
                    if value.kind == .call { return true }
                }
            }
            for method in model.methods.values {
                guard let methodScope = semantics.scope(of: method), let selfName = methodScope.selfName else { continue }
                var found = false
                walkScope(method.child(.body) ?? method) { node in
                    guard !found, node.kind == .assignment, let left = node.child(.left), left.kind == .attribute,
                          left.child(.object)?.textEquals(selfName) == true, left.child(.attribute)?.textEquals(field) == true,
                          let value = node.child(.right) else { return }
                    switch value.kind {
                    case .none: return
                    case .identifier: found = !Self.namesAClass(value.text) && semantics.classes[value.text] == nil
                    case .attribute: found = !(value.child(.attribute).map { Self.namesAClass($0.text) } ?? false)
                    default: found = true
                    }
                }
                if found { return true }
            }
        }
        return false
    }

    /// Accessors that return an exception their object keeps: `future.exception()`, `result.error()`.
    static func returnsHeldException(_ method: String) -> Bool {
        ["exception", "error", "get_exception", "get_error"].contains(method)
    }

    /// Names that by convention hold a class: `ExcClass`, `exc_type`, `error_cls`, `klass`.
    static func namesAClass(_ name: String) -> Bool {
        let bare = name.drop { $0 == "_" }
        if let first = bare.first, first.isUppercase { return true }
        let lowered = bare.lowercased()
        if ["cls", "klass", "kls", "tp", "typ", "etype", "exctype", "kind", "exc_type", "error_type", "exception_type"].contains(lowered) {
            return true
        }
        return ["_class", "_cls", "_type", "_types", "_classes", "class", "type"].contains { lowered.hasSuffix($0) }
    }

    func parameterNode(_ name: String) -> Node? {
        guard let parameters = function.child(.parameters) else { return nil }
        for parameter in parameters.namedChildren {
            if parameter.kind == .identifier, parameter.textEquals(name) { return parameter }
            if let identifier = parameter.namedChildren.first(where: { $0.kind == .identifier }), identifier.textEquals(name) {
                return parameter
            }
        }
        return nil
    }

    // MARK: releases

    /// Whether the reference that `holder` (rooted at `root`) gives the frame is dropped on every path
    /// after `site`: by a `finally` of an enclosing `try` that releases it, or, when an enclosing `try`
    /// catches the exception in this frame, by a release after that `try`.
    func isReleased(holder: String, root: String, after site: Node) -> Bool {
        var child = site
        for ancestor in site.ancestors {
            if ancestor == function { break }
            if ancestor.kind == .tryStatement, child.kind != .finallyClause {
                if let finally = ancestor.namedChildren.first(where: { $0.kind == .finallyClause }),
                   releases(finally, holder: holder, root: root) {
                    return true
                }
                // Caught here by a handler for any exception that drops the name first (`except Exception:
                // del e; raise`, lightning-thunder's fix).
                if child.kind != .exceptClause, child.kind != .exceptGroupClause,
                   ancestor.namedChildren.contains(where: { clause in
                       clause.kind == .exceptClause && Self.catchesEverything(clause) && releases(clause, holder: holder, root: root)
                   }) {
                    return true
                }
                // Caught here: the code after the `try` runs too.
                if child.kind != .exceptClause, child.kind != .exceptGroupClause,
                   ancestor.namedChildren.contains(where: { $0.kind == .exceptClause || $0.kind == .exceptGroupClause }),
                   statements.contains(where: { $0.range.start >= ancestor.range.end && Self.isRelease($0, holder: holder, root: root) }) {
                    return true
                }
            }
            child = ancestor
        }
        return false
    }

    /// `except:`, `except Exception:`, `except BaseException:` (with or without `as`).
    static func catchesEverything(_ clause: Node) -> Bool {
        guard let first = clause.namedChildren.first(where: { $0.kind != .comment }) else { return true }
        var kind = first
        if kind.kind == .asPattern, let inner = kind.firstNamedChild { kind = inner }
        if kind.kind == .block { return true }
        return kind.textEquals("Exception") || kind.textEquals("BaseException")
    }

    /// A statement of `block`'s own list (not nested in a branch) that releases the holder.
    func releases(_ clause: Node, holder: String, root: String) -> Bool {
        guard let block = clause.namedChildren.first(where: { $0.kind == .block }) ?? clause.child(.body) else { return false }
        for statement in block.namedChildren {
            let inner = statement.kind == .expressionStatement ? (statement.firstNamedChild ?? statement) : statement
            if Self.isRelease(inner, holder: holder, root: root) { return true }
        }
        return false
    }

    /// `del x`, `x = None` (or any rebinding of the root local), `self._exc = None`, `del self._exc`,
    /// `errors.clear()`.
    static func isRelease(_ node: Node, holder: String, root: String) -> Bool {
        switch node.kind {
        case .call:
            guard let callee = node.child(.function), callee.kind == .attribute,
                  callee.child(.attribute)?.textEquals("clear") == true, let object = callee.child(.object) else { return false }
            return object.textEquals(root) || holder.hasPrefix(object.text)
        case .deleteStatement:
            return node.namedChildren.flatMap { $0.kind == .expressionList ? $0.namedChildren.array : [$0] }
                .contains { $0.textEquals(root) || $0.textEquals(holder) }
        case .assignment:
            var current: Node? = node
            while let step = current, step.kind == .assignment {
                guard let left = step.child(.left) else { return false }
                if left.boundIdentifiers.contains(where: { $0.textEquals(root) }) { return true }
                if left.textEquals(holder) { return true }
                current = step.child(.right)
            }
            return false
        default:
            return false
        }
    }

    // MARK: stored exceptions

    /// What `value` holds that ties it to this frame, at `site`: the frame interpreter's value of the
    /// expression in the state the storing statement starts from (a caught exception, a copy of it, its
    /// traceback, `sys.exc_info()` or a part of it, this frame, what `__exit__` receives).
    func frameTie(_ value: Node, at site: Node) -> FrameCycle.Stored? {
        if value.kind == .tuple || value.kind == .list || value.kind == .parenthesizedExpression {
            // `(now, type(e), e)`: the literal holds the exception.
            for element in value.namedChildren {
                if let tie = frameTie(element, at: site) { return tie }
            }
            return nil
        }
        let kinds = tiedKinds(value, at: site)
        if kinds.contains(.exception) || kinds.contains(.exitException) { return .exception }
        if kinds.contains(.excInfo) {
            // `sys.exc_info()[1]` is the exception itself, `[2]` its traceback; the tuple holds both.
            if value.kind == .subscript, value.child(.subscript)?.textEquals("1") == true { return .exception }
            if value.kind == .subscript, value.child(.subscript)?.textEquals("2") == true { return .traceback }
            return .excInfo
        }
        if kinds.contains(.traceback) || kinds.contains(.exitTraceback) { return .traceback }
        if kinds.contains(.frame) {
            // Only this frame itself, as the call returns it: `inspect.stack()` and `inspect.trace()` give
            // lists of frame records, which this search does not report.
            if value.kind == .call, let callee = value.child(.function),
               !(semantics.resolves(callee, to: "inspect.currentframe") || semantics.resolves(callee, to: "sys._getframe")) {
                return nil
            }
            return .frame
        }
        return nil
    }

    /// The kinds of frame objects `value` may evaluate to at `site` (the state its statement starts from).
    func tiedKinds(_ value: Node, at site: Node) -> Set<FrameObject.Kind> {
        Set(tiedObjects(value, at: site).map(\.kind))
    }

    /// The frame objects `value` may evaluate to at `site` (elements of a tuple or list display included)
    /// that still lead to a frame there: not an exception whose traceback was cleared on every path.
    func tiedObjects(_ value: Node, at site: Node) -> Set<FrameObject> {
        if value.kind == .tuple || value.kind == .list || value.kind == .parenthesizedExpression {
            return value.namedChildren.reduce(into: Set<FrameObject>()) { $0.formUnion(tiedObjects($1, at: site)) }
        }
        let state = site.parent.flatMap { statesBefore[$0.index] } ?? FrameLocalsState()
        return Set(FrameLocalsDomain(scope: scope, semantics: semantics).value(of: value, state).map(\.object)
            .filter { $0.kind != .generator && state.stillTied($0) })
    }

    /// Whether a stored name holds only what `__exit__` received: its traceback starts at the frame that ran
    /// the `with` block, which holds the context manager.
    func holdsOnlyWithBlockArguments(_ value: Node, at site: Node) -> Bool {
        guard value.kind == .identifier else { return false }
        let kinds = tiedKinds(value, at: site)
        return !kinds.isEmpty && kinds.allSatisfy { $0 == .exitException || $0 == .exitTraceback }
    }

    /// Whether the class's own `with self:` blocks (the frames its `__exit__` exceptions point at) all
    /// drop `self` before their frame ends, on every way it ends (`finally: self = None`, as unittest's
    /// `handle()` does): the frame interpreter runs each such method with a store "the frame holds the
    /// context manager" made at each block, which rebinding or deleting `self` undoes, and asks whether it
    /// is still in place at any exit, an exception escaping the frame included. False when the class has
    /// no such block: it is then used as `with X() as cm` elsewhere, and that frame keeps it.
    func withBlocksReleaseContext() -> Bool {
        guard let className = scope.enclosingClass, let model = semantics.classes[className] else { return false }
        var blocks = 0
        var released = 0
        for method in model.methods.values {
            guard let methodScope = semantics.scope(of: method), let selfName = methodScope.selfName,
                  let body = method.child(.body) else { continue }
            var held: [NodeIndex: [TrackedStore]] = [:]
            walkScope(body) { node in
                guard node.kind == .withStatement,
                      node.descendants(ofKind: .withItem).contains(where: { $0.firstNamedChild?.textEquals(selfName) == true }) else { return }
                held[node.index] = [TrackedStore(site: node.index, holder: selfName, root: selfName)]
            }
            guard !held.isEmpty else { continue }
            let domain = FrameLocalsDomain(scope: methodScope, semantics: semantics, trackedStores: held)
            let outcome = StructuredFlow(domain: domain).run(body, domain.entryState())
            let exits = [outcome.normal, outcome.raised, outcome.mayRaise].compactMap { $0 } + outcome.returns.map(\.state)
            for stores in held.values {
                blocks += 1
                if let store = stores.first, !exits.contains(where: { $0.stores.contains(store) }) { released += 1 }
            }
        }
        return blocks > 0 && blocks == released
    }

    static let storingMethods: Set<String> = ["append", "add", "appendleft", "insert", "put", "put_nowait", "setdefault",
                                              "set_exception", "set_exc_info", "extend"]

    /// The stores an expression statement's assignment or call makes into objects (not locals): each
    /// attribute or subscript target of `a.x = b[k] = value`, and the receiver of a storing method
    /// (`self.errors.append(e)`, `fut.set_exception(e)`), with the stored value.
    func stores(at node: Node) -> [(holder: Node, value: Node)] {
        var stores: [(holder: Node, value: Node)] = []
        switch node.kind {
        case .assignment:
            guard node.parent?.kind == .expressionStatement else { return [] }
            var targets: [Node] = []
            var current: Node? = node
            while let step = current, step.kind == .assignment {
                if let left = step.child(.left) { targets.append(left) }
                current = step.child(.right)
            }
            guard let value = current else { return [] }
            for target in targets where target.kind == .attribute || target.kind == .subscript { stores.append((target, value)) }
        case .call:
            guard node.parent?.kind == .expressionStatement, let callee = node.child(.function), callee.kind == .attribute,
                  let method = callee.child(.attribute)?.text, Self.storingMethods.contains(method),
                  let receiver = callee.child(.object) else { return [] }
            // Appending to a plain local list is HL103's case (FrameRetentionQuery).
            if receiver.kind == .identifier, method != "set_exception", method != "set_exc_info" { return [] }
            let arguments = (node.child(.arguments)?.namedChildren.array ?? []).filter { $0.kind != .comment && $0.kind != .keywordArgument }
            guard let value = method.hasPrefix("set_") ? arguments.first : arguments.last else { return [] }
            stores.append((receiver, value))
        default:
            break
        }
        return stores
    }

    func storedExceptions() -> [FrameCycle] {
        var result: [FrameCycle] = []
        var seen = Set<SourceRange>()
        for node in statements {
            var stores = stores(at: node)
            if node.kind == .call, let callee = node.child(.function), let method = callee.child(.attribute)?.text,
               let receiver = callee.child(.object), clearedAtTeardown(receiver: receiver, method: method) {
                stores = []
            }
            for (holder, value) in stores {
                // `exc.__traceback__ = tb` sets the exception's own traceback: no new holder.
                if holder.kind == .attribute, holder.child(.attribute)?.textEquals("__traceback__") == true { continue }
                guard let root = Self.rootLocal(of: holder), isFrameLocal(root.text),
                      let stored = frameTie(value, at: node), !seen.contains(node.range) else { continue }
                // Undone by this function on every path where its frame ends (`self._errors = None` after
                // it, asyncio's TaskGroup; `del self.err` in a `finally`), or the stored exception's traceback
                // cleared on every such path (`e.__traceback__ = None`, `e = e.with_traceback(None)`, before
                // or after the store; contextlib restoring a re-raised exception's traceback): the cycle does
                // not outlive the frame.
                let store = TrackedStore(site: node.index, holder: holder.text, root: root.text)
                let objects = tiedObjects(value, at: node)
                guard exitStates.contains(where: { exit in
                    exit.stores.contains(store) && (objects.isEmpty || objects.contains(where: exit.stillTied))
                }) else { continue }
                seen.insert(node.range)
                let throughWith = holdsOnlyWithBlockArguments(value, at: node)
                if throughWith, withBlocksReleaseContext() { continue }
                result.append(FrameCycle(kind: .exceptionStored, site: node.range, line: node.start.line, holder: holder.text,
                                         rootLocal: root.text, functionName: throughWith ? "the with block's function" : scope.name,
                                         stored: stored, generatorName: nil, throughWithBlock: throughWith))
            }
        }
        return result
    }

    /// `self.payload.set_exception(exc)` where `self.payload = DataQueue()` (a class of this module) and
    /// `DataQueue.set_exception` keeps its argument in a slot (`self._exception = exc`) that a teardown kills
    /// (`feed_eof()` sets it back to None and `connection_lost()` calls it on `self.payload`): the queue
    /// drops the exception, and with it the traceback that holds this frame, when the owner is torn down.
    /// The kill is the one ModuleFacts computes for every cycle kind (aiohttp's DataQueue fix, PR #10556).
    func clearedAtTeardown(receiver: Node, method: String) -> Bool {
        guard receiver.kind == .attribute, let selfName = scope.selfName, receiver.child(.object)?.textEquals(selfName) == true,
              let field = receiver.child(.attribute)?.text, let ownerName = scope.enclosingClass,
              let holders = ModuleFacts.constructedClasses(of: field, in: ownerName, semantics) else { return false }
        // The setter's summary: the slots of its own object it stores its first argument in.
        var slots: [(holder: String, slot: String)] = []
        for holder in holders.sorted() {
            guard let setter = semantics.method(method, of: holder), let setterScope = semantics.scope(of: setter),
                  let setterSelf = setterScope.selfName, setterScope.parameters.count >= 2 else { continue }
            let parameter = setterScope.parameters[1]
            walkScope(setter.child(.body) ?? setter) { node in
                guard node.kind == .assignment, node.child(.right)?.textEquals(parameter) == true, let left = node.child(.left),
                      left.kind == .attribute, left.child(.object)?.textEquals(setterSelf) == true,
                      let slot = left.child(.attribute)?.text else { return }
                slots.append((holder, slot))
            }
        }
        guard !slots.isEmpty else { return false }
        let facts = ModuleFacts(semantics: semantics)
        return slots.contains { facts.isKilled($0.slot, holderClass: $0.holder) }
    }
}
