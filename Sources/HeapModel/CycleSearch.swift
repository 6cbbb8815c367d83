import HeapSemantics
import HeapSyntax

/// One kill of a teardown path: the references a slot of an object holds, dropped where the teardown runs.
/// CPython frees a cycle by reference counting once one of its edges is gone, so a cycle whose edge a
/// teardown kills is not garbage for the collector (when the teardown runs).
struct TeardownKill: Hashable, Sendable {
    enum Extent: Hashable, Sendable {
        /// The whole slot: `= None`, `del`, `.clear()`, a draining `.pop()`.
        case slot
        /// The items of one class in the container held there: `.remove(self)`.
        case item(ofClass: String)
    }
    /// The classes of the object whose slot is killed ("": code outside any class, any object).
    let holderClasses: Set<String>
    let extent: Extent
    /// Whether `holderClasses` is known from what the receiver was constructed from (`self.cache = Cache()`),
    /// not assumed from the method's class: such a kill is of another object, and an object of unknown
    /// class on a cycle (a parameter) is not taken to be it.
    var constructed = false
}

/// Facts about the module shared by every scope's interpretation.
final class ModuleFacts: @unchecked Sendable {
    let semantics: SemanticModel
    /// The kills of teardown paths (`x.f = None`, `del x.f`, `x.f.clear()`, `x.f.remove(self)` in `close()`,
    /// `__exit__`, `finally`, ...), by the attribute they kill: a cycle through a killed slot of an object
    /// of the kill's class is not reported.
    let kills: [String: [TeardownKill]]
    /// Attribute names on which `.start()` is called: a `Thread` stored there runs, and `Thread.run`
    /// drops its target when it returns, so the cycle is temporary.
    let startedFields: [String: Set<String>]
    /// Attribute names that some statement sets to a weak container (`x.f = weakref.WeakSet()`).
    let weakFields: [String: String]
    /// Per class: attribute names assigned on `self` anywhere in its methods, and the container
    /// kind assigned to them (`self.children = []` → list).
    private(set) var instanceFields: [String: [String: String]] = [:]
    /// Summaries of methods by `function_definition` node.
    var summaries: [Node: ScopeResult] = [:]
    /// Import-resolved names of imported callables given one of the scope's objects (`Child(self)` with
    /// `Child` imported): what a project index may answer, and what the module depends on.
    var unresolvedCallees: Set<String> = []

    var inProgress: Set<Node> = []

    /// Classes whose teardown path removes items from some container (`del map[fd]`, `.pop()`,
    /// `.remove()`, `.clear()`): a cycle through a container item and one of their instances is
    /// taken as broken there.
    let classesRemovingItemsOnTeardown: Set<String>

    /// Field name → the statements that break it only in `__del__` (or in a private method only `__del__`
    /// calls): they cannot break a cycle, since `__del__` runs only once the cyclic GC has found it.
    let finalizerBrokenFields: [String: [FinalizerBreak]]
    /// Classes of other modules of the project (nil: the module alone).
    let project: ProjectContext?

    init(semantics: SemanticModel, project: ProjectContext? = nil) {
        self.semantics = semantics
        self.project = project
        let finalizerOnly = ModuleFacts.finalizerOnlyFunctions(semantics)
        let weakrefCallbacks = ModuleFacts.weakrefCallbackNames(semantics, project: project)
        let teardown = ModuleFacts.teardownFunctions(semantics, excluding: finalizerOnly, weakrefCallbacks: weakrefCallbacks)
        // Memoised ancestor lookups: a chained assignment nests its N assignments, and walking up
        // from each one was quadratic (4,000 targets: seconds).
        var enclosingFunction = NearestAncestor(where: { $0.kind == .functionDefinition })
        var enclosingFunctionOrFinally = NearestAncestor(where: { $0.kind == .functionDefinition || $0.kind == .finallyClause })
        func inTeardown(_ node: Node) -> Bool {
            guard let ancestor = enclosingFunctionOrFinally.of(node) else { return false }
            if ancestor.kind == .finallyClause { return !inFinalizer(node) }
            return teardown.contains(ancestor)
        }
        func finalizer(of node: Node) -> Node? {
            guard let function = enclosingFunction.of(node) else { return nil }
            return finalizerOnly.contains(function) ? function : nil
        }
        func inFinalizer(_ node: Node) -> Bool { finalizer(of: node) != nil }
        var finalizerBroken: [String: [FinalizerBreak]] = [:]
        func recordFinalizerBreak(_ name: String, at node: Node) {
            guard let function = finalizer(of: node) else { return }
            finalizerBroken[name, default: []].append(FinalizerBreak(
                field: name, site: node.range, line: node.start.line, function: function.child(.name)?.text ?? "__del__",
                ownerClass: semantics.enclosingFunction(of: node)?.enclosingClass ?? ""))
        }
        var kills: [String: [TeardownKill]] = [:]
        func kill(_ name: String, _ holders: (classes: Set<String>, constructed: Bool), _ extent: TeardownKill.Extent = .slot) {
            kills[name, default: []].append(TeardownKill(holderClasses: holders.classes, extent: extent, constructed: holders.constructed))
        }
        func kill(_ name: String, _ holders: Set<String>, _ extent: TeardownKill.Extent = .slot) { kill(name, (holders, false), extent) }
        var fieldClassCache: [String: Set<String>?] = [:]
        /// The classes of the object whose slot a statement at `node` kills through `receiver` (the object
        /// part of `receiver.f`): the method's class for `self`, the classes `self.x` is constructed from
        /// for `self.x` (`self.cache = Cache()`: a `Cache`, never the method's own class). Anything else
        /// (a parameter, a local) is taken as the method's own class, as before kills were by object.
        func holders(of receiver: Node?, at node: Node) -> (classes: Set<String>, constructed: Bool) {
            let function = semantics.enclosingFunction(of: node)
            let own: (classes: Set<String>, constructed: Bool) = ([function?.enclosingClass ?? ""], false)
            guard let receiver, let function, let className = function.enclosingClass, let selfName = function.selfName else { return own }
            if receiver.kind == .identifier { return own }
            guard receiver.kind == .attribute, receiver.child(.object)?.textEquals(selfName) == true,
                  let field = receiver.child(.attribute)?.text else { return own }
            let key = className + "." + field
            if fieldClassCache[key] == nil { fieldClassCache[key] = Self.constructedClasses(of: field, in: className, semantics) }
            guard let classes = fieldClassCache[key] ?? nil else { return own }
            return (classes, true)
        }
        /// What removing `value` from a container kills: the whole slot when `value` is read from that same
        /// container (`for h in list(self._handlers): self._handlers.remove(h)` empties it), the items of
        /// `value`'s class when that is known (`self.parent.children.remove(self)`), nothing otherwise: removing
        /// one caller-chosen item (blinker's `self.receivers.pop(receiver_id)`) leaves the others' cycles.
        func removalExtent(of value: Node?, from field: String, at node: Node) -> TeardownKill.Extent? {
            guard let value else { return .slot }
            let function = semantics.enclosingFunction(of: node)
            if value.kind == .identifier, value.text == function?.selfName, let className = function?.enclosingClass {
                return .item(ofClass: className)
            }
            if value.kind == .identifier, let fields = Self.selfFieldsAliased(by: value, semantics), fields.contains(field) { return .slot }
            return nil
        }
        var started: [String: Set<String>] = [:]
        var weak: [String: String] = [:]
        func owner(_ node: Node) -> String { semantics.enclosingFunction(of: node)?.enclosingClass ?? "" }
        var removingClasses = Set<String>()
        func field(of node: Node) -> String? {
            if node.kind == .attribute { return node.child(.attribute)?.text }
            if node.kind == .subscript, let value = node.child(.value), value.kind == .attribute { return value.child(.attribute)?.text }
            return nil
        }
        func teardownClass(_ node: Node) -> String? {
            guard inTeardown(node), let function = semantics.enclosingFunction(of: node) else { return nil }
            return function.enclosingClass
        }
        for node in semantics.tree.nodes(ofKinds: .assignment, .deleteStatement, .call) {
            switch node.kind {
            case .assignment:
                if let left = node.child(.left), left.kind == .attribute,
                   let name = left.child(.attribute)?.text, let right = node.child(.right),
                   right.kind == .call, right.child(.function)?.text.contains("Weak") == true,
                   let kind = ModuleFacts.containerKind(of: right, semantics), kind.hasPrefix("Weak") {
                    weak[name] = kind
                }
                let reliable = inTeardown(node)
                guard reliable || inFinalizer(node) else { continue }
                // Rewiring a neighbour (`prev.next = next` in a linked list's `unlink`) moves a link to another
                // object: it releases nothing of the holder's cycle. A teardown clears: it stores into `self`'s
                // own slots, or stores None or an empty display.
                if let value = Self.assignedValue(of: node), !Self.isClearingValue(value),
                   let target = node.child(.left), target.kind == .attribute, let object = target.child(.object),
                   object.kind == .identifier, object.text != (semantics.enclosingFunction(of: node)?.selfName ?? "self") {
                    continue
                }
                var current: Node? = node
                while let step = current, step.kind == .assignment {
                    if let left = step.child(.left), left.kind == .attribute, let name = field(of: left) {
                        if reliable { kill(name, holders(of: left.child(.object), at: node)) } else { recordFinalizerBreak(name, at: node) }
                    }
                    current = step.child(.right)
                }
            case .deleteStatement:
                for target in node.namedChildren.flatMap({ $0.kind == .expressionList ? $0.namedChildren.array : [$0] }) {
                    if target.kind == .subscript {
                        // `del self.f[k]` kills the item stored under a caller-chosen key: the slot only when `k`
                        // runs over that same container, and only on a teardown path.
                        if let name = field(of: target) {
                            if inFinalizer(node) {
                                recordFinalizerBreak(name, at: node)
                            } else if inTeardown(node), let key = target.child(.subscript), case .slot? = removalExtent(of: key, from: name, at: node) {
                                kill(name, holders(of: target.child(.value)?.child(.object), at: node))
                            }
                        }
                        // `del local[k]` where the local aliases some container: precise fields are unknown.
                        if let local = target.child(.value), local.kind == .identifier, let owner = teardownClass(node) {
                            if let fields = Self.selfFieldsAliased(by: local, semantics) {
                                for name in fields { kill(name, [owner]) }
                            } else {
                                removingClasses.insert(owner)
                            }
                        }
                    } else if target.kind == .attribute, let name = field(of: target) {
                        if inTeardown(node) { kill(name, holders(of: target.child(.object), at: node)) } else { recordFinalizerBreak(name, at: node) }
                    }
                }
            case .call:
                guard let function = node.child(.function), function.kind == .attribute,
                      let method = function.child(.attribute)?.text, let receiver = function.child(.object) else { continue }
                if method == "start", let name = field(of: receiver) { started[name, default: []].insert(owner(node)) }
                guard ["clear", "remove", "pop", "discard", "popitem", "cancel", "remove_done_callback", "popleft"].contains(method) else { continue }
                // A weakref callback (`weakref.ref(item, self._remove)`) runs only when its referent dies,
                // which a long-lived referent never does: what it removes is not a teardown of the holder
                // (SQLAlchemy's WeakSequence, issue #5050), unless a teardown path calls it too.
                if let enclosing = semantics.enclosingFunction(of: node), weakrefCallbacks.contains(enclosing.name), !inTeardown(node) {
                    continue
                }
                // A removal kills only on a teardown path (a removal elsewhere, `__del__` included, runs when
                // the program chooses, not when the holder is done), and only what it removes: `.clear()` and
                // the draining `.pop()`/`.popleft()`/`.popitem()` empty the slot, `.remove(x)`/`.discard(x)`/
                // `.pop(k)` one item.
                if let name = field(of: receiver) {
                    if inFinalizer(node) {
                        recordFinalizerBreak(name, at: node)
                    } else if inTeardown(node) {
                        let arguments = node.child(.arguments)?.namedChildren.array ?? []
                        let extent: TeardownKill.Extent?
                        switch method {
                        case "clear", "cancel", "remove_done_callback": extent = .slot
                        case "pop", "popitem", "popleft": extent = arguments.isEmpty ? .slot : removalExtent(of: arguments.first, from: name, at: node)
                        default: extent = removalExtent(of: arguments.first, from: name, at: node)
                        }
                        let holder = receiver.kind == .subscript ? receiver.child(.value)?.child(.object) : receiver.child(.object)
                        if let extent { kill(name, holders(of: holder, at: node), extent) }
                    }
                }
                if receiver.kind == .identifier, let owner = teardownClass(node) {
                    // A local bound only from `self` fields (`for bucket in self._by_sender.values()`,
                    // `for mapping in (self._by_sender, self._by_receiver)`, blinker's Signal) empties
                    // those fields' containers: the class's other containers keep their items.
                    if let fields = Self.selfFieldsAliased(by: receiver, semantics) {
                        for name in fields { kill(name, [owner]) }
                    } else {
                        removingClasses.insert(owner)
                    }
                }
                if inTeardown(node), receiver.kind == .identifier { kill(receiver.text, [owner(node)]) }
            default:
                continue
            }
        }
        self.kills = kills
        finalizerBrokenFields = finalizerBroken
        startedFields = started
        weakFields = weak
        classesRemovingItemsOnTeardown = removingClasses
    }

