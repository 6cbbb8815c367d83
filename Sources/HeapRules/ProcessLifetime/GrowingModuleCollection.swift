import HeapModel
import HeapSemantics
import HeapSyntax

/// HL401: a module-level dict/list/set that functions only ever add to.
public struct GrowingModuleCollection: Rule {
    public static let metadata = RuleMetadata(
        code: "HL401", name: "growing-module-collection", family: .processLifetime, status: .stable,
        severity: .warning, fix: .never,
        summary: "A module-level collection is added to inside functions and never cleared, popped or bounded.",
        doc: RuleDoc(
            whatItFinds: """
            A module-level `dict`, `list`, `set` (or `defaultdict`, `OrderedDict`, `Counter`, unbounded \
            `deque`) used as a cache or log: some function adds to it (`_cache[key] = value`, \
            `_log.append(...)`, `_seen.add(...)`), and nothing in the module ever removes from it \
            (`pop`, `clear`, `del`, `remove`, `discard`, `popitem`), checks its size (`len(...)`), or \
            replaces it (`global _cache; _cache = {}`).
            """,
            whyItMatters: """
            A module's globals live in the module's `__dict__`, which `sys.modules` keeps for the whole \
            process. Everything reachable from a module-level collection therefore has a reference count \
            above zero until the interpreter exits: each entry added at run time (one per distinct key, \
            request, or call) is memory the process never gets back, and the keys and values keep alive \
            whatever they reference.
            """,
            example: """
            ```python
            _cache = {}

            def get(key):
                if key not in _cache:
                    _cache[key] = load(key)
                return _cache[key]
            ```
            """,
            useInstead: """
            Bound it: `functools.lru_cache(maxsize=N)` on a plain function, an `OrderedDict` with \
            `popitem(last=False)` past a size, `collections.deque(maxlen=N)` for logs; or hold it in an \
            object whose lifetime matches its use (a request, a session) instead of the module.
            """,
            whenItsFine: """
            Collections filled only at import time (module-level statements, or a private helper called \
            only from them), entries under constant keys, keys drawn from a small literal \
            (`for name in _names: _modules[name] = ...`) or from a private function whose every call \
            passes a literal or a module-level literal constant (a bounded memo), stores made by a \
            decorator factory (a function returning a nested function it defines), registries filled by a \
            function that stores its own argument (`_handlers.append(handler)`: registration, bounded by \
            the code that calls it), a decorator that returns its argument, or a function named \
            `register...`/`add...`/`install...` (a defaultdict read in one included). A dict or set keeps \
            one entry per distinct key, so it is reported only when its keys are shown to come from \
            unbounded input: `id(...)`, a file path (`os.path.abspath`), a name that says so (`path`, \
            `url`, `request`, `user_id`, `query`), or a parameter of a public function (arbitrary \
            arguments) that is not a flag (`aliased=False`) nor used as a base class. Keys from a \
            bounded set (a database alias, a cache or backend name, a language code, an enum member, a \
            class: names with `alias`, `name`, `lang`, `backend`, `cls`, `type`, `version`, ...) and keys \
            heaplint cannot place are not reported: when unsure, it stays silent. Lists and deques add an \
            entry per call whatever they hold, so they are reported without this check; collections that start with entries (a table, not a cache); collections passed to other code \
            (which may clear them), and any collection with a removal, `len()` check or reassignment \
            anywhere in the module.
            """,
            references: [
                "https://docs.python.org/3/library/functools.html#functools.lru_cache",
                "https://docs.python.org/3/library/collections.html#collections.deque",
            ]),
        examples: [
            .triggering("""
            ↓_cache = {}

            def get(key):
                if key not in _cache:
                    _cache[key] = load(key)
                return _cache[key]
            """, oracle: .run("""
                for i in range(n):
                    get(f"key-{i}")
                """, prelude: "def load(key): return [key]")),
            .triggering("""
            import time

            ↓_requests = []

            def handle(request):
                _requests.append((time.time(), request.path))
                return respond(request)
            """, oracle: .run("""
                import types
                for i in range(n):
                    handle(types.SimpleNamespace(path=f"/page/{i}"))
                """, prelude: "def respond(request): return None")),
            .triggering("""
            ↓SEEN_IDS = set()

            def is_new(event):
                new = event.id not in SEEN_IDS
                SEEN_IDS.add(event.id)
                return new
            """, oracle: .run("""
                import types
                for i in range(n):
                    is_new(types.SimpleNamespace(id=i))
                """)),
            .triggering("""
            from collections import defaultdict

            ↓_by_user = defaultdict(list)

            def record(user, action):
                _by_user[user.id].append(action.name)
            """, oracle: .run("""
                import types
                for i in range(n):
                    record(types.SimpleNamespace(id=i), types.SimpleNamespace(name="click"))
                """)),
            .triggering("""
            ↓_results: dict[str, float] = {}

            class Scorer:
                def score(self, text):
                    value = _results.get(text)
                    if value is None:
                        value = _results.setdefault(text, self.model(text))
                    return value
            """, oracle: .run("""
                Scorer.model = lambda self, text: len(text)
                for i in range(n):
                    Scorer().score(f"text {i}")
                """)),
            .triggering("""
            import collections

            ↓_history = collections.deque()

            def push(command):
                _history.append(command.upper())
            """, oracle: .run("""
                for i in range(n):
                    push(f"cmd {i}")
                """)),
            .nonTriggering("""
            _cache = {}

            def get(key):
                if len(_cache) > 1000:
                    _cache.clear()
                if key not in _cache:
                    _cache[key] = load(key)
                return _cache[key]
            """, oracle: .run("""
                for i in range(n):
                    get(f"key-{i}")
                """, prelude: "def load(key): return [key]")),
            .nonTriggering("""
            _handlers = []

            def on_event(handler):
                _handlers.append(handler)
                return handler
            """, oracle: .unconfirmable("""
                a registration per decorated handler the program's source defines, made at import: bounded by the \
                source, which a run cannot show (called n times, it grows like any list)
                """)),
            .nonTriggering("""
            _pending = {}

            def submit(job):
                _pending[job.id] = job.describe()

            def finish(job_id):
                return _pending.pop(job_id)
            """, oracle: .run("""
                import types
                for i in range(n):
                    submit(types.SimpleNamespace(id=i, describe=lambda: "job"))
                    finish(i)
                """)),
            .nonTriggering("""
            import collections

            _history = collections.deque(maxlen=100)

            def push(command):
                _history.append(command.upper())
            """, oracle: .run("""
                for i in range(n):
                    push(f"cmd {i}")
                """)),
            .nonTriggering("""
            _log = []

            def note(message):
                _log.append(message.strip())

            def reset():
                global _log
                _log = []
            """, oracle: .run("""
                for i in range(n):
                    note(f" message {i} ")
                    if i % 100 == 99:
                        reset()
                """)),
            .nonTriggering("""
            TABLE = {}
            for name in ("a", "b"):
                TABLE[name] = len(name)

            def lookup(name):
                return TABLE[name]
            """, oracle: .run("""
                for _ in range(n):
                    lookup("a")
                """)),
            .nonTriggering("""
            _sysctl_cache = {}

            def _get_sysctl(name):
                if name not in _sysctl_cache:
                    _sysctl_cache[name] = read_sysctl(name)
                return _sysctl_cache[name]

            def blackhole():
                return _get_sysctl("net.inet.tcp.blackhole")
            """, oracle: .run("""
                for _ in range(n):
                    blackhole()
                """, prelude: "def read_sysctl(name): return 0")),
            .nonTriggering("""
            methods = []

            def _add_method(name):
                if supported(name):
                    methods.append(make_method(name))

            _add_method("SHA512")
            _add_method("MD5")
            """, oracle: .run(prelude: "def supported(name): return True\ndef make_method(name): return name.lower()")),
            .nonTriggering("""
            internal_code = set()

            def internalcode(f):
                internal_code.add(f.__code__)
                return f
            """, oracle: .unconfirmable("""
                a registration per decorated function the program's source defines, made at import: bounded by the \
                source, which a run cannot show (called n times, it grows like any set)
                """)),
            .nonTriggering("""
            BUILTIN_EXTENSIONS = {"storemagic": False, "autoreload": False}

            def load_extension(name):
                BUILTIN_EXTENSIONS[name] = True
            """, oracle: .unconfirmable("""
                stores under the caller's extension name: bounded only while callers pass the names the program knows, \
                which the example alone does not show (n distinct names grow it like any dict)
                """)),
            .nonTriggering("""
            _registry = {}

            def register_codec(name, codec):
                _registry[name.lower()] = codec.info()
            """, oracle: .unconfirmable("""
                stores under the caller's codec name: bounded only while callers pass the names the program knows, \
                which the example alone does not show (n distinct names grow it like any dict)
                """)),
        ])

