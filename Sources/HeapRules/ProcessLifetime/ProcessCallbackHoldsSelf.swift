import HeapModel
import HeapSemantics
import HeapSyntax

/// HL405: `atexit.register(self.m)` / `signal.signal(sig, self.m)` in a method: the process-wide
/// registry holds the bound method, and through it `self`, until exit.
public struct ProcessCallbackHoldsSelf: Rule {
    public static let metadata = RuleMetadata(
        code: "HL405", name: "process-callback-holds-self", family: .processLifetime, status: .stable,
        severity: .warning, fix: .never,
        summary: "atexit/signal registration of a bound method keeps the instance alive until exit.",
        doc: RuleDoc(
            whatItFinds: """
            Inside a method, `atexit.register(self.m, ...)`, `signal.signal(sig, self.m)`, or the same with \
            a lambda or `functools.partial` that uses `self`, unless the class also calls \
            `atexit.unregister` or restores the signal handler, or the class is a provable singleton \
            (instantiated once at module level).
            """,
            whyItMatters: """
            A bound method holds `__self__`, the instance. `atexit` keeps its callbacks in an \
            interpreter-wide list, and `signal.signal` stores the handler in the interpreter's handler \
            table, both for the rest of the process. The instance, and everything it references, can \
            therefore never be freed, even after the program drops every other reference; each new \
            instance adds another.
            """,
            example: """
            ```python
            class TempDir:
                def __init__(self):
                    self.path = tempfile.mkdtemp()
                    atexit.register(self.cleanup)
            ```
            """,
            useInstead: """
            Register a function that holds only what it needs (`atexit.register(shutil.rmtree, path)`), \
            use `weakref.finalize(self, shutil.rmtree, path)` (which also runs at exit and does not keep \
            `self` alive), or call `atexit.unregister` when the object is closed.
            """,
            whenItsFine: """
            Singletons (a class instantiated once, at module level), `self.m` naming a classmethod or \
            staticmethod (it binds the class, not the instance), classes that call `atexit.unregister` \
            or reset the signal handler, and registrations of plain functions or static values.
            """,
            references: [
                "https://docs.python.org/3/library/atexit.html",
                "https://docs.python.org/3/library/weakref.html#weakref.finalize",
                "https://docs.python.org/3/library/signal.html#signal.signal",
            ]),
        examples: [
            .triggering("""
            import atexit
            import tempfile

            class TempDir:
                def __init__(self):
                    self.path = tempfile.mkdtemp()
                    ↓atexit.register(self.cleanup)
            """, oracle: .run("""
                import shutil
                TempDir.cleanup = lambda self: None
                for _ in range(n):
                    shutil.rmtree(TempDir().path)
                """)),
            .triggering("""
            import signal

            class Worker:
                def start(self):
                    ↓signal.signal(signal.SIGTERM, self.stop)
            """, oracle: .run("""
                Worker.stop = lambda self, signum, frame: None
                for _ in range(n):
                    Worker().start()
                """)),
            .triggering("""
            from atexit import register

            class Cache:
                def __init__(self, path):
                    self.path = path
                    ↓register(self.flush, True)
            """, oracle: .run("""
                Cache.flush = lambda self, force: None
                for i in range(n):
                    Cache(f"cache-{i}")
                """)),
            .triggering("""
            import atexit

            class Pool:
                def __init__(self):
                    ↓atexit.register(lambda: self.shutdown(wait=False))
            """, oracle: .run("""
                Pool.shutdown = lambda self, wait=True: None
                for _ in range(n):
                    Pool()
                """)),
            .triggering("""
            import atexit
            import functools

            class Db:
                def open(self):
                    ↓atexit.register(functools.partial(self.close, force=True))
            """, oracle: .run("""
                Db.close = lambda self, force=False: None
                for _ in range(n):
                    Db().open()
                """)),
            .triggering("""
            import signal as sig

            class Reloader:
                def install(self):
                    ↓sig.signal(sig.SIGHUP, self.reload)
            """, oracle: .run("""
                Reloader.reload = lambda self, signum, frame: None
                for _ in range(n):
                    Reloader().install()
                """)),
            .nonTriggering("""
            import atexit
            import shutil
            import tempfile

            class TempDir:
                def __init__(self):
                    self.path = tempfile.mkdtemp()
                    atexit.register(shutil.rmtree, self.path)
            """, oracle: .run("""
                for _ in range(n):
                    shutil.rmtree(TempDir().path)
                """)),
            .nonTriggering("""
            import weakref
            import shutil

            class TempDir:
                def __init__(self, path):
                    self._finalizer = weakref.finalize(self, shutil.rmtree, path)
            """, oracle: .run("""
                import tempfile
                for _ in range(n):
                    TempDir(tempfile.mkdtemp())
                """)),
            .nonTriggering("""
            import atexit

            class Pool:
                def __init__(self):
                    atexit.register(self.shutdown)

                def shutdown(self):
                    atexit.unregister(self.shutdown)
            """, oracle: .run("""
                for _ in range(n):
                    Pool().shutdown()
                """)),
            .nonTriggering("""
            import atexit

            class App:
                def __init__(self):
                    atexit.register(self.save)

                def save(self):
                    pass

            app = App()
            """, oracle: .run()),
            .nonTriggering("""
            import signal

            class Worker:
                def start(self):
                    self._old = signal.signal(signal.SIGTERM, self.stop)

                def close(self):
                    signal.signal(signal.SIGTERM, self._old)
            """, oracle: .run("""
                Worker.stop = lambda self, signum, frame: None
                for _ in range(n):
                    worker = Worker()
                    worker.start()
                    worker.close()
                """)),
            .nonTriggering("""
            import atexit

            class finalize:
                _registered = False

                def __init__(self, obj):
                    if not finalize._registered:
                        atexit.register(self._exitfunc)
                        finalize._registered = True

                @classmethod
                def _exitfunc(cls):
                    pass
            """, oracle: .run("""
                for _ in range(n):
                    finalize(object())
                """)),
            .nonTriggering("""
            import atexit

            def flush_all():
                pass

            atexit.register(flush_all)
            """, oracle: .run()),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let semantics = context.semantics
        let version = context.settings.targetVersion
        var findings: [Finding] = []
        for call in context.tree.nodes(ofKind: .call) {
            guard let callee = call.child(.function), let name = semantics.qualifiedName(of: callee),
                  name == "atexit.register" || name == "signal.signal",
                  let function = LifetimeFacts.enclosingFunction(of: call), let owner = LifetimeFacts.owningClass(of: function),
                  let selfName = LifetimeFacts.firstParameter(of: function), selfName != "cls" else { continue }
            let arguments = call.child(.arguments)?.namedChildren.filter { $0.kind != .comment && $0.kind != .keywordArgument } ?? []
            let index = name == "atexit.register" ? 0 : 1
            guard index < arguments.count, Self.holdsSelf(arguments[index], selfName: selfName, semantics: semantics) else { continue }
            if (LifetimeFacts.isProvableSingleton(owner, tree: context.tree) || LifetimeFacts.isInstantiatedOnlyAtImport(owner, tree: context.tree)) { continue }
            // `self._exitfunc` naming a classmethod or staticmethod binds the class, not the instance.
            if Self.namesClassLevelMethod(arguments[index], in: owner, semantics: semantics) { continue }
            // The class undoes the registration somewhere.
            let undoes = owner.descendants.contains { node in
                guard node.kind == .call, node != call, let f = node.child(.function), let n = semantics.qualifiedName(of: f) else { return false }
                return name == "atexit.register" ? n == "atexit.unregister" : n == "signal.signal"
            }
            if undoes { continue }
            let className = owner.child(.name)?.text ?? "class"
            let registry = name == "atexit.register" ? "atexit callback list" : "signal handler table"
            let line = call.start.line + 1
            let explanation = HeapExplanation(
                path: [ReferenceStep(from: "interpreter", via: "", to: registry),
                       ReferenceStep(from: registry, via: "", to: "bound method \(Self.short(arguments[index].text))", site: call.range, line: line),
                       ReferenceStep(from: "bound method", via: "__self__", to: "\(className) instance")],
                estimate: ByteEstimate(lowerBytes: 48 + CollectionSizes.instanceBytes(version: version), upperBytes: nil, version: version,
                                       basis: "one \(className) instance per registration, with everything it references"),
                mechanism: "the registry lives until interpreter shutdown, and a bound method keeps its instance alive",
                remedy: "register a plain function with only the data it needs, or use weakref.finalize(self, ...)")
            findings.append(Finding(Self.self, range: call.range,
                message: "`\(name)()` stores a callable holding `\(selfName)`, so every `\(className)` instance registered here stays alive until the process exits",
                explanation: explanation))
        }
        return findings
    }

    /// A bound method of `self`, a lambda using `self`, or `partial(self.m, ...)`.
    static func holdsSelf(_ callable: Node, selfName: String, semantics: SemanticModel, depth: Int = 0) -> Bool {
        guard depth < 8 else { return false }
        switch callable.kind {
        case .attribute:
            return callable.child(.object)?.kind == .identifier && callable.child(.object)?.text == selfName
        case .lambda:
            return callable.descendants.contains { $0.kind == .identifier && $0.text == selfName && $0.parent?.kind != .keywordArgument }
        case .call:
            guard let f = callable.child(.function), semantics.resolves(f, to: "functools.partial"),
                  let first = callable.child(.arguments)?.namedChildren.first(where: { $0.kind != .comment }) else { return false }
            return holdsSelf(first, selfName: selfName, semantics: semantics, depth: depth + 1)
        default:
            return false
        }
    }

    static func namesClassLevelMethod(_ callable: Node, in owner: Node, semantics: SemanticModel) -> Bool {
        guard callable.kind == .attribute, let method = callable.child(.attribute)?.text, let body = owner.child(.body) else { return false }
        for statement in body.namedChildren where statement.kind == .decoratedDefinition {
            guard let definition = statement.child(.definition), definition.child(.name)?.text == method else { continue }
            return LifetimeFacts.decorators(of: definition).contains { semantics.resolves($0, to: "classmethod", "staticmethod") }
        }
        return false
    }

    static func short(_ text: String) -> String { text.count > 40 ? String(text.prefix(37)) + "..." : text }
}