    /// The `self` fields a method's local may alias, when every binding of it in the method (an assignment
    /// or a `for` target) is an expression over `self.<field>`s; nil when one is not, when the name is a
    /// parameter, or when it is never bound there (its containers are then unknown).
    static func selfFieldsAliased(by local: Node, _ semantics: SemanticModel) -> Set<String>? {
        guard let function = semantics.enclosingFunction(of: local), let selfName = function.selfName,
              !function.parameters.contains(local.text), let body = function.node.child(.body) else { return nil }
        var fields = Set<String>()
        var bindings = 0
        var unknown = false
        walkScope(body) { node in
            let value: Node?
            switch node.kind {
            case .assignment:
                guard node.child(.left)?.textEquals(local.text) == true else { return }
                value = node.child(.right)
            case .forStatement:
                guard let left = node.child(.left), left.boundIdentifiers.contains(where: { $0.textEquals(local.text) }) else { return }
                value = left.kind == .identifier ? node.child(.right) : nil
            case .namedExpression, .asPatternTarget, .augmentedAssignment:
                // `(x := ...)`, `with ... as x` / `except ... as x`, `x += ...`: bound from something else.
                if node.kind == .namedExpression, node.child(.name)?.textEquals(local.text) != true { return }
                if node.kind == .augmentedAssignment, node.child(.left)?.textEquals(local.text) != true { return }
                if node.kind == .asPatternTarget, !node.boundIdentifiers.contains(where: { $0.textEquals(local.text) }) { return }
                value = nil
            default:
                return
            }
            bindings += 1
            guard let value else { unknown = true; return }
            var found = false
            var stack = [value]
            while let current = stack.popLast() {
                if current.kind == .attribute, current.child(.object)?.textEquals(selfName) == true,
                   let name = current.child(.attribute)?.text {
                    fields.insert(name)
                    found = true
                }
                stack.append(contentsOf: current.namedChildren)
            }
            if !found { unknown = true }
        }
        return bindings > 0 && !unknown ? fields : nil
    }

    /// Names of the methods and functions passed as the callback of `weakref.ref(obj, callback)` or
    /// `weakref.proxy(obj, callback)` (`self._remove`, `_on_dead`): CPython calls them when the referent
    /// is freed, not when the object that holds the weak reference is done.
    /// With `project`, also the arguments a project function keeps as a weakref's callback (blinker's
    /// `make_ref(receiver, callback)` returning `ref(receiver, callback)`), read from its summary.
    static func weakrefCallbackNames(_ semantics: SemanticModel, project: ProjectContext? = nil) -> Set<String> {
        var result = Set<String>()
        for call in semantics.tree.nodes(ofKind: .call) {
            guard let function = call.child(.function), function.kind == .attribute || function.kind == .identifier,
                  let qualified = semantics.qualifiedName(of: function) else { continue }
            let (positional, keywords) = ScopeInterpreter.arguments(of: call)
            let callbackNode: Node?
            if qualified == "weakref.ref" || qualified == "weakref.proxy" || qualified == "weakref.WeakMethod" {
                callbackNode = positional.count >= 2 ? positional[1] : keywords["callback"]
            } else if let summary = project?.lookupFunction(qualified), let parameter = summary.weakrefCallbackParameter,
                      let position = summary.parameters.firstIndex(of: parameter) {
                callbackNode = keywords[parameter] ?? (position < positional.count ? positional[position] : nil)
            } else {
                continue
            }
            guard let callback = callbackNode else { continue }
            switch callback.kind {
            case .attribute: if let name = callback.child(.attribute)?.text { result.insert(name) }
            case .identifier: result.insert(callback.text)
            case .call:
                // `weakref.ref(receiver, self._make_cleanup(key))` (blinker's Signal.connect): the callback is
                // the nested function the factory returns, and it too runs only when the referent dies.
                guard let factory = callback.child(.function) else { break }
                let name = factory.kind == .attribute ? factory.child(.attribute)?.text : factory.kind == .identifier ? factory.text : nil
                if let name { result.formUnion(returnedNestedFunctions(named: name, semantics)) }
            default: break
            }
        }
        return result
    }

    /// Names of the nested functions that the module's functions called `name` return (`def cleanup(ref): ...`
    /// then `return cleanup`).
    static func returnedNestedFunctions(named name: String, _ semantics: SemanticModel) -> Set<String> {
        var result = Set<String>()
        for (node, scope) in semantics.functionScopes where node.kind == .functionDefinition && scope.name == name {
            guard let body = node.child(.body) else { continue }
            var nested = Set<String>()
            var returned = Set<String>()
            walkScope(body) { inner in
                if inner.kind == .functionDefinition, let nestedName = inner.child(.name)?.text { nested.insert(nestedName) }
                if inner.kind == .returnStatement, let value = inner.firstNamedChild, value.kind == .identifier { returned.insert(value.text) }
            }
            result.formUnion(nested.intersection(returned))
        }
        return result
    }

    /// Names of the module's methods that store a parameter on an object (`self._transport = transport`)
    /// or call a method on a parameter or a field with arguments (`self._reader.set_transport(transport)`):
    /// a call to one of them may make an edge the caller's scope needs to be interpreted for.
    private(set) lazy var storingMethodNames: Set<String> = {
        var result = Set<String>()
        for (node, scope) in semantics.functionScopes where node.kind == .functionDefinition && scope.enclosingClass != nil {
            guard let selfName = scope.selfName, scope.parameters.count > 1, let body = node.child(.body) else { continue }
            let parameters = Set(scope.parameters)
            var stores = false
            walkScope(body) { inner in
                guard !stores else { return }
                switch inner.kind {
                case .assignment:
                    guard let left = inner.child(.left), left.kind == .attribute || left.kind == .subscript,
                          let root = ScopeInterpreter.rootName(of: left.kind == .subscript ? (left.child(.value) ?? left) : left),
                          parameters.contains(root), let right = inner.child(.right) else { return }
                    stores = right.kind == .identifier && parameters.contains(right.text) && right.text != selfName
                case .call:
                    guard let function = inner.child(.function), function.kind == .attribute,
                          let receiver = function.child(.object), let root = ScopeInterpreter.rootName(of: receiver),
                          parameters.contains(root), receiver.kind == .attribute || root != selfName,
                          let arguments = inner.child(.arguments) else { return }
                    stores = arguments.namedChildren.contains { $0.kind == .identifier && parameters.contains($0.text) }
                default:
                    return
                }
            }
            if stores { result.insert(scope.name) }
        }
        return result
    }()

    /// Module-level functions by name (a name defined twice is left out: which one runs is not known).
    private(set) lazy var moduleFunctions: [String: Node] = {
        var result: [String: Node] = [:]
        var duplicates = Set<String>()
        for (node, scope) in semantics.functionScopes
        where node.kind == .functionDefinition && scope.enclosingClass == nil && scope.enclosingFunction == nil
            && node.enclosingScopeNode == nil {
            if result[scope.name] != nil { duplicates.insert(scope.name) }
            result[scope.name] = node
        }
        for name in duplicates { result[name] = nil }
        return result
    }()

    func moduleFunction(_ name: String) -> Node? { moduleFunctions[name] }

    /// The value a (possibly chained) assignment stores: `x` for `a.f = b.g = x`.
    static func assignedValue(of assignment: Node) -> Node? {
        var value = assignment.child(.right)
        while let step = value, step.kind == .assignment { value = step.child(.right) }
        return value
    }

    /// None, or a new empty list/dict/set/tuple: a store of it drops whatever the slot held.
    static func isClearingValue(_ value: Node) -> Bool {
        switch value.kind {
        case .none: return true
        case .list, .dictionary, .set, .tuple: return value.namedChildren.array.isEmpty
        case .call:
            guard let function = value.child(.function), function.kind == .identifier,
                  value.child(.arguments)?.namedChildren.array.isEmpty == true else { return false }
            return ["list", "dict", "set", "tuple"].contains(function.text)
        default: return false
        }
    }

    /// Whether a teardown path kills slot `field` of an object of class `holderClass` (nil: unknown class,
    /// where any class's teardown counts) on the cycle: the whole slot, or one item of the container
    /// there whose class is among `itemClasses` (the classes of the cycle's next objects after it).
    func isKilled(_ field: String, holderClass: String?, itemClasses: [String] = []) -> Bool {
        guard let candidates = kills[field] else { return false }
        return candidates.contains { kill in
            guard holderClass != nil || !kill.constructed, matches(kill.holderClasses, holderClass) else { return false }
            switch kill.extent {
            case .slot: return true
            case .item(let removed): return itemClasses.contains { lineage($0).contains { $0.name == removed } || $0 == removed }
            }
        }
    }

    /// The classes of what `self.<field>` is constructed from in `className`'s methods (`self.cache =
    /// Cache()`), when every store there is a call of a module class or None; nil otherwise.
    static func constructedClasses(of field: String, in className: String, _ semantics: SemanticModel) -> Set<String>? {
        var classes = Set<String>()
        var unknown = false
        for model in semantics.classLineage(className) {
            for method in model.methods.values {
                guard let scope = semantics.scope(of: method), let selfName = scope.selfName, let body = method.child(.body) else { continue }
                walkScope(body) { node in
                    guard node.kind == .assignment, let left = node.child(.left), left.kind == .attribute,
                          left.child(.object)?.textEquals(selfName) == true, left.child(.attribute)?.textEquals(field) == true else { return }
                    guard let value = assignedValue(of: node) else { unknown = true; return }
                    if value.kind == .none { return }
                    if value.kind == .call, let callee = value.child(.function), callee.kind == .identifier, semantics.classes[callee.text] != nil {
                        classes.insert(callee.text)
                    } else {
                        unknown = true
                    }
                }
            }
        }
        return unknown || classes.isEmpty ? nil : classes
    }