    public init() {}

    enum Use { case grow(Node), shrink, read, escape }

    public func check(_ context: AnalysisContext) -> [Finding] {
        let tree = context.tree
        let semantics = context.semantics
        let folder = context.folder
        var findings: [Finding] = []
        // Module-level names bound to an empty container: the candidates.
        var candidates: [(left: Node, value: Node, kind: String, name: String)] = []
        for statement in tree.root.namedChildren where statement.kind == .expressionStatement {
            guard let assignment = statement.firstNamedChild, assignment.kind == .assignment,
                  let left = assignment.child(.left), left.kind == .identifier, let value = assignment.child(.right),
                  let kind = LifetimeFacts.containerKind(of: value, semantics: semantics, folder: folder) else { continue }
            // Caches and logs start empty; a literal with entries is a table whose keys are set, not added.
            guard Self.isEmptyContainer(value) else { continue }
            let name = left.text
            if name.hasPrefix("__") { continue }
            candidates.append((left, value, kind, name))
        }
        // Names assigned (anywhere) more than once, or bound as locals somewhere: not tracked.
        let identifiersByName = context.identifiers(named: Set(candidates.map(\.name)))
        for (left, value, kind, name) in candidates {
            var growth: [Node] = []
            var blocked = false
            for occurrence in identifiersByName[name] ?? [] where occurrence != left {
                if value.contains(occurrence) { continue }
                // `obj._cache` and `f(_cache=...)` name something else.
                if let parent = occurrence.parent, (parent.kind == .attribute && occurrence.field == .attribute)
                    || (parent.kind == .keywordArgument && occurrence.field == .name) { continue }
                switch classify(occurrence, name: name, kind: kind, semantics: semantics, folder: folder) {
                case .grow(let site):
                    if LifetimeFacts.enclosingFunction(of: occurrence) != nil { growth.append(site) }
                case .shrink, .escape:
                    blocked = true
                case .read:
                    continue
                }
                if blocked { break }
            }
            growth.removeAll { site in isBoundedDomain(site, tree: tree, folder: folder, sizer: context.sizer) }
            // A dict or set keeps one entry per distinct key: it grows only if the keys are shown to
            // come from unbounded input. Lists and deques add an entry per call whatever they hold.
            if kind != "list" && kind != "deque" {
                growth.removeAll { site in !Self.hasUnboundedKey(site, semantics: semantics) }
            }
            guard !blocked, let first = growth.first, let function = LifetimeFacts.enclosingFunction(of: first) else { continue }
            let functionName = function.child(.name)?.text ?? "a function"
            let line = first.start.line + 1
            let version = context.settings.targetVersion
            let containerModel: CollectionSizes.Container = kind == "list" || kind == "deque" ? .grownList : (kind == "set" ? .set : .dict)
            let estimate = ByteEstimate(
                lowerBytes: CollectionSizes.containerBytes(containerModel, count: 0, version: version), upperBytes: nil,
                version: version, basis: "one \(kind) entry per call to \(functionName)() with new data, plus the keys and values it holds")
            let explanation = HeapExplanation(
                path: [ReferenceStep(from: "module globals", via: "", to: "\(name) (line \(left.start.line + 1))", site: left.range, line: left.start.line + 1),
                       ReferenceStep(from: name, via: "", to: kind),
                       ReferenceStep(from: kind, via: "", to: "entries added in \(functionName)()", site: first.range, line: line)],
                estimate: estimate,
                mechanism: "sys.modules keeps the module and its globals for the whole process, so entries are never freed",
                remedy: "bound it (lru_cache(maxsize=N), deque(maxlen=N), evict old entries) or keep it in an object with a shorter life")
            findings.append(Finding(Self.self, range: left.range,
                message: "Module-level \(kind) `\(name)` only grows: \(functionName)() adds to it (line \(line)) and nothing removes entries, so they live until the process exits",
                explanation: explanation))
        }
        return findings
    }

