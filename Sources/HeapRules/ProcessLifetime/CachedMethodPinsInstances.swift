import HeapModel
import HeapSemantics
import HeapSyntax

/// HL402: `functools.lru_cache` / `functools.cache` (or `async_lru.alru_cache`) on an instance method.
public struct CachedMethodPinsInstances: Rule {
    public static let metadata = RuleMetadata(
        code: "HL402", name: "cached-method-pins-instances", family: .processLifetime, status: .stable,
        severity: .warning, fix: .never,
        summary: "lru_cache/cache on a method keeps every instance it was called on alive.",
        doc: RuleDoc(
            whatItFinds: """
            An instance method decorated with `functools.lru_cache`, `functools.cache` or \
            `async_lru.alru_cache`, however imported (`import functools as ft; @ft.lru_cache`). Unbounded \
            caches (`cache`, `lru_cache(maxsize=None)`) are warnings; bounded ones are reported with \
            severity info, because they still pin up to `maxsize` instances.
            """,
            whyItMatters: """
            The cache lives on the function object, which lives on the class, which lives as long as its \
            module: for the whole process. Each call stores a key tuple holding the arguments, and for a \
            method the first argument is `self`. While the entry stays, the instance's reference count \
            never reaches zero, so the instance, its `__dict__` and everything it references stay in \
            memory after the program has dropped it; with an unbounded cache, forever.
            """,
            example: """
            ```python
            class Report:
                @functools.cache
                def totals(self):
                    return summarize(self.rows)
            ```
            """,
            useInstead: """
            `functools.cached_property` stores the value in the instance's own `__dict__`, so it dies with \
            the instance. For methods with arguments, keep a per-instance cache \
            (`self._totals = {}` in `__init__`, or wrap a bound method with `lru_cache` in `__init__`: \
            `self.totals = functools.lru_cache(maxsize=64)(self._totals)`), which is a cycle the collector \
            frees with the instance.
            """,
            whenItsFine: """
            Static and class methods (no instance in the key), methods of enum classes (members live for \
            the process anyway), and classes instantiated exactly once at module level in this file \
            (a provable singleton) or only by module-level statements (a fixed set of constants). On an \
            immutable value class (a `NamedTuple`, a frozen dataclass, a class defining `__hash__` with \
            `__eq__` or `__slots__`, itself or through a base in the same file: rich's `Style`), equal \
            instances share entries, which is the point of the cache: a bounded cache there (`lru_cache(maxsize=1024)`) \
            holds at most that many values, like a plain cached function taking the value, and is shown only with \
            `--preview`; an unbounded one is reported as an info note. A plain function with `lru_cache` is not a method and not reported here.
            """,
            references: [
                "https://docs.python.org/3/library/functools.html#functools.lru_cache",
                "https://docs.python.org/3/faq/programming.html#how-do-i-cache-method-calls",
                "https://docs.astral.sh/ruff/rules/cached-instance-method/",
            ]),
        examples: [
            .triggering("""
            import functools

            class Report:
                def __init__(self, rows):
                    self.rows = rows

                ↓@functools.cache
                def totals(self):
                    return sum(r.amount for r in self.rows)
            """, oracle: .run("""
                import types
                for _ in range(n):
                    Report([types.SimpleNamespace(amount=1)]).totals()
                """)),
            .triggering("""
            from functools import lru_cache

            class Shape:
                ↓@lru_cache(maxsize=None)
                def area(self, scale):
                    return self.w * self.h * scale
            """, oracle: .run("""
                for _ in range(n):
                    shape = Shape()
                    shape.w, shape.h = 2, 3
                    shape.area(1)
                """)),
            .triggering("""
            import functools as ft

            class Client:
                ↓@ft.lru_cache
                def fetch(self, url):
                    return self.session.get(url).text
            """, oracle: .run("""
                import types
                for _ in range(n):
                    client = Client()
                    client.session = types.SimpleNamespace(get=lambda url: types.SimpleNamespace(text=url))
                    client.fetch("/")
                """)),
            .triggering("""
            from functools import lru_cache

            class Tokenizer:
                ↓@lru_cache(maxsize=1024)
                def encode(self, word):
                    return [self.vocab[c] for c in word]
            """, oracle: .run("""
                for _ in range(n):
                    tokenizer = Tokenizer()
                    tokenizer.vocab = {"a": 1}
                    tokenizer.encode("aa")
                """)),
            .triggering("""
            from async_lru import alru_cache

            class Api:
                ↓@alru_cache(maxsize=None)
                async def user(self, user_id):
                    return await self.http.get(f"/users/{user_id}")
            """, oracle: .unconfirmable("needs the async_lru package, which the test venv does not install")),
            .triggering("""
            import functools

            class Node:
                @property
                ↓@functools.lru_cache(None)
                def depth(self):
                    return 0 if self.parent is None else self.parent.depth + 1

            nodes = [Node() for _ in range(3)]
            """, oracle: .run("""
                for _ in range(n):
                    node = Node()
                    node.parent = None
                    node.depth
                """)),
            // A bounded cache on an immutable value class: at most 1024 values, equal instances share
            // entries (shown only with --preview).
            .nonTriggering("""
            import functools
            from typing import NamedTuple

            class Region(NamedTuple):
                x: int
                y: int
                width: int
                height: int

                @functools.lru_cache(maxsize=1024)
                def grow(self, margin):
                    return Region(self.x - margin, self.y - margin, self.width + 2 * margin, self.height + 2 * margin)

            regions = [Region(i, i, 10, 10).grow(1) for i in range(100)]
            """, oracle: .unconfirmable("""
                the cache does hold Region values, up to its 1,024 entries, shared by equal values: what makes it \
                fine is that bound, which a count of instances still alive cannot tell from a leak
                """)),
            .nonTriggering("""
            import functools

            @functools.lru_cache(maxsize=None)
            def fib(n):
                return n if n < 2 else fib(n - 1) + fib(n - 2)
            """, oracle: .run("fib(30)")),
            .nonTriggering("""
            import functools

            class Units:
                @staticmethod
                @functools.cache
                def factor(name):
                    return TABLE[name]
            """, oracle: .run("""
                for _ in range(n):
                    Units().factor("m")
                """, prelude: "TABLE = {'m': 1}")),
            .nonTriggering("""
            import functools

            class Parser:
                @classmethod
                @functools.lru_cache(maxsize=None)
                def grammar(cls):
                    return load_grammar(cls.__name__)
            """, oracle: .run("""
                for _ in range(n):
                    Parser().grammar()
                """, prelude: "def load_grammar(name): return [name]")),
            .nonTriggering("""
            import enum
            import functools

            class Color(enum.Enum):
                RED = 1
                GREEN = 2

                @functools.cache
                def hex(self):
                    return "#%06x" % self.value
            """, oracle: .run("""
                for _ in range(n):
                    Color.RED.hex()
                    Color.GREEN.hex()
                """)),
            .nonTriggering("""
            import functools

            class Settings:
                @functools.cache
                def path(self, name):
                    return self.root / name

            settings = Settings()
            """, oracle: .run("""
                import pathlib
                settings.root = pathlib.PurePosixPath("/srv")
                for i in range(n):
                    settings.path(f"file-{i}")
                """)),
            .nonTriggering("""
            import functools

            class Report:
                @functools.cached_property
                def totals(self):
                    return sum(self.rows)
            """, oracle: .run("""
                for _ in range(n):
                    report = Report()
                    report.rows = [1, 2]
                    report.totals
                """)),
            .nonTriggering("""
            import functools

            class Report:
                def __init__(self):
                    self.totals = functools.lru_cache(maxsize=16)(self._totals)

                def _totals(self, year):
                    return year
            """, oracle: .run("""
                for _ in range(n):
                    Report().totals(2024)
                """)),
        ])