    /// The statement that breaks `field` of a `holderClass` object, if only a finalizer does.
    func finalizerBreak(_ field: String, holderClass: String?) -> FinalizerBreak? {
        guard let breaks = finalizerBrokenFields[field] else { return nil }
        return breaks.first { matches([$0.ownerClass], holderClass) }
    }

    func isStarted(_ field: String, holderClass: String?) -> Bool {
        matches(startedFields[field], holderClass)
    }

    private func matches(_ owners: Set<String>?, _ holderClass: String?) -> Bool {
        guard let owners else { return false }
        if owners.contains("") { return true }
        guard let holderClass, semantics.classes[holderClass] != nil else { return true }
        return lineage(holderClass).contains { owners.contains($0.name) }
    }

    /// The one table of teardown names: a method named exactly so (`close`, `__exit__`, `connection_lost`,
    /// the asyncio transport/protocol and unittest lifecycle callbacks) or, for `.prefix` entries, a name
    /// starting so (`close_all`, `_release_refs`). Matching ignores leading and trailing underscores and
    /// case (`_aclose`, `Close`); the first-byte pre-check is derived from the same table.
    enum TeardownPattern: Hashable {
        case name(String)
        case prefix(String)

        var text: String {
            switch self {
            case .name(let text), .prefix(let text): return text
            }
        }
    }

    static let teardownTable: [TeardownPattern] = [
        "close", "aclose", "__exit__", "__aexit__", "connection_lost", "shutdown", "stop", "dispose", "clear",
        "cleanup", "clean_up", "teardown", "tearDown", "destroy", "release", "detach", "disconnect", "terminate",
        "finalize", "reset", "unlink", "remove", "discard", "free", "unregister", "unsubscribe", "cancel",
        "eof_received", "kill", "quit", "exit", "dismantle", "break_cycles", "unbind",
    ].map(TeardownPattern.name) + [
        "close", "aclose", "cleanup", "clean_up", "teardown", "shutdown", "stop", "dispose", "destroy",
        "release", "detach", "disconnect", "remove", "clear", "reset", "unregister", "on_close",
        "break", "free", "del_", "delete", "cancel", "finish", "drop", "unlink",
    ].map(TeardownPattern.prefix)

    static let teardownNames: Set<String> = Set(teardownTable.compactMap {
        if case .name(let text) = $0 { return text } else { return nil }
    })
    static let teardownNamesLowercased: Set<String> = Set(teardownNames.map { bareName($0).lowercased() })
    static let teardownPrefixes: [String] = teardownTable.compactMap {
        if case .prefix(let text) = $0 { return text } else { return nil }
    }

    /// The first bytes (after underscores, in both cases) of every table entry: a name whose first
    /// non-underscore byte is not among them is no teardown name.
    static let teardownFirstBytes: Set<UInt8> = {
        var bytes = Set<UInt8>()
        for pattern in teardownTable {
            guard let first = pattern.text.utf8.first(where: { $0 != UInt8(ascii: "_") }) else { continue }
            bytes.insert(first)
            if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { bytes.insert(first - 32) }
            if first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") { bytes.insert(first + 32) }
        }
        return bytes
    }()

    /// False only for names `isTeardownName` rejects: its first non-underscore byte starts no teardown name.
    static func mayBeTeardownName(_ identifier: Node) -> Bool {
        let bytes = identifier.tree.source.bytes
        var i = identifier.range.start
        while i < identifier.range.end, bytes[i] == UInt8(ascii: "_") { i += 1 }
        return i < identifier.range.end && teardownFirstBytes.contains(bytes[i])
    }

    static func bareName(_ name: String) -> Substring {
        var bare = Substring(name)
        while bare.first == "_" { bare = bare.dropFirst() }
        while bare.last == "_" { bare = bare.dropLast() }
        return bare
    }

    static func isTeardownName(_ name: String) -> Bool {
        if teardownNames.contains(name) { return true }
        let bare = bareName(name)
        guard let first = bare.utf8.first, teardownFirstBytes.contains(first) else { return false }
        let lowered = bare.lowercased()
        if teardownNamesLowercased.contains(lowered) { return true }
        return teardownPrefixes.contains { lowered.hasPrefix($0) }
    }

    /// `__del__` methods, and private methods (one leading underscore or more, not dunder) that only
    /// finalizer-only functions mention: cleanup there runs only after the cyclic GC has found the cycle.
    /// A method mentioned anywhere else (called from `close()`, passed to `atexit.register`) is not one.
    static func finalizerOnlyFunctions(_ semantics: SemanticModel) -> Set<Node> {
        var result = Set<Node>()
        var candidates: [String: [Node]] = [:]
        for (node, scope) in semantics.functionScopes where node.kind == .functionDefinition && scope.enclosingClass != nil {
            if scope.name == "__del__" { result.insert(node); continue }
            guard scope.name.hasPrefix("_"), !(scope.name.hasPrefix("__") && scope.name.hasSuffix("__")) else { continue }
            candidates[scope.name, default: []].append(node)
        }
        guard !result.isEmpty, !candidates.isEmpty else { return result }
        // Where each candidate name is mentioned: the nearest enclosing def of each mention (nil: module level).
        var mentions: [String: [Node?]] = [:]
        for identifier in semantics.tree.nodes(ofKind: .identifier) {
            guard identifier.range.end - identifier.range.start > 1, identifier.tree.source.bytes[identifier.range.start] == UInt8(ascii: "_") else { continue }
            let name = identifier.text
            guard let definitions = candidates[name] else { continue }
            if let parent = identifier.parent, parent.kind == .functionDefinition, definitions.contains(parent) { continue }
            mentions[name, default: []].append(identifier.ancestors.first { $0.kind == .functionDefinition })
        }
        var changed = true
        while changed {
            changed = false
            for (name, definitions) in candidates {
                guard let places = mentions[name], !places.isEmpty, !definitions.allSatisfy(result.contains) else { continue }
                let onlyFromFinalizers = places.allSatisfy { place in
                    guard let place else { return false }
                    return result.contains(place) || definitions.contains(place)
                }
                if onlyFromFinalizers && places.contains(where: { $0.map { !definitions.contains($0) } ?? false }) {
                    for definition in definitions { result.insert(definition) }
                    changed = true
                }
            }
        }
        return result
    }

    /// Functions on a teardown path: methods named like `close`/`__exit__`/`connection_lost`, and
    /// the methods they call on `self` or on an object `self.x` is constructed from (`self.payload =
    /// DataQueue()` then `self.payload.feed_eof()` in `connection_lost()`: aiohttp's DataQueue), transitively.
    /// A weakref callback named like a teardown (`_remove`) is not one by its name: it runs when the
    /// referent dies; it is on a teardown path only when a teardown method calls it.
    static func teardownFunctions(_ semantics: SemanticModel, excluding finalizerOnly: Set<Node> = [],
                                  weakrefCallbacks: Set<String> = []) -> Set<Node> {
        var result = Set<Node>()
        var queue: [Node] = []
        var privateCandidates: [String: [Node]] = [:]
        for node in semantics.tree.nodes(ofKind: .functionDefinition) where !finalizerOnly.contains(node) {
            // Most names fail on their first letter: look at the bytes before making a string.
            guard let name = node.child(.name), mayBeTeardownName(name), isTeardownName(name.text),
                  !weakrefCallbacks.contains(name.text) else { continue }
            // A private method (`_clear_state`, blinker's test helper) is a lifecycle step only when something
            // runs it: a lifecycle entry point is public, a dunder or a framework callback. One the module never
            // mentions is no teardown of the objects it makes.
            let text = name.text
            if text.hasPrefix("_") && !(text.hasPrefix("__") && text.hasSuffix("__")) {
                privateCandidates[text, default: []].append(node)
                continue
            }
            result.insert(node)
            queue.append(node)
        }
        if !privateCandidates.isEmpty {
            var mentioned = Set<String>()
            for identifier in semantics.tree.nodes(ofKind: .identifier) {
                guard identifier.range.end - identifier.range.start > 1,
                      identifier.tree.source.bytes[identifier.range.start] == UInt8(ascii: "_") else { continue }
                let text = identifier.text
                guard let definitions = privateCandidates[text] else { continue }
                if let parent = identifier.parent, parent.kind == .functionDefinition, definitions.contains(parent) { continue }
                mentioned.insert(text)
            }
            for (name, definitions) in privateCandidates where mentioned.contains(name) {
                for node in definitions {
                    result.insert(node)
                    queue.append(node)
                }
            }
        }
        while let function = queue.popLast() {
            guard let scope = semantics.scope(of: function), let selfName = scope.selfName,
                  let className = scope.enclosingClass, let body = function.child(.body) else { continue }
            walkScope(body) { node in
                guard node.kind == .call, let callee = node.child(.function), callee.kind == .attribute,
                      let receiver = callee.child(.object), let name = callee.child(.attribute)?.text else { return }
                let receiverClasses: Set<String>
                if receiver.kind == .identifier, receiver.text == selfName {
                    receiverClasses = [className]
                } else if receiver.kind == .attribute, receiver.child(.object)?.textEquals(selfName) == true,
                          let field = receiver.child(.attribute)?.text,
                          let classes = constructedClasses(of: field, in: className, semantics) {
                    receiverClasses = classes
                } else {
                    return
                }
                for receiverClass in receiverClasses.sorted() {
                    guard let method = semantics.method(name, of: receiverClass), !result.contains(method),
                          !finalizerOnly.contains(method) else { continue }
                    result.insert(method)
                    queue.append(method)
                }
            }
        }
        return result
    }

    private var lineages: [String: [ClassModel]] = [:]
    private var methods: [String: Node?] = [:]

    /// `SemanticModel.classLineage`, memoised for the module.
    func lineage(_ className: String) -> [ClassModel] {
        if let known = lineages[className] { return known }
        let result = semantics.classLineage(className)
        lineages[className] = result
        return result
    }

    /// `SemanticModel.method(_:of:)`, memoised for the module.
    func method(_ name: String, of className: String) -> Node? {
        let key = className + "." + name
        if let known = methods[key] { return known }
        var found: Node?
        for model in lineage(className) { if let method = model.methods[name] { found = method; break } }
        methods[key] = .some(found)
        return found
    }

    /// Instance attributes of `className` (and its in-module bases), with container kinds where known.
    func fields(of className: String) -> [String: String] {
        if let known = instanceFields[className] { return known }
        var result: [String: String] = [:]
        for model in semantics.classLineage(className) {
            for method in model.methods.values {
                guard let scope = semantics.scope(of: method), let selfName = scope.selfName, let body = method.child(.body) else { continue }
                walkScope(body) { node in
                    guard node.kind == .assignment else { return }
                    var current: Node? = node
                    var targets: [Node] = []
                    while let step = current, step.kind == .assignment {
                        if let left = step.child(.left) { targets.append(left) }
                        current = step.child(.right)
                    }
                    for target in targets where target.kind == .attribute {
                        guard let object = target.child(.object), object.kind == .identifier, object.text == selfName,
                              let field = target.child(.attribute)?.text else { continue }
                        let kind = current.flatMap { ModuleFacts.containerKind(of: $0, semantics) } ?? result[field] ?? ""
                        result[field] = kind
                    }
                }
            }
        }
        instanceFields[className] = result
        return result
    }