    private func classify(_ occurrence: Node, name: String, kind: String, semantics: SemanticModel, folder: ConstantFolder) -> Use {
        guard let parent = occurrence.parent else { return .escape }
        // A function that binds the name as a local or parameter, or rebinds the global: not ours.
        if let function = LifetimeFacts.enclosingFunction(of: occurrence) {
            if let parameters = function.child(.parameters), parameters.contains(occurrence) { return .escape }
        }
        switch parent.kind {
        case .globalStatement, .nonlocalStatement:
            return .read
        case .attribute where occurrence.field == .object:
            guard let method = parent.child(.attribute)?.text else { return .escape }
            guard let call = parent.parent, call.kind == .call, parent.field == .function else {
                return .escape
            }
            if LifetimeFacts.growingMethods.contains(method) {
                return isRegistration(call, storing: call.child(.arguments)?.namedChildren.array.last) ? .escape : .grow(call)
            }
            if LifetimeFacts.shrinkingMethods.contains(method) { return .shrink }
            if LifetimeFacts.readingMethods.contains(method) { return .read }
            return .escape
        case .subscript where occurrence.field == .value:
            if parent.child(.subscript)?.kind == .slice { return .shrink }
            if parent.parent?.kind == .deleteStatement || parent.parent?.parent?.kind == .deleteStatement { return .shrink }
            if let assignment = parent.parent, assignment.kind == .assignment, parent.field == .left {
                return isRegistration(assignment, storing: assignment.child(.right)) ? .escape : .grow(assignment)
            }
            if parent.parent?.kind == .augmentedAssignment, parent.field == .left { return .read }
            // Reading a defaultdict inserts the missing key (a `register...` function's store is a registry).
            if kind == "defaultdict", LifetimeFacts.enclosingFunction(of: occurrence) != nil {
                return isRegistration(parent, storing: nil) ? .escape : .grow(parent)
            }
            return .read
        case .augmentedAssignment where occurrence.field == .left:
            return .grow(parent)
        case .assignment where occurrence.field == .left:
            return .shrink // rebound: replaced
        case .comparisonOperator, .forInClause:
            return .read
        case .forStatement where occurrence.field == .right:
            return .read
        case .deleteStatement:
            return .shrink
        case .argumentList:
            guard let call = parent.parent, let function = call.child(.function),
                  let callee = semantics.qualifiedName(of: function), !callee.contains("."), folder.isBuiltin(callee, at: call) else { return .escape }
            if callee == "len" { return .shrink }
            return ["sorted", "list", "tuple", "set", "dict", "print", "repr", "str", "iter", "any", "all", "sum", "min",
                    "max", "enumerate", "zip", "reversed", "bool", "frozenset", "isinstance"].contains(callee) ? .read : .escape
        case .notOperator, .booleanOperator, .ifStatement, .whileStatement, .conditionalExpression:
            return .read
        default:
            return .escape
        }
    }