    public init() {}

    static let cacheDecorators: Set<String> = ["functools.lru_cache", "functools.cache", "async_lru.alru_cache"]

    public func check(_ context: AnalysisContext) -> [Finding] {
        let semantics = context.semantics
        let version = context.settings.targetVersion
        var findings: [Finding] = []
        for function in context.tree.nodes(ofKind: .functionDefinition) {
            let decorators = LifetimeFacts.decorators(of: function)
            guard !decorators.isEmpty, let owner = LifetimeFacts.owningClass(of: function),
                  let selfName = LifetimeFacts.firstParameter(of: function) else { continue }
            if decorators.contains(where: { semantics.resolves($0, to: "staticmethod", "classmethod", "builtins.staticmethod", "builtins.classmethod") }) { continue }
            if selfName == "cls" || selfName == "mcs" || selfName == "metacls" { continue }
            for decorator in decorators {
                let callee = decorator.kind == .call ? decorator.child(.function) : decorator
                guard let callee, let name = semantics.qualifiedName(of: callee), Self.cacheDecorators.contains(name) else { continue }
                // Whole-file scans, so only once a cache decorator is found.
                if LifetimeFacts.isEnumClass(owner, semantics: semantics) || LifetimeFacts.isProvableSingleton(owner, tree: context.tree)
                    || LifetimeFacts.isInstantiatedOnlyAtImport(owner, tree: context.tree) { break }
                let bound = Self.maxsize(of: decorator, name: name)
                // A bounded cache on a method of an immutable value class (hashable by value: textual's
                // `Region`, `Color`) keys its entries by the value, so it is a cache of at most `maxsize`
                // values, like a module-level `lru_cache` function taking the value as its argument (not
                // reported either): the instances it keeps are equal to ones the program still uses, and the
                // LRU eviction bounds them. Not a default finding; `--preview` still shows it as a note.
                // An unbounded cache on a value class still grows with every distinct value: reported.
                if bound != nil, !context.settings.preview, Self.isValueClass(owner, semantics: semantics) { break }
                let className = owner.child(.name)?.text ?? "class"
                let methodName = function.child(.name)?.text ?? "method"
                let shortName = name.split(separator: ".").last.map(String.init) ?? name
                let perEntry = CollectionSizes.cacheEntryBytes(version: version) + CollectionSizes.instanceBytes(version: version)
                let estimate: ByteEstimate
                let message: String
                var severity: Severity
                if let bound {
                    let (total, overflow) = perEntry.multipliedReportingOverflow(by: bound)
                    estimate = ByteEstimate(lowerBytes: perEntry, upperBytes: overflow ? nil : total, version: version,
                                            basis: "up to \(CollectionSizes.formatCount(bound)) cache entries, each pinning a \(className) instance (plus its attributes)")
                    message = "`\(shortName)(maxsize=\(bound))` on method `\(methodName)` keeps up to \(CollectionSizes.formatCount(bound)) `\(className)` instances (and the arguments) alive after the program drops them; use cached_property or a per-instance cache"
                    severity = .info
                } else {
                    estimate = ByteEstimate(lowerBytes: perEntry, upperBytes: nil, version: version,
                                            basis: "one cache entry per distinct (self, arguments), each pinning a \(className) instance (plus its attributes)")
                    message = "Unbounded `\(shortName)` on method `\(methodName)` keeps every `\(className)` instance it is called on (and the arguments) alive until the process exits; use cached_property or a per-instance cache"
                    severity = .warning
                }
                var notePrefix = ""
                if Self.isValueClass(owner, semantics: semantics) {
                    // Equal values share one entry: for an immutable value class (rich's `Style`, `Color`)
                    // that sharing is the point of the cache, and the instances kept are values the
                    // program interns anyway. Still true, so still said, but as a note.
                    severity = .info
                    notePrefix = "`\(className)` is an immutable value class (hashable by value), so equal instances share entries, which is likely the intent; still, "
                }
                let line = decorator.start.line + 1
                let explanation = HeapExplanation(
                    path: [ReferenceStep(from: "module globals", via: className, to: "class \(className)"),
                           ReferenceStep(from: "class \(className)", via: methodName, to: "\(shortName) wrapper", site: decorator.range, line: line),
                           ReferenceStep(from: "\(shortName) wrapper", via: "", to: "cache dict"),
                           ReferenceStep(from: "cache dict", via: "", to: "key tuple"),
                           ReferenceStep(from: "key tuple", via: "", to: "\(selfName) (\(className) instance)")],
                    estimate: estimate,
                    mechanism: "the cache belongs to the class's function object, which lives as long as the module; its keys hold strong references to self",
                    remedy: "use functools.cached_property, or build a per-instance cache in __init__")
                let start = decorator.parent?.range.start ?? decorator.range.start
                findings.append(Finding(Self.self, range: SourceRange(start: start, end: decorator.range.end),
                                        message: notePrefix.isEmpty ? message : notePrefix + message.prefix(1).lowercased() + message.dropFirst(), explanation: explanation, severity: severity))
            }
        }
        return findings
    }