    /// `WeakSequence` for a call of `util.WeakSequence` (SQLAlchemy), or of any class named `Weak…` that
    /// this module does not define: by convention such a class holds its items through weak references
    /// (`weakref.ref(item, callback)`), as the `weakref` containers do. A class of that name defined here is
    /// weak only if it derives from a `Weak…` class; otherwise its own code says what it holds.
    static func weakContainerKind(_ qualifiedName: String, _ semantics: SemanticModel) -> String? {
        let last = qualifiedName.split(separator: ".").last.map(String.init) ?? qualifiedName
        guard isWeakClassName(last) else { return nil }
        if let model = semantics.classes[last], !qualifiedName.contains(".") {
            let derivesFromWeak = model.baseNames.contains { base in
                isWeakClassName(base.split(separator: ".").last.map(String.init) ?? base) && base != last
            }
            return derivesFromWeak ? last : nil
        }
        return last
    }

    /// `WeakSet`, `WeakSequence`: `Weak` followed by a capitalised word.
    static func isWeakClassName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return bytes.count > 4 && name.hasPrefix("Weak") && bytes[4] >= UInt8(ascii: "A") && bytes[4] <= UInt8(ascii: "Z")
    }

    /// Whether a container of this kind holds its items (list items, set members, dict values) only
    /// weakly. A `WeakKeyDictionary` holds its keys weakly but its values strongly, so a value that refers
    /// back to its key is a real leak and stays modelled: only names without `Key` count as weak on the
    /// item side.
    static func holdsItemsWeakly(_ containerKind: String) -> Bool {
        isWeakClassName(containerKind) && !containerKind.contains("Key")
    }

    /// The container kind an expression makes (`[]` → list, `weakref.WeakSet()` → WeakSet), if any.
    static func containerKind(of node: Node, _ semantics: SemanticModel) -> String? {
        switch node.kind {
        case .list, .listComprehension: return "list"
        case .dictionary, .dictionaryComprehension: return "dict"
        case .set, .setComprehension: return "set"
        case .tuple: return "tuple"
        case .call:
            guard let function = node.child(.function), let name = semantics.qualifiedName(of: function) else { return nil }
            switch name {
            case "list": return "list"
            case "dict", "collections.OrderedDict", "collections.defaultdict", "OrderedDict", "defaultdict": return "dict"
            case "set": return "set"
            case "collections.deque", "deque": return "deque"
            case "weakref.WeakSet", "_weakrefset.WeakSet": return "WeakSet"
            case "weakref.WeakValueDictionary": return "WeakValueDictionary"
            case "weakref.WeakKeyDictionary": return "WeakKeyDictionary"
            case "weakref.WeakMethod": return "WeakMethod"
            default: return weakContainerKind(name, semantics)
            }
        default:
            return nil
        }
    }
}

/// The abstract heap at the end of one scope.
struct ScopeResult {
    var objects: [AbstractObject]
    var edges: [ReferenceEdge]
    var live: [Bool]
    /// For objects read from an attribute: (holder, attribute name).
    var derivedFrom: [Int: (Int, String)]
    /// Object ids standing for `self` and each parameter (by position).
    var selfObject: Int?
    var parameterObjects: [String: Int]
    var parameterOrder: [String]
    /// Thread objects whose `start()` the scope calls: `Thread.run` drops the target when it returns.
    var startedObjects: Set<Int>
    /// Objects the scope's `return` statements return (a constructor's result, a parameter, ...).
    var returned: [Int] = []
    /// Method calls on objects whose class this scope cannot know (a parameter, `self.reader`): replayed
    /// by the caller that knows it.
    var deferredCalls: [DeferredCall] = []
}

/// `self._stream_reader.set_transport(transport)` inside a method: which method, on which object of the
/// summary, with which of its objects as arguments. The caller that maps `self._stream_reader` to an
/// instance of a module class replays that class's method there (asyncio's StreamReaderProtocol, bpo-34638).
struct DeferredCall {
    let receiver: Int
    let method: String
    let positional: [Int?]
    let keywords: [String: Int]
}

extension ScopeResult {
    /// This heap as a `FunctionSummary` for the project index, or nil when a caller would gain nothing
    /// from it (no edge it keeps, no parameter or attribute value it returns) or it is too large to ship.
    func exported(qualifiedName: String) -> FunctionSummary? {
        guard selfObject == nil, objects.count <= 64 else { return nil }
        let parameterOf = Dictionary(parameterObjects.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let kept = edges.indices.filter { live[$0] && !(edges[$0].isImplicit && derivedFrom[edges[$0].to] != nil) }
        let returnedObject = returned.first
        let returnsEarlier = returnedObject.map { parameterOf[$0] != nil || derivedFrom[$0] != nil } ?? false
        guard !kept.isEmpty || returnsEarlier else { return nil }
        var exportedObjects: [FunctionSummary.Object] = []
        for object in objects {
            let (kind, detail) = object.kind.summaryKind
            let derived = derivedFrom[object.id]
            exportedObjects.append(FunctionSummary.Object(kind: kind, detail: detail, label: object.label, parameter: parameterOf[object.id],
                                                          holder: derived?.0, field: derived?.1))
        }
        let exportedEdges = kept.map { FunctionSummary.Edge(from: edges[$0].from, to: edges[$0].to, kind: edges[$0].kind.rawValue, via: edges[$0].via) }
        return FunctionSummary(qualifiedName: qualifiedName, parameters: parameterOrder, objects: exportedObjects, edges: exportedEdges,
                               returned: returnedObject)
    }

    /// Whether replaying this heap at a call can matter to the caller: some reference made by the
    /// method points back at `self`, a parameter or a value read from one of them. Edges that only
    /// point away from the caller's objects into new ones cannot close a cycle there.
    var pointsBackAtCaller: Bool {
        if !deferredCalls.isEmpty { return true }
        let roots = Set(parameterObjects.values).union(derivedFrom.keys)
        return edges.indices.contains { index in
            live[index] && !edges[index].isImplicit && roots.contains(edges[index].to)
        } || edges.indices.contains { index in
            live[index] && edges[index].isImplicit && derivedFrom[edges[index].to] == nil && roots.contains(edges[index].to)
        }
    }

}

/// Interprets each function (and the module body) once, in source order, over an abstract heap,
/// and reports the must-cycles left at its end.
struct CycleSearch {
    let semantics: SemanticModel
    let facts: ModuleFacts

    init(semantics: SemanticModel, project: ProjectContext? = nil) {
        self.semantics = semantics
        self.facts = ModuleFacts(semantics: semantics, project: project)
    }

    /// See `ModuleFacts.unresolvedCallees`; complete once `allCycles()` has run.
    var unresolvedCallees: Set<String> { facts.unresolvedCallees }

    func allCycles() -> [CycleWitness] {
        var result: [CycleWitness] = []
        // In source order, the module and the defs; the others would find nothing to model and stop
        // (`ScopeInterpreter.start`), so they are not interpreted.
        var scopes: [(Node, FunctionScope?)] = []
        for index in Self.scopesThatMayStore(semantics.tree, storingMethods: facts.storingMethodNames).sorted() {
            let node = semantics.tree.node(index)
            if index == 0 { scopes.append((node, nil)) } else if let scope = semantics.functionScopes[node] { scopes.append((node, scope)) }
        }
        var seenSites = Set<SourceRange>()
        for (node, scope) in scopes {
            // A method already interpreted as another method's callee is not interpreted twice.
            let heap = facts.summaries[node] ?? ScopeInterpreter.run(node: node, scope: scope, facts: facts, depth: 0)
            if node.kind == .functionDefinition, facts.summaries[node] == nil { facts.summaries[node] = heap }
            for witness in CycleFinder.cycles(in: heap, facts: facts, scopeName: scope?.name ?? "<module>")
            where !seenSites.contains(witness.site) {
                seenSites.insert(witness.site)
                result.append(witness)
            }
        }
        return result
    }
}

extension CycleSearch {
    /// The module's top-level functions as the project index keeps them (`FunctionSummary`): each one's
    /// heap at its end, from the same interpretation a call in this module replays. Only functions whose
    /// call leaves the caller something to follow are kept: an edge (`parent.children.append(child)`,
    /// `weakref.ref(obj, callback)` holding `callback`) or a returned parameter or attribute value. Run
    /// after `allCycles`, so interpreting a function here changes none of the module's own findings.
    func functionSummaries(moduleName: String) -> [FunctionSummary] {
        var result: [FunctionSummary] = []
        for (name, node) in facts.moduleFunctions.sorted(by: { $0.key < $1.key }) {
            guard let heap = ScopeInterpreter.summary(of: node, facts: facts, depth: 0),
                  let summary = heap.exported(qualifiedName: moduleName.isEmpty ? name : moduleName + "." + name) else { continue }
            result.append(summary)
        }
        return result
    }

    /// The module (index 0) and the `def`s whose own statements may store a reference, found from
    /// the kind index instead of walking every scope: a superset of the scopes in which
    /// `ScopeInterpreter.start` finds a statement that `mayStoreReference` (it also admits stores in a
    /// def's decorators or defaults), so skipping the others changes no result.
    static func scopesThatMayStore(_ tree: SyntaxTree, storingMethods: Set<String> = []) -> Set<NodeIndex> {
        var result = Set<NodeIndex>()
        var opener = NearestAncestor(where: { $0.kind.opensScope })  // memoised: chained assignments nest deeply
        for node in tree.nodes(ofKinds: .assignment, .call)
        where ScopeInterpreter.mayStoreReference(node) || ScopeInterpreter.callsStoringMethod(node, storingMethods) {
            var scope: NodeIndex = 0
            if let current = opener.of(node) { scope = current.kind == .functionDefinition ? current.index : -1 }
            if scope >= 0 { result.insert(scope) }
        }
        return result
    }
}

/// The interpretation of one scope.
struct ScopeInterpreter {
    let facts: ModuleFacts
    let scope: FunctionScope?
    let root: Node
    let depth: Int
    var semantics: SemanticModel { facts.semantics }

    var objects: [AbstractObject] = []
    var edges: [ReferenceEdge] = []
    var live: [Bool] = []
    var env: [String: Int] = [:]
    /// The attribute edges that may hold each field now: more than one when stores on different branch
    /// arms (`if fn is None: self.fn = self._default` / `else: self.fn = fn`) each hold it on their path.
    var fieldEdges: [FieldKey: [Int]] = [:]
    var derivedFrom: [Int: (Int, String)] = [:]
    var selfObject: Int?
    var parameterObjects: [String: Int] = [:]
    var startedObjects = Set<Int>()
    var returnedObjects: [Int] = []
    var deferredCalls: [DeferredCall] = []
    var deferredReplayDepth = 0

    struct FieldKey: Hashable {
        let holder: Int
        let name: String
    }

    static func run(node: Node, scope: FunctionScope?, facts: ModuleFacts, depth: Int) -> ScopeResult {
        var interpreter = ScopeInterpreter(facts: facts, scope: scope, root: node, depth: depth)
        interpreter.start()
        return ScopeResult(objects: interpreter.objects, edges: interpreter.edges, live: interpreter.live,
                           derivedFrom: interpreter.derivedFrom, selfObject: interpreter.selfObject,
                           parameterObjects: interpreter.parameterObjects, parameterOrder: scope?.parameters ?? [],
                           startedObjects: interpreter.startedObjects, returned: interpreter.returnedObjects,
                           deferredCalls: interpreter.deferredCalls)
    }