    /// Whether a growth site can only add a bounded, known set of entries:
    /// - a constant key (`_state["ready"] = True`);
    /// - a key that is the loop variable over a small literal (`for name in _names: _modules[name] = ...`);
    /// - a private function whose key is a parameter and every call in the file passes a literal;
    /// - a private (or `del`eted) function called only at import time (module-level statements).
    private func isBoundedDomain(_ site: Node, tree: SyntaxTree, folder: ConstantFolder, sizer: IterableSizer) -> Bool {
        guard let function = LifetimeFacts.enclosingFunction(of: site), let functionName = function.child(.name)?.text else { return false }
        let key: Node?
        switch site.kind {
        case .assignment: key = site.child(.left)?.child(.subscript)
        case .call:
            let arguments = site.child(.arguments)?.namedChildren.filter { $0.kind != .comment } ?? []
            key = arguments.first
        default: key = nil
        }
        if let key, [.string, .integer, .true, .false, .none].contains(key.kind) { return true }
        // A key drawn from small literal loops (or a tuple of such keys and constants).
        func isSmallLoopKey(_ key: Node) -> Bool {
            if [.string, .integer, .true, .false, .none].contains(key.kind) { return true }
            if key.kind == .tuple || key.kind == .parenthesizedExpression {
                let parts = key.namedChildren.filter { $0.kind != .comment }
                return !parts.isEmpty && parts.allSatisfy { [.identifier, .string, .integer].contains($0.kind) && isSmallLoopKey($0) }
            }
            guard key.kind == .identifier else { return false }
            for loop in key.ancestors where loop.kind == .forStatement && function.contains(loop) {
                if let left = loop.child(.left), ConstantFolder.boundIdentifiers(in: left).contains(key.text),
                   let iterable = loop.child(.right) {
                    let size = sizer.size(of: iterable)
                    if let n = size.upperCount, n <= 256 { return true }
                }
            }
            return false
        }
        if let key, isSmallLoopKey(key) { return true }
        // A decorator factory (`def decorator(func): ...; return inner`) runs once per decorated function.
        let nestedDefinitions = Set(function.descendants.filter { $0.kind == .functionDefinition }.compactMap { $0.child(.name)?.text })
        if function.descendants.contains(where: { $0.kind == .returnStatement && LifetimeFacts.enclosingFunction(of: $0) == function
            && $0.firstNamedChild?.kind == .identifier && nestedDefinitions.contains($0.firstNamedChild?.text ?? "") }) {
            return true
        }
        let calls = tree.nodes(ofKind: .call).filter { $0.child(.function)?.kind == .identifier && $0.child(.function)?.textEquals(functionName) == true }
        guard functionName.hasPrefix("_"), !calls.isEmpty else {
            // A deleted helper (`del _add_method`) was only ever called at import time.
            let deleted = tree.nodes(ofKind: .deleteStatement).contains { $0.descendants(ofKind: .identifier).contains { $0.textEquals(functionName) } }
            return deleted && !calls.isEmpty && calls.allSatisfy { LifetimeFacts.enclosingFunction(of: $0) == nil }
        }
        if calls.allSatisfy({ LifetimeFacts.enclosingFunction(of: $0) == nil }) { return true }
        if let key, key.kind == .identifier, let parameters = function.child(.parameters) {
            let names = parameters.namedChildren.map { p -> String in
                (p.kind == .identifier ? p : (p.child(.name) ?? p.firstNamedChild ?? p)).text
            }
            if let index = names.firstIndex(of: key.text) {
                return calls.allSatisfy { call in
                    let arguments = call.child(.arguments)?.namedChildren.filter { $0.kind != .comment && $0.kind != .keywordArgument } ?? []
                    guard index < arguments.count else { return false }
                    let argument = arguments[index]
                    return [.string, .integer, .concatenatedString].contains(argument.kind) || folder.integerValue(of: argument) != nil
                        || (argument.kind == .identifier && folder.isModuleLiteral(argument.text))
                }
            }
        }
        return false
    }