    /// A class whose instances are values: a `NamedTuple`/`tuple` subclass, a frozen dataclass, or a
    /// class that defines `__hash__` by value (with `__eq__` or `__slots__`).
    static func isValueClass(_ owner: Node, semantics: SemanticModel, depth: Int = 0) -> Bool {
        if definesValueSemantics(owner, semantics: semantics) { return true }
        // `__hash__` inherited from a base class of the same file (ipaddress's `_BaseAddress`).
        guard depth < 4, let bases = owner.child(.superclasses) else { return false }
        for base in bases.namedChildren where base.kind == .identifier {
            let definition = owner.tree.nodes(ofKind: .classDefinition).first { $0.child(.name)?.text == base.text }
            if let definition, definition != owner, isValueClass(definition, semantics: semantics, depth: depth + 1) { return true }
        }
        return false
    }

    private static func definesValueSemantics(_ owner: Node, semantics: SemanticModel) -> Bool {
        if let bases = owner.child(.superclasses) {
            for base in bases.namedChildren {
                let name = semantics.qualifiedName(of: base) ?? base.text
                if ["typing.NamedTuple", "NamedTuple", "tuple", "builtins.tuple"].contains(name) { return true }
                if base.kind == .call, let callee = base.child(.function),
                   ["collections.namedtuple", "typing.NamedTuple"].contains(semantics.qualifiedName(of: callee) ?? "") { return true }
            }
        }
        for decorator in LifetimeFacts.decorators(of: owner) where decorator.kind == .call {
            if let callee = decorator.child(.function), (semantics.qualifiedName(of: callee) ?? "").hasSuffix("dataclass"),
               decorator.child(.arguments)?.namedChildren.contains(where: { $0.kind == .keywordArgument
                   && $0.child(.name)?.text == "frozen" && $0.child(.value)?.kind == .true }) == true { return true }
        }
        guard let body = owner.child(.body) else { return false }
        var names: Set<String> = []
        for statement in body.namedChildren {
            let definition = statement.kind == .decoratedDefinition ? statement.child(.definition) : statement
            if definition?.kind == .functionDefinition, let name = definition?.child(.name)?.text { names.insert(name) }
            if statement.kind == .expressionStatement, let assignment = statement.firstNamedChild, assignment.kind == .assignment,
               let left = assignment.child(.left)?.text {
                if left == "__hash__" { return false } // `__hash__ = None`: unhashable, or an alias we cannot judge
                names.insert(left)
            }
        }
        return names.contains("__hash__") && (names.contains("__eq__") || names.contains("__slots__"))
    }

    /// The cache's bound: nil for unbounded (`cache`, `maxsize=None`, `lru_cache(None)`); 128 by
    /// default for `lru_cache` / `lru_cache()`.
    static func maxsize(of decorator: Node, name: String) -> Int? {
        if name == "functools.cache" { return nil }
        guard decorator.kind == .call, let arguments = decorator.child(.arguments) else { return 128 }
        let named = arguments.namedChildren.filter { $0.kind != .comment }
        var value: Node?
        for argument in named {
            if argument.kind == .keywordArgument {
                if argument.child(.name)?.text == "maxsize" { value = argument.child(.value) }
            } else if value == nil {
                value = argument
            }
        }
        guard let value else { return 128 }
        if value.kind == .none { return nil }
        if value.kind == .integer, let n = Int(value.text.filter { $0 != "_" }) { return n }
        // A callable passed directly (`@lru_cache` applied as `lru_cache(func)`) or an expression.
        return 128
    }
}