    /// Summary of a method (its heap at the end, in terms of `self` and its parameters), memoised.
    static func summary(of method: Node, facts: ModuleFacts, depth: Int) -> ScopeResult? {
        if let known = facts.summaries[method] { return known }
        guard depth < 3, !facts.inProgress.contains(method), let scope = facts.semantics.scope(of: method) else { return nil }
        facts.inProgress.insert(method)
        let result = run(node: method, scope: scope, facts: facts, depth: depth + 1)
        facts.inProgress.remove(method)
        facts.summaries[method] = result
        return result
    }

    // MARK: objects and edges

    /// `allocatedAt`: the expression whose evaluation makes the object (a call, a display, a lambda, the
    /// attribute read that makes a bound method); `allocationLine` copies a line known from a summary.
    mutating func newObject(_ kind: ObjectKind, label: String, isSelf: Bool = false, field: String? = nil,
                            allocatedAt: Node? = nil, allocationLine: Int? = nil) -> Int {
        let id = objects.count
        objects.append(AbstractObject(id: id, kind: kind, label: label, isSelf: isSelf, fieldName: field,
                                      allocationLine: allocatedAt?.start.line ?? allocationLine))
        return id
    }

    mutating func addEdge(from: Int, to: Int, kind: EdgeKind, via: String, site: Node, implicit: Bool = false,
                          fromCallee: Bool = false, calleeSite: (SourceRange, Int)? = nil, reachesEarlierObject: Bool = true) {
        if isWeak(from, kind: kind) { return }
        let (arms, exits) = branchContext(of: site)
        let range = calleeSite?.0 ?? site.range
        let line = calleeSite?.1 ?? site.start.line
        edges.append(ReferenceEdge(from: from, to: to, kind: kind, via: via, site: range, line: line,
                                   isImplicit: implicit, isFromCallee: fromCallee, arms: arms, exitingBlocks: exits,
                                   anchor: site.range, reachesEarlierObject: reachesEarlierObject))
        live.append(true)
        if kind == .attribute { fieldEdges[FieldKey(holder: from, name: via), default: []].append(edges.count - 1) }
    }

    func isWeak(_ holder: Int, kind: EdgeKind) -> Bool {
        guard kind == .item, let container = objects[holder].containerKind else { return false }
        return ModuleFacts.holdsItemsWeakly(container)
    }

    /// A store or `del` of `holder.name` at `site` removes the edges it replaces on every path where it
    /// runs: an earlier edge survives when the kill sits on a branch arm the edge's statement is not in
    /// (the other arm of an `if`, or a conditional overwrite of an unconditional store), since on the
    /// paths that skip the kill the field still holds the earlier value.
    mutating func killField(_ holder: Int, _ name: String, site: Node? = nil) {
        let key = FieldKey(holder: holder, name: name)
        guard let indices = fieldEdges[key] else { return }
        let killArms = site.map { Set(branchContext(of: $0).0) } ?? []
        var kept: [Int] = []
        for index in indices {
            if killArms.isSubset(of: edges[index].arms) { live[index] = false } else { kept.append(index) }
        }
        fieldEdges[key] = kept.isEmpty ? nil : kept
    }

    mutating func killItems(_ holder: Int) {
        for index in edges.indices where edges[index].from == holder && edges[index].kind == .item { live[index] = false }
    }

    /// The `if`/`match`/`try` arms around `site` up to the scope root, and blocks that end early.
    func branchContext(of site: Node) -> ([BranchArm], [SourceRange]) {
        var arms: [BranchArm] = []
        var exits: [SourceRange] = []
        var child = site
        for ancestor in site.ancestors {
            if ancestor == root { break }
            switch ancestor.kind {
            case .ifStatement:
                if child.field == .consequence { arms.append(BranchArm(statement: ancestor.index, arm: 0)) }
                else if child.kind == .elifClause || child.kind == .elseClause {
                    arms.append(BranchArm(statement: ancestor.index, arm: Self.position(of: child, in: ancestor) + 1))
                }
            case .tryStatement:
                if child.kind == .exceptClause || child.kind == .exceptGroupClause || child.kind == .elseClause {
                    arms.append(BranchArm(statement: ancestor.index, arm: Self.position(of: child, in: ancestor) + 1))
                }
            case .matchStatement, .block:
                if child.kind == .caseClause, let match = ancestor.kind == .matchStatement ? ancestor : ancestor.parent {
                    arms.append(BranchArm(statement: match.index, arm: Self.position(of: child, in: ancestor) + 1))
                }
                if ancestor.kind == .block, ancestor.namedChildren.contains(where: {
                    switch $0.kind {
                    case .returnStatement, .raiseStatement, .breakStatement, .continueStatement: true
                    default: false
                    }
                }) {
                    exits.append(ancestor.range)
                }
            default:
                break
            }
            child = ancestor
        }
        return (arms, exits)
    }

    /// The index of `child` among `parent`'s children (1 if it is not one, as before), counted
    /// without building the children's array.
    static func position(of child: Node, in parent: Node) -> Int {
        var position = 0
        for candidate in parent.children {
            if candidate == child { return position }
            position += 1
        }
        return 1
    }

    // MARK: the walk

    mutating func start() {
        if let scope {
            for name in scope.parameters {
                // A class object always sits on cycles of its own (`__mro__`, method globals); storing it
                // on itself adds nothing worth reporting.
                if ["cls", "klass", "kls", "mcs", "mcls", "metacls"].contains(name) { continue }
                let id: Int
                if name == scope.selfName, let className = scope.enclosingClass {
                    id = newObject(.instance(className: className), label: className, isSelf: true)
                    selfObject = id
                } else {
                    id = newObject(.instance(className: nil), label: name)
                }
                parameterObjects[name] = id
                env[name] = id
            }
        }
        guard let body = root.kind == .module ? root : root.child(.body) else { return }
        var statements: [Node] = []
        walkScope(body) { node in
            switch node.kind {
            case .assignment, .call, .deleteStatement, .forStatement, .functionDefinition, .classDefinition,
                 .asPatternTarget, .namedExpression, .importStatement, .importFromStatement, .augmentedAssignment,
                 .returnStatement:
                statements.append(node)
            default:
                break
            }
        }
        // Every reported cycle needs a reference this scope makes itself: a store into an attribute or
        // an item, or a container/callback method. A scope without one is not interpreted, unless it is
        // a callee (depth > 0) whose returned object may carry the caller's references back.
        guard statements.contains(where: { Self.mayStoreReference($0) || Self.callsStoringMethod($0, facts.storingMethodNames) })
            || (depth > 0 && statements.contains(where: { isDeferrableCall($0) || Self.isSuperCall($0) }))
            || (depth > 0 && statements.contains(where: { statement in
                guard statement.kind == .returnStatement, let value = statement.firstNamedChild else { return false }
                return value.kind == .call || value.kind == .lambda
                    || (value.kind == .identifier && statements.contains { $0.kind == .functionDefinition && $0.child(.name)?.textEquals(value.text) == true })
            }))
        else { return }
        for node in statements { step(node) }
    }

    /// A statement call `p.m(args)` or `self.f.m(args)`, with `p` a parameter and at least one argument:
    /// a callee's call that its caller may be able to resolve (see `DeferredCall`).
    func isDeferrableCall(_ node: Node) -> Bool {
        guard node.kind == .call, node.parent?.kind == .expressionStatement, let scope,
              let function = node.child(.function), function.kind == .attribute,
              let receiver = function.child(.object), let root = Self.rootName(of: receiver), scope.parameters.contains(root),
              node.child(.arguments)?.namedChildren.contains(where: { $0.kind != .comment }) == true else { return false }
        return true
    }

    /// `obj.connection_made(transport)`: a call with arguments of a method that some class of the module
    /// defines and that stores or passes on its arguments (`ModuleFacts.storingMethodNames`).
    static func callsStoringMethod(_ node: Node, _ names: Set<String>) -> Bool {
        guard !names.isEmpty, node.kind == .call, let function = node.child(.function), function.kind == .attribute,
              let method = function.child(.attribute), names.contains(method.text),
              node.child(.arguments)?.namedChildren.contains(where: { $0.kind != .comment }) == true else { return false }
        return true
    }

    static func mayStoreReference(_ node: Node) -> Bool {
        switch node.kind {
        case .assignment:
            guard node.parent?.kind == .expressionStatement else { return false }
            var current: Node? = node
            while let step = current, step.kind == .assignment {
                if let left = step.child(.left), left.kind == .attribute || left.kind == .subscript { return true }
                current = step.child(.right)
            }
            return false
        case .call:
            guard let function = node.child(.function) else { return false }
            if function.kind == .identifier { return function.textEquals("setattr") }
            guard function.kind == .attribute, let method = function.child(.attribute) else { return false }
            return modelledMethods.contains(method.text)
        default:
            return false
        }
    }

    mutating func step(_ node: Node) {
        switch node.kind {
        case .assignment:
            guard node.parent?.kind == .expressionStatement else { return }
            var targets: [Node] = []
            var current: Node? = node
            while let step = current, step.kind == .assignment {
                if let left = step.child(.left) { targets.append(left) }
                current = step.child(.right)
            }
            guard let value = current else {
                return  // annotation only
            }
            if targets.count == 1, let target = targets.first,
               [.patternList, .tuplePattern, .tuple, .expressionList].contains(target.kind),
               [.tuple, .expressionList].contains(value.kind) {
                let names = target.namedChildren.array
                let values = value.namedChildren.array
                if names.count == values.count {
                    let objects = values.map { evaluate($0) }
                    for (name, object) in zip(names, objects) { assign(name, object, site: node) }
                    return
                }
            }
            let object = evaluate(value)
            for target in targets { assign(target, object, site: node) }
        case .augmentedAssignment:
            if let left = node.child(.left), left.kind == .identifier {
                // `x += y` on a list extends it in place; the binding itself is unchanged.
                return
            }
        case .call:
            var parent = node.parent
            if parent?.kind == .await { parent = parent?.parent }
            guard parent?.kind == .expressionStatement else { return }
            _ = evaluateCall(node, asStatement: true)
        case .deleteStatement:
            let targets = node.namedChildren.flatMap { $0.kind == .expressionList ? $0.namedChildren.array : [$0] }
            for target in targets {
                switch target.kind {
                case .identifier:
                    env[target.text] = nil
                case .attribute:
                    if let object = target.child(.object), let holder = evaluate(object), let field = target.child(.attribute) {
                        killField(holder, field.text, site: node)
                    }
                case .subscript:
                    if let value = target.child(.value), let holder = evaluate(value) { killItems(holder) }
                default:
                    break
                }
            }
        case .forStatement:
            guard let left = node.child(.left) else { return }
            if left.kind == .identifier, let right = node.child(.right), let container = evaluate(right),
               objects[container].containerKind != nil || objects[container].fieldName != nil {
                let element = newObject(.instance(className: nil), label: left.text)
                addEdge(from: container, to: element, kind: .item, via: "[item]", site: node, implicit: true)
                env[left.text] = element
            } else {
                for name in left.boundIdentifiers { env[name.text] = nil }
            }
        case .functionDefinition:
            guard node != root, let name = node.child(.name) else { return }
            env[name.text] = scope == nil ? nil : makeClosure(node, kind: .nestedFunction, label: "function \(name.text)")
        case .classDefinition:
            if let name = node.child(.name) { env[name.text] = nil }
        case .asPatternTarget:
            for name in node.boundIdentifiers { env[name.text] = nil }
        case .namedExpression:
            if let name = node.child(.name), let value = node.child(.value) { env[name.text] = evaluate(value) }
        case .returnStatement:
            if let value = node.firstNamedChild, let object = evaluate(value) { returnedObjects.append(object) }
        case .importStatement, .importFromStatement:
            for child in node.children(.name) {
                if child.kind == .aliasedImport, let alias = child.child(.alias) { env[alias.text] = nil }
                else if child.kind == .dottedName { env[child.firstNamedChild?.text ?? child.text] = nil }
            }
        default:
            break
        }
    }