    /// The key a growth site adds (`_c[key] = v`, `_c[key] += 1`, `_s.add(key)`, a defaultdict read
    /// `_c[key].append(v)`), checked by `CacheKeyDomain`; `update(...)` adds keys heaplint cannot see.
    static func hasUnboundedKey(_ site: Node, semantics: SemanticModel) -> Bool {
        guard let function = LifetimeFacts.enclosingFunction(of: site) else { return false }
        let key: Node?
        switch site.kind {
        case .assignment, .augmentedAssignment: key = site.child(.left)?.child(.subscript)
        case .subscript: key = site.child(.subscript)
        case .call:
            let method = site.child(.function)?.child(.attribute)?.text
            key = method == "update" ? nil : site.child(.arguments)?.namedChildren.first { $0.kind != .comment }
        default: key = nil
        }
        guard let key else { return false }
        return CacheKeyDomain.isUnbounded(key, in: function, semantics: semantics)
    }

    static func isEmptyContainer(_ value: Node) -> Bool {
        switch value.kind {
        case .dictionary, .list, .set: return value.namedChildren.allSatisfy { $0.kind == .comment }
        case .call:
            let arguments = value.child(.arguments)?.namedChildren.filter { $0.kind != .comment } ?? []
            // defaultdict(list) takes a factory; the others must be called with nothing.
            return arguments.isEmpty || (arguments.count == 1 && value.child(.function)?.text.hasSuffix("defaultdict") == true)
        default: return false
        }
    }

    /// `_handlers.append(handler)` / `_registry[name] = cls` storing the function's own parameter, or
    /// any store inside a `register...` function: a registry, bounded by the code that registers.
    private func isRegistration(_ site: Node, storing value: Node?) -> Bool {
        guard let function = LifetimeFacts.enclosingFunction(of: site) else { return true }
        let functionName = function.child(.name)?.text.lowercased() ?? ""
        if functionName.contains("register") || functionName.hasPrefix("add") || functionName.hasPrefix("install") { return true }
        guard let parameters = function.child(.parameters) else { return false }
        let parameterNames = Set(parameters.namedChildren.compactMap { p -> String? in
            (p.kind == .identifier ? p : (p.child(.name) ?? p.firstNamedChild))?.text
        })
        // A decorator (`def internalcode(f): codes.add(f.__code__); return f`) registers what it decorates.
        if function.descendants.contains(where: { $0.kind == .returnStatement && $0.firstNamedChild?.kind == .identifier
            && parameterNames.contains($0.firstNamedChild?.text ?? "") && LifetimeFacts.enclosingFunction(of: $0) == function }) {
            return true
        }
        guard let value, value.kind == .identifier else { return false }
        for parameter in parameters.namedChildren {
            let nameNode = parameter.kind == .identifier ? parameter : (parameter.child(.name) ?? parameter.firstNamedChild)
            if nameNode?.text == value.text { return true }
        }
        return false
    }
}