    mutating func assign(_ target: Node, _ object: Int?, site: Node) {
        switch target.kind {
        case .identifier:
            env[target.text] = object
        case .attribute:
            guard let holderNode = target.child(.object), let field = target.child(.attribute)?.text,
                  let holder = evaluate(holderNode) else { return }
            killField(holder, field, site: site)
            derivedCache[FieldKey(holder: holder, name: field)] = nil
            if let object { addEdge(from: holder, to: object, kind: .attribute, via: field, site: site) }
        case .subscript:
            guard let valueNode = target.child(.value), let holder = evaluate(valueNode), let object else { return }
            if let kind = objects[holder].containerKind, ModuleFacts.holdsItemsWeakly(kind) { return }
            // `x[k] = v` may be any `__setitem__` (a Tk widget's `configure` hands the value to Tcl, which
            // the collector cannot see); only trust known containers and plain locals or parameters.
            if objects[holder].containerKind == nil, derivedFrom[holder] != nil { return }
            let key = target.child(.subscript).map { String($0.text.prefix(20)) } ?? ""
            addEdge(from: holder, to: object, kind: .item, via: "[\(key)]", site: site)
        case .patternList, .tuplePattern, .listPattern, .tuple, .list:
            for name in target.boundIdentifiers { env[name.text] = nil }
        default:
            break
        }
    }

    var derivedCache: [FieldKey: Int] = [:]

    /// `holder.field` as an object: the value assigned earlier in this scope, a bound method, or the
    /// value the attribute held on entry (which `holder` keeps alive).
    mutating func readField(_ holder: Int, _ field: String, site: Node) -> Int? {
        if let indices = fieldEdges[FieldKey(holder: holder, name: field)] {
            let arms = branchContext(of: site).0
            for index in indices.reversed() where live[index] && (edges[index].arms.isEmpty || CycleFinder.armsCompatible(edges[index].arms, arms)) {
                return edges[index].to
            }
        }
        if let cached = derivedCache[FieldKey(holder: holder, name: field)] { return cached }
        var containerKind: String?
        if let className = objects[holder].className, semantics.classes[className] != nil {
            let lineage = facts.lineage(className)
            let instanceFields = facts.fields(of: className)
            if instanceFields[field] == nil {
                if lineage.contains(where: { $0.properties.contains(field) }) { return nil }
                if lineage.contains(where: { $0.staticOrClassMethods.contains(field) }) { return nil }
                if facts.method(field, of: className) != nil {
                    let method = newObject(.callable(.boundMethod), label: "bound method \(className).\(field)",
                                           // CPython makes a new bound method at each `self.m` read; a replayed
                                           // summary's read (site: the call) happened in the callee, not here.
                                           allocatedAt: site.kind == .attribute ? site : nil)
                    addEdge(from: method, to: holder, kind: .boundSelf, via: "__self__", site: site, implicit: true)
                    return method
                }
                if lineage.contains(where: { $0.classAttributes.contains(field) && !$0.annotatedFields.contains(field) }) {
                    return nil
                }
                // An attribute the class never assigns on `self` may be a method of an unknown base.
                if lineage.contains(where: { !$0.baseNames.allSatisfy { semantics.classes[$0] != nil || $0 == "object" } }) {
                    return nil
                }
            }
            if let kind = instanceFields[field], !kind.isEmpty { containerKind = kind }
        }
        if containerKind == nil, let weak = facts.weakFields[field] { containerKind = weak }
        if field.hasPrefix("__") && field.hasSuffix("__") { return nil }
        let label = containerKind ?? "\(objects[holder].label).\(field)"
        let kind: ObjectKind = containerKind.map { .container($0) } ?? .instance(className: nil)
        let object = newObject(kind, label: label, field: field)
        derivedFrom[object] = (holder, field)
        derivedCache[FieldKey(holder: holder, name: field)] = object
        addEdge(from: holder, to: object, kind: .attribute, via: field, site: site, implicit: true)
        return object
    }

    /// Nesting depth of `evaluate`: expressions nested deeper than this are treated as unknown, so
    /// 10,000 nested brackets cannot exhaust the Swift stack.
    var evaluationDepth = 0
    static let maximumEvaluationDepth = 64

    mutating func evaluate(_ node: Node) -> Int? {
        guard evaluationDepth < Self.maximumEvaluationDepth else { return nil }
        evaluationDepth += 1
        defer { evaluationDepth -= 1 }
        return evaluateExpression(node)
    }

    private mutating func evaluateExpression(_ node: Node) -> Int? {
        switch node.kind {
        case .identifier:
            return env[node.text]
        case .parenthesizedExpression:
            return node.firstNamedChild.flatMap { evaluate($0) }
        case .attribute:
            guard let object = node.child(.object), let field = node.child(.attribute)?.text,
                  let holder = evaluate(object) else { return nil }
            return readField(holder, field, site: node)
        case .call:
            return evaluateCall(node, asStatement: false)
        case .list, .tuple, .set, .expressionList:
            let kind = node.kind == .set ? "set" : node.kind == .list ? "list" : "tuple"
            let container = newObject(.container(kind), label: kind, allocatedAt: node)
            for element in node.namedChildren {
                if let item = evaluate(element) { addEdge(from: container, to: item, kind: .item, via: "[item]", site: element, implicit: true) }
            }
            return container
        case .dictionary:
            let container = newObject(.container("dict"), label: "dict", allocatedAt: node)
            for pair in node.namedChildren where pair.kind == .pair {
                if let value = pair.child(.value), let item = evaluate(value) {
                    let key = pair.child(.key).map { String($0.text.prefix(20)) } ?? ""
                    addEdge(from: container, to: item, kind: .item, via: "[\(key)]", site: pair, implicit: true)
                }
            }
            return container
        case .listComprehension, .setComprehension, .dictionaryComprehension:
            let kind = node.kind == .listComprehension ? "list" : node.kind == .setComprehension ? "set" : "dict"
            let container = newObject(.container(kind), label: kind, allocatedAt: node)
            // One abstract element for all iterations (`[Child(self, i) for i in ...]`), evaluated with the
            // comprehension's own loop names unbound so they cannot alias the enclosing scope's objects.
            guard var element = node.child(.body) else { return container }
            if element.kind == .pair, let value = element.child(.value) { element = value }
            var hidden: [(String, Int)] = []
            for clause in node.namedChildren where clause.kind == .forInClause {
                for name in clause.child(.left)?.boundIdentifiers ?? [] {
                    if let bound = env[name.text] { hidden.append((name.text, bound)) }
                    env[name.text] = nil
                }
            }
            if let item = evaluate(element) { addEdge(from: container, to: item, kind: .item, via: "[item]", site: element, implicit: true) }
            for (name, bound) in hidden { env[name] = bound }
            return container
        case .lambda:
            return scope == nil ? nil : makeClosure(node, kind: .lambda, label: "lambda")
        default:
            return nil
        }
    }

    /// A function object for a nested `def` or lambda, holding the cells of the names it uses from
    /// this function's scope (module-level functions reach globals through `__globals__`, not cells).
    mutating func makeClosure(_ node: Node, kind: CallableKind, label: String) -> Int {
        let function = newObject(.callable(kind), label: label, allocatedAt: node)
        let own = semantics.scope(of: node)
        var captured: [String: Node] = [:]
        let body = node.child(.body) ?? node
        walkScope(body, intoNestedScopes: true) { inner in
            guard inner.kind == .identifier else { return }
            if inner.field == .attribute, inner.parent?.kind == .attribute { return }
            if inner.parent?.kind == .keywordArgument, inner.field == .name { return }
            let name = inner.text
            if own?.locals.contains(name) == true { return }
            if captured[name] == nil { captured[name] = inner }
        }
        for (name, site) in captured.sorted(by: { $0.value.index < $1.value.index }) {
            guard scope?.locals.contains(name) == true, let object = env[name] else { continue }
            addEdge(from: function, to: object, kind: .closure, via: "closure(\(name))", site: site, implicit: true)
        }
        return function
    }

    static let modelledMethods: Set<String> = [
        "append", "add", "appendleft", "insert", "setdefault", "extend", "clear", "remove", "pop", "discard",
        "popitem", "popleft", "start", "add_done_callback", "call_later", "call_at", "call_soon", "call_soon_threadsafe",
    ]
    static let containerBuiltins: Set<String> = ["list", "dict", "set"]

    /// `Outer.Inner` where `Outer` is a class of this module and `Inner` a class statement directly in its body.
    func nestedClass(called function: Node) -> String? {
        guard function.kind == .attribute, let outerName = function.child(.object), outerName.kind == .identifier,
              env[outerName.text] == nil, let outer = semantics.classes[outerName.text],
              let innerName = function.child(.attribute)?.text, let inner = semantics.classes[innerName],
              inner.node.parent.map({ $0.kind == .block && $0.parent == outer.node }) == true else { return nil }
        return innerName
    }

    mutating func evaluateCall(_ node: Node, asStatement: Bool) -> Int? {
        guard let function = node.child(.function) else { return nil }
        // Names bound in this scope are values, not imports or classes: skip resolving them.
        var head = function
        while head.kind == .attribute, let object = head.child(.object) { head = object }
        if head.kind == .call, function.kind == .attribute, let method = superMethod(function) {
            let (positional, keywords) = Self.arguments(of: node)
            return applySummary(of: method.node, receiver: method.receiver, positional: positional, keywords: keywords, site: node)
        }
        guard head.kind == .identifier else { return nil }
        let headIsName = env[head.text] == nil
            && (semantics.importedNames[head.text] != nil || semantics.classes[head.text] != nil
                || (function.kind == .identifier && Self.containerBuiltins.contains(head.text)))
        if function.kind == .identifier, env[head.text] == nil, semantics.classes[head.text] == nil,
           let callee = facts.moduleFunction(head.text) {
            let (positional, keywords) = Self.arguments(of: node)
            return applySummary(of: callee, receiver: nil, positional: positional, keywords: keywords, site: node)
        }
        let methodName = function.kind == .attribute ? function.child(.attribute)?.text : nil
        if function.kind == .identifier, function.textEquals("setattr"), env["setattr"] == nil {
            return evaluateSetattr(node)
        }
        if let methodName, Self.loopSchedulers.contains(methodName) {
            return scheduledHandle(node, method: methodName)
        }
        if let className = factoryClass(function) {
            let (positional, keywords) = Self.arguments(of: node)
            let instance = newObject(.instance(className: className), label: className, allocatedAt: node)
            applyConstructor(className, instance: instance, positional: positional, keywords: keywords, site: node)
            return instance
        }
        // Most calls are neither modelled constructors nor container/callback operations nor methods
        // of a known object: answer them without collecting arguments.
        if !headIsName {
            guard let methodName else { return nil }
            if !Self.modelledMethods.contains(methodName) {
                // `obj.m(...)` on a local, or `self.signal.connect(self.on_done)` when `m` stores or passes on
                // its arguments: replayed from the method of the receiver's class when that class is known.
                let receiverNode = function.child(.object)
                let receiver: Int? = receiverNode?.kind == .identifier ? env[head.text]
                    : receiverNode?.kind == .attribute && facts.storingMethodNames.contains(methodName) && env[head.text] != nil
                        ? receiverNode.flatMap { evaluate($0) } : nil
                guard let receiver, let className = objects[receiver].className, facts.method(methodName, of: className) != nil else {
                    // Also at depth 0: `allCycles` keeps a method's own interpretation as its summary.
                    if asStatement, isDeferrableCall(node) { deferCall(node, method: methodName) }
                    return nil
                }
            }
        }
        let (positional, keywords) = Self.arguments(of: node)
        let qualified = headIsName ? semantics.qualifiedName(of: function) : nil
        if let qualified {
            switch qualified {
            case "weakref.ref", "weakref.proxy", "weakref.WeakMethod":
                // The referent is weak; the callback (`weakref.ref(item, self._remove)`) is held strongly. A
                // WeakMethod passes `ref.__new__` a closure `_cb` whose cell holds the callback: the path is
                // shortened to the weakref's `__callback__`.
                let reference = newObject(.instance(className: nil), label: "weakref", allocatedAt: node)
                if let callbackNode = positional.count >= 2 ? positional[1] : keywords["callback"], let callback = evaluate(callbackNode) {
                    addEdge(from: reference, to: callback, kind: .argument, via: "__callback__", site: callbackNode, implicit: true)
                }
                return reference
            case "weakref.finalize", "weakref.getweakrefcount":
                return newObject(.instance(className: nil), label: "weakref", allocatedAt: node)
            case "functools.partial", "functools.partialmethod":
                let partial = newObject(.callable(.partial), label: "functools.partial", allocatedAt: node)
                // CPython's partial object keeps the callable in `func`, the rest in the `args` tuple and
                // the `keywords` dict: name the slot that really holds a bound method.
                for (index, argument) in positional.enumerated() {
                    if let object = evaluate(argument) {
                        addEdge(from: partial, to: object, kind: .argument, via: index == 0 ? "func" : "args", site: argument, implicit: true)
                    }
                }
                for (_, argument) in keywords.sorted(by: { $0.value.index < $1.value.index }) {
                    if let object = evaluate(argument) { addEdge(from: partial, to: object, kind: .argument, via: "keywords", site: argument, implicit: true) }
                }
                return partial
            case "threading.Thread", "threading.Timer":
                let isTimer = qualified == "threading.Timer"
                let thread = newObject(.callable(isTimer ? .timer : .thread), label: isTimer ? "Timer" : "Thread", allocatedAt: node)
                var held: [Node] = []
                if let target = keywords[isTimer ? "function" : "target"] { held.append(target) }
                if isTimer, positional.count >= 2 { held.append(positional[1]) }
                if let args = keywords["args"] { held.append(args) }
                if let kwargs = keywords["kwargs"] { held.append(kwargs) }
                for argument in held {
                    if let object = evaluate(argument) {
                        addEdge(from: thread, to: object, kind: .argument, via: isTimer ? "function" : "_target", site: argument, implicit: true)
                    }
                }
                return thread
            default:
                break
            }
            if let kind = ModuleFacts.containerKind(of: node, semantics) {
                return newObject(.container(kind), label: kind, allocatedAt: node)
            }
            if function.kind == .identifier, semantics.classes[qualified] != nil, env[function.text] == nil {
                let instance = newObject(.instance(className: qualified), label: qualified, allocatedAt: node)
                applyConstructor(qualified, instance: instance, positional: positional, keywords: keywords, site: node)
                return instance
            }
            if let nested = nestedClass(called: function) {
                // `Outer.Inner()`: a class defined in another class's body, called through it.
                let instance = newObject(.instance(className: nested), label: nested, allocatedAt: node)
                applyConstructor(nested, instance: instance, positional: positional, keywords: keywords, site: node)
                return instance
            }
            if semantics.classes[head.text] == nil, semantics.importedNames[head.text] != nil {
                // Asked of the index whether it answers or not: a dependent must be analysed again when
                // the module that defines the callee changes.
                if (positional + keywords.values).contains(where: { argument in
                    argument.kind == .identifier && env[argument.text] != nil
                        || argument.kind == .attribute && Self.rootName(of: argument).map { env[$0] != nil } == true
                }) {
                    facts.unresolvedCallees.insert(qualified)
                }
                if let project = facts.project, let summary = project.lookup(qualified) {
                    return constructProjectClass(summary, project: project.index, positional: positional, keywords: keywords, site: node)
                }
                if let project = facts.project, let summary = project.lookupFunction(qualified) {
                    return replayProjectFunction(summary, positional: positional, keywords: keywords, site: node)
                }
            }
        }
        guard function.kind == .attribute, let receiverNode = function.child(.object),
              let method = function.child(.attribute)?.text else { return nil }
        guard let receiver = evaluate(receiverNode) else { return nil }
        switch method {
        case "append", "add", "appendleft", "insert", "setdefault":
            // Only receivers that are containers or plain values; a module class's own `append`
            // is replayed from its summary below.
            guard objects[receiver].className == nil || semantics.classes[objects[receiver].className ?? ""] == nil,
                  asStatement || method == "setdefault",
                  let last = positional.last, method != "insert" || positional.count == 2,
                  method != "setdefault" || positional.count == 2 else { break }
            if let item = evaluate(last) {
                recognizeContainer(receiver, by: method)
                addEdge(from: receiver, to: item, kind: .item, via: "[item]", site: node)
            }
            return nil
        case "extend":
            if let first = positional.first, [.list, .tuple].contains(first.kind) {
                recognizeContainer(receiver, by: method)
                for element in first.namedChildren {
                    if let item = evaluate(element) { addEdge(from: receiver, to: item, kind: .item, via: "[item]", site: node) }
                }
            }
            return nil
        case "clear", "remove", "pop", "discard", "popitem", "popleft":
            killItems(receiver)
            return nil
        case "start":
            if case .callable(.thread) = objects[receiver].kind { startedObjects.insert(receiver) }
            return nil
        case "add_done_callback":
            if let callback = positional.first, let object = evaluate(callback) {
                addEdge(from: receiver, to: object, kind: .callback, via: "_callbacks", site: node)
            }
            return nil
        default:
            break
        }
        if let className = objects[receiver].className, let methodNode = facts.method(method, of: className),
           semantics.scope(of: methodNode)?.selfName != nil {
            return applySummary(of: methodNode, receiver: receiver, positional: positional, keywords: keywords, site: node)
        }
        return nil
    }

    /// `super().m` or `super(Class, self).m` inside a method of a module class: the `m` that the method
    /// resolution order finds after the enclosing class, called on this frame's `self`. Base classes'
    /// `__init__` store back-references this way (`super().__init__(owner, **kwargs)`).
    func superMethod(_ function: Node) -> (node: Node, receiver: Int)? {
        guard let call = function.child(.object), call.kind == .call, let callee = call.child(.function),
              callee.kind == .identifier, callee.textEquals("super"), env["super"] == nil,
              let name = function.child(.attribute)?.text, let scope, let owner = scope.enclosingClass,
              let selfName = scope.selfName, let receiver = env[selfName], receiver == selfObject else { return nil }
        for model in facts.lineage(owner).dropFirst() {
            if let method = model.methods[name] {
                return semantics.scope(of: method)?.selfName != nil ? (method, receiver) : nil
            }
        }
        return nil
    }

    /// `super().m(args)` as a statement of a method: a call that may store its arguments on `self`.
    static func isSuperCall(_ node: Node) -> Bool {
        guard node.kind == .call, let function = node.child(.function), function.kind == .attribute,
              let call = function.child(.object), call.kind == .call, let callee = call.child(.function) else { return false }
        return callee.kind == .identifier && callee.textEquals("super")
            && node.child(.arguments)?.namedChildren.contains(where: { $0.kind != .comment }) == true
    }

    /// Records a callee's method call on an object of unknown class whose arguments are objects of
    /// this scope, for the caller to replay (`applySummary`).
    mutating func deferCall(_ node: Node, method: String) {
        guard let receiverNode = node.child(.function)?.child(.object), let receiver = evaluate(receiverNode),
              objects[receiver].className == nil || semantics.classes[objects[receiver].className ?? ""] == nil else { return }
        let (positional, keywords) = Self.arguments(of: node)
        let positionalObjects = positional.map { evaluate($0) }
        var keywordObjects: [String: Int] = [:]
        for (name, argument) in keywords { if let object = evaluate(argument) { keywordObjects[name] = object } }
        guard positionalObjects.contains(where: { $0 != nil }) || !keywordObjects.isEmpty else { return }
        deferredCalls.append(DeferredCall(receiver: receiver, method: method, positional: positionalObjects, keywords: keywordObjects))
    }

    /// The name at the base of an attribute chain (`self` in `self.a.b`).
    static func rootName(of node: Node) -> String? {
        var current = node
        while current.kind == .attribute, let object = current.child(.object) { current = object }
        return current.kind == .identifier ? current.text : nil
    }

    /// asyncio's `loop.call_later(delay, callback, *args)`, `call_at`, `call_soon(callback, *args)` and
    /// `call_soon_threadsafe`: the returned `Handle` keeps the callback and its arguments until it is
    /// cancelled (running it does not drop them), whatever the loop object is.
    static let loopSchedulers: Set<String> = ["call_later", "call_at", "call_soon", "call_soon_threadsafe"]

    mutating func scheduledHandle(_ node: Node, method: String) -> Int? {
        let (positional, _) = Self.arguments(of: node)
        let callbackIndex = method == "call_later" || method == "call_at" ? 1 : 0
        guard positional.count > callbackIndex else { return nil }
        let handle = newObject(.callable(.timer), label: "scheduled asyncio.Handle", allocatedAt: node)
        for argument in positional[callbackIndex...] {
            if let object = evaluate(argument) {
                addEdge(from: handle, to: object, kind: .argument, via: argument == positional[callbackIndex] ? "_callback" : "_args",
                        site: argument, implicit: true)
            }
        }
        return handle
    }

    /// `setattr(obj, name, value)` stores like `obj.<name> = value`; the attribute is named by the
    /// string when it is a literal.
    mutating func evaluateSetattr(_ node: Node) -> Int? {
        let (positional, _) = Self.arguments(of: node)
        guard positional.count == 3, let holder = evaluate(positional[0]), let value = evaluate(positional[2]) else { return nil }
        let nameNode = positional[1]
        let field = nameNode.kind == .string ? String(nameNode.text.dropFirst().dropLast()) : "<\(nameNode.text)>"
        killField(holder, field, site: node)
        addEdge(from: holder, to: value, kind: .attribute, via: field, site: node)
        return nil
    }

    /// The module class a factory call makes: `self.features_class(self)` where the class body says
    /// `features_class = DatabaseFeatures`, or `handler_factory(self)` where the parameter's default is
    /// `handler_factory=BaseHandler` (the class the code is written for).
    func factoryClass(_ function: Node) -> String? {
        switch function.kind {
        case .attribute:
            guard let object = function.child(.object), object.kind == .identifier, let receiver = env[object.text],
                  objects[receiver].isSelf, let className = objects[receiver].className,
                  let field = function.child(.attribute)?.text, facts.fields(of: className)[field] == nil else { return nil }
            for model in facts.lineage(className) where model.classAttributes.contains(field) {
                guard let body = model.node.child(.body) else { continue }
                for statement in body.namedChildren where statement.kind == .expressionStatement {
                    guard let assignment = statement.firstNamedChild, assignment.kind == .assignment,
                          assignment.child(.left)?.textEquals(field) == true, let value = assignment.child(.right),
                          value.kind == .identifier, semantics.classes[value.text] != nil else { continue }
                    return value.text
                }
            }
            return nil
        case .identifier:
            guard let scope, scope.parameters.contains(function.text), env[function.text] == parameterObjects[function.text],
                  let parameters = scope.node.child(.parameters) else { return nil }
            for parameter in parameters.namedChildren where parameter.kind == .defaultParameter || parameter.kind == .typedDefaultParameter {
                guard parameter.child(.name)?.textEquals(function.text) == true, let value = parameter.child(.value),
                      value.kind == .identifier, semantics.classes[value.text] != nil else { continue }
                return value.text
            }
            return nil
        default:
            return nil
        }
    }

    /// A call's positional arguments (without splats) and keyword arguments by name.
    static func arguments(of call: Node) -> ([Node], [String: Node]) {
        let arguments = call.child(.arguments)?.namedChildren.array ?? []
        let positional = arguments.filter { ![.keywordArgument, .listSplat, .dictionarySplat, .comment].contains($0.kind) }
        var keywords: [String: Node] = [:]
        for argument in arguments where argument.kind == .keywordArgument {
            if let name = argument.child(.name)?.text, let value = argument.child(.value) { keywords[name] = value }
        }
        return (positional, keywords)
    }

    /// An attribute value of unknown class that receives `append`/`add`/… is a container (`parent.children`
    /// where `parent`'s class is unknown): it is one object of that kind on the cycle, counted and named
    /// as a container, not a third instance called `parent.children`.
    /// The kind comes from the module's classes when those that assign the field on `self` all make the
    /// same container (`self.children = []`), else from a method only lists and deques have; a holder of
    /// known class whose field is no container (`self._columns = ColumnCollection()`) keeps its instance.
    mutating func recognizeContainer(_ object: Int, by method: String) {
        guard case .instance(className: nil) = objects[object].kind, let (holder, field) = derivedFrom[object],
              objects[holder].className.map({ semantics.classes[$0] == nil }) ?? true else { return }
        var kinds = Set<String>()
        for className in semantics.classes.keys {
            if let kind = facts.fields(of: className)[field] { kinds.insert(kind) }
        }
        let kind: String
        if kinds.count == 1, let only = kinds.first, !only.isEmpty {
            kind = only
        } else if kinds.isEmpty || kinds == [""] {
            switch method {
            case "append", "extend", "insert": kind = "list"
            case "appendleft": kind = "deque"
            default: return
            }
        } else {
            return
        }
        let old = objects[object]
        objects[object] = AbstractObject(id: old.id, kind: .container(kind), label: kind, isSelf: false, fieldName: old.fieldName,
                                         allocationLine: old.allocationLine)
    }

    mutating func applyConstructor(_ className: String, instance: Int, positional: [Node], keywords: [String: Node], site: Node) {
        if let initializer = facts.method("__init__", of: className) {
            applySummary(of: initializer, receiver: instance, positional: positional, keywords: keywords, site: site)
            return
        }
        guard let model = semantics.classes[className],
              model.decorators.contains(where: { $0.hasSuffix("dataclass") || $0.hasPrefix("attr") }) else { return }
        // A dataclass's generated __init__ stores each argument in the field of the same name.
        var values: [(String, Node)] = zip(model.annotatedFields, positional).map { ($0, $1) }
        for field in model.annotatedFields { if let value = keywords[field] { values.append((field, value)) } }
        for (field, valueNode) in values {
            if let value = evaluate(valueNode) {
                addEdge(from: instance, to: value, kind: .attribute, via: field, site: site, fromCallee: true,
                        calleeSite: (valueNode.range, valueNode.start.line))
            }
        }
    }

    /// An instance of a class of another module: its constructor stores the arguments its summary says
    /// it stores (`self.parent = parent`), as attribute edges from the new instance.
    mutating func constructProjectClass(_ summary: ClassSummary, project: ProjectIndex, positional: [Node],
                                        keywords: [String: Node], site: Node) -> Int {
        let name = String(summary.name)
        let instance = newObject(.instance(className: summary.qualifiedName), label: name, allocatedAt: site)
        guard let constructor = project.constructor(of: summary) else { return instance }
        for (position, parameter) in constructor.initParameters.enumerated() {
            guard let field = constructor.storedParameters[parameter],
                  let argument = keywords[parameter] ?? (position < positional.count ? positional[position] : nil),
                  let value = evaluate(argument) else { continue }
            addEdge(from: instance, to: value, kind: .attribute, via: field, site: site, fromCallee: true,
                    calleeSite: (argument.range, argument.start.line))
        }
        return instance
    }

    /// A call of another module's function: what its summary says the function leaves (`replay` for a
    /// summary read from the project index). Parameters become the arguments, attribute values it read
    /// become the caller's, and objects it made become new ones, made by this call: their edges and
    /// allocation are placed at the call, since the callee's lines are in another file.
    mutating func replayProjectFunction(_ summary: FunctionSummary, positional: [Node], keywords: [String: Node], site: Node) -> Int? {
        var arguments: [String: Int] = [:]
        for (name, argument) in zip(summary.parameters, positional) { if let object = evaluate(argument) { arguments[name] = object } }
        for (name, argument) in keywords where summary.parameters.contains(name) {
            if let object = evaluate(argument) { arguments[name] = object }
        }
        var mapping: [Int: Int] = [:]
        let firstNewObject = objects.count
        for (index, object) in summary.objects.enumerated() {
            if let parameter = object.parameter {
                if let argument = arguments[parameter] { mapping[index] = argument }
            } else if let holder = object.holder, let field = object.field {
                // Holders precede what is read from them in the summary's order.
                if let mappedHolder = mapping[holder], let value = readField(mappedHolder, field, site: site) { mapping[index] = value }
            } else if let kind = ObjectKind(summaryKind: object.kind, detail: object.detail) {
                mapping[index] = newObject(kind, label: object.label, allocatedAt: site)
            }
        }
        for edge in summary.edges {
            guard let from = mapping[edge.from], let to = mapping[edge.to], let kind = EdgeKind(rawValue: edge.kind) else { continue }
            if kind == .attribute { killField(from, edge.via, site: site) }
            addEdge(from: from, to: to, kind: kind, via: edge.via, site: site, implicit: kind == .argument, fromCallee: true,
                    reachesEarlierObject: to < firstNewObject)
        }
        return summary.returned.flatMap { mapping[$0] }
    }

    /// Replays a method's summary at a call: its `self` becomes `receiver`, its parameters the
    /// arguments, attribute values it read become the caller's, and objects it made become new ones.
    /// `receiver` is nil for a plain function: then every parameter takes an argument. Returns the
    /// caller's object for what the callee returns, if it returns something it made or was given.
    @discardableResult
    mutating func applySummary(of method: Node, receiver: Int?, positional: [Node], keywords: [String: Node], site: Node) -> Int? {
        guard let summary = Self.summary(of: method, facts: facts, depth: depth) else { return nil }
        guard summary.pointsBackAtCaller else {
            // Nothing refers back to the caller's objects: a returned new object is still a value of its kind.
            guard let first = summary.returned.first, !summary.parameterObjects.values.contains(first),
                  summary.derivedFrom[first] == nil else { return nil }
            return newObject(summary.objects[first].kind, label: summary.objects[first].label, field: summary.objects[first].fieldName,
                             allocationLine: summary.objects[first].allocationLine)
        }
        let parameters = receiver == nil ? summary.parameterOrder : Array(summary.parameterOrder.dropFirst())
        var positionalObjects: [Int?] = []
        for argument in positional.prefix(parameters.count) { positionalObjects.append(evaluate(argument)) }
        var keywordObjects: [String: Int] = [:]
        for (name, argument) in keywords where parameters.contains(name) {
            if let object = evaluate(argument) { keywordObjects[name] = object }
        }
        return replay(summary, receiver: receiver, positional: positionalObjects, keywords: keywordObjects, site: site)
    }

    /// `applySummary` once the arguments are objects of this scope.
    mutating func replay(_ summary: ScopeResult, receiver: Int?, positional: [Int?], keywords: [String: Int], site: Node) -> Int? {
        var arguments: [String: Int] = [:]
        let parameters = receiver == nil ? summary.parameterOrder : Array(summary.parameterOrder.dropFirst())
        for (name, object) in zip(parameters, positional) { if let object { arguments[name] = object } }
        for (name, object) in keywords where parameters.contains(name) { arguments[name] = object }
        var mapping: [Int: Int] = [:]
        let firstNewObject = objects.count
        if let selfObject = summary.selfObject, let receiver { mapping[selfObject] = receiver }
        for (name, object) in summary.parameterObjects where receiver == nil || name != summary.parameterOrder.first {
            if let argument = arguments[name] { mapping[object] = argument }
        }
        for object in summary.objects where mapping[object.id] == nil && !summary.parameterObjects.values.contains(object.id) {
            if let (holder, field) = summary.derivedFrom[object.id] {
                if let mappedHolder = mapping[holder], let value = readField(mappedHolder, field, site: site) {
                    mapping[object.id] = value
                }
            } else if summary.selfObject != object.id {
                // The callee is a function of this module: where it allocates is a line of this file.
                mapping[object.id] = newObject(object.kind, label: object.label, field: object.fieldName,
                                               allocationLine: object.allocationLine)
            }
        }
        for (index, edge) in summary.edges.enumerated() where summary.live[index] && !(edge.isImplicit && summary.derivedFrom[edge.to] != nil) {
            guard let from = mapping[edge.from], let to = mapping[edge.to] else { continue }
            if edge.kind == .attribute { killField(from, edge.via, site: site) }
            addEdge(from: from, to: to, kind: edge.kind, via: edge.via, site: site, fromCallee: true,
                    calleeSite: (edge.site, edge.line), reachesEarlierObject: to < firstNewObject)
        }
        // Calls the callee could not resolve, on objects that are now of a known module class; nested
        // at most three deep, since mutually calling classes would replay each other forever.
        guard deferredReplayDepth < 3 else { return summary.returned.lazy.compactMap { mapping[$0] }.first }
        deferredReplayDepth += 1
        defer { deferredReplayDepth -= 1 }
        for call in summary.deferredCalls {
            guard let target = mapping[call.receiver], let className = objects[target].className,
                  let methodNode = facts.method(call.method, of: className), semantics.scope(of: methodNode)?.selfName != nil,
                  let callee = Self.summary(of: methodNode, facts: facts, depth: depth) else { continue }
            let positional = call.positional.map { $0.flatMap { mapping[$0] } }
            var keywords: [String: Int] = [:]
            for (name, object) in call.keywords { if let mapped = mapping[object] { keywords[name] = mapped } }
            _ = replay(callee, receiver: target, positional: positional, keywords: keywords, site: site)
        }
        return summary.returned.lazy.compactMap { mapping[$0] }.first
    }
}
