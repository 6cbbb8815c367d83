import HeapModel
import HeapSemantics
import HeapSyntax

/// HL403: a method stores `self` in a class-level or module-level collection that nothing empties.
public struct InstanceRegistry: Rule {
    public static let metadata = RuleMetadata(
        code: "HL403", name: "instance-registry", family: .processLifetime, status: .stable,
        severity: .warning, fix: .never,
        summary: "Instances register themselves in a class- or module-level collection that keeps them alive.",
        doc: RuleDoc(
            whatItFinds: """
            A method that stores `self` in a collection shared by the process: a class attribute \
            (`Widget.instances.append(self)`, `type(self).registry[key] = self`, `self.all.add(self)` when \
            `all` is defined in the class body and never assigned on the instance) or a module-level \
            collection (`_instances[id(self)] = self`), when that collection is a plain list, dict or set \
            and nothing in the file removes from it or clears it.
            """,
            whyItMatters: """
            The class object lives in its module's globals for the whole process, and so does a \
            module-level collection. A strong reference from there to each instance means no instance \
            ever reaches a reference count of zero: every object ever created stays, with its `__dict__` \
            and everything it references, until the interpreter exits. The collector cannot help, \
            because the instances are reachable, not garbage.
            """,
            example: """
            ```python
            class Connection:
                open_connections = []

                def __init__(self, host):
                    self.host = host
                    Connection.open_connections.append(self)
            ```
            """,
            useInstead: """
            `weakref.WeakSet()` or `weakref.WeakValueDictionary()` for the registry: entries disappear when \
            the instance is otherwise unreachable. Or remove the instance explicitly in `close()`.
            """,
            whenItsFine: """
            Classes instantiated only by module-level statements (a fixed set of constants, as in \
            `REACHABLE = Status(True)`), weak containers, registries that are cleared or have entries removed anywhere in the file \
            (`remove`, `discard`, `pop`, `clear`, `del`) or replaced by a function (`global _registry; \
            _registry = {}`, which frees the old one and its instances), and stores of something other than `self` \
            (`weakref.ref(self)`, `self.name`).
            """,
            references: [
                "https://docs.python.org/3/library/weakref.html#weakref.WeakSet",
                "https://docs.python.org/3/library/weakref.html#weakref.WeakValueDictionary",
            ]),
        examples: [
            .triggering("""
            class Connection:
                open_connections = []

                def __init__(self, host):
                    self.host = host
                    ↓Connection.open_connections.append(self)
            """, oracle: .run("""
                for i in range(n):
                    Connection(f"host-{i}")
                """)),
            .triggering("""
            _instances = {}

            class Model:
                def __init__(self, name):
                    self.name = name
                    ↓_instances[id(self)] = self
            """, oracle: .run("""
                for i in range(n):
                    Model(f"model-{i}")
                """)),
            .triggering("""
            class Plugin:
                registry = set()

                def activate(self):
                    ↓type(self).registry.add(self)
            """, oracle: .run("""
                for _ in range(n):
                    Plugin().activate()
                """)),
            .triggering("""
            class Widget:
                every = []

                def __init__(self, parent):
                    self.parent = parent
                    ↓self.every.append(self)
            """, oracle: .run("""
                for _ in range(n):
                    Widget(None)
                """)),
            .triggering("""
            class Session:
                by_token = {}

                def __init__(self, token):
                    self.token = token
                    ↓self.__class__.by_token[token] = self
            """, oracle: .run("""
                for i in range(n):
                    Session(f"token-{i}")
                """)),
            .triggering("""
            import collections

            _live = collections.OrderedDict()

            class Job:
                def start(self):
                    ↓_live.setdefault(self.job_id, self)
            """, oracle: .run("""
                for i in range(n):
                    job = Job()
                    job.job_id = i
                    job.start()
                """)),
            .nonTriggering("""
            import weakref

            class Connection:
                open_connections = weakref.WeakSet()

                def __init__(self, host):
                    Connection.open_connections.add(self)
            """, oracle: .run("""
                for i in range(n):
                    Connection(f"host-{i}")
                """)),
            .nonTriggering("""
            class Connection:
                open_connections = []

                def __init__(self, host):
                    Connection.open_connections.append(self)

                def close(self):
                    Connection.open_connections.remove(self)
            """, oracle: .run("""
                for i in range(n):
                    Connection(f"host-{i}").close()
                """)),
            .nonTriggering("""
            import weakref

            _instances = weakref.WeakValueDictionary()

            class Model:
                def __init__(self, name):
                    _instances[name] = self
            """, oracle: .run("""
                for i in range(n):
                    Model(f"model-{i}")
                """)),
            .nonTriggering("""
            import weakref

            class Node:
                all_nodes = []

                def __init__(self):
                    Node.all_nodes.append(weakref.ref(self))
            """, oracle: .run("""
                for _ in range(n):
                    Node()
                """)),
            .nonTriggering("""
            class Widget:
                def __init__(self):
                    self.children = []
                    self.children.append(self.make_child())
            """, oracle: .run("""
                Widget.make_child = lambda self: object()
                for _ in range(n):
                    Widget()
                """)),
            .nonTriggering("""
            class Tracker:
                seen = []

                def __init__(self):
                    self.seen = []
                    self.seen.append(self)
            """, oracle: .run("""
                for _ in range(n):
                    Tracker()
                """)),
            .nonTriggering("""
            class Status:
                lookup = {}

                def __init__(self, value, name):
                    self.value = value
                    Status.lookup[value] = self

            REACHABLE = Status(True, "reachable")
            UNREACHABLE = Status(False, "unreachable")
            """, oracle: .run()),
            .nonTriggering("""
            _instances = {}

            class Model:
                def __init__(self, name):
                    _instances[name] = self

            def reset():
                _instances.clear()
            """, oracle: .run("""
                for i in range(n):
                    Model(f"model-{i}")
                reset()
                """)),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let tree = context.tree
        let semantics = context.semantics
        let folder = context.folder
        let version = context.settings.targetVersion
        // Attribute names and module names that lose entries somewhere in the file.
        var emptied: Set<String> = []
        for node in tree.nodes(ofKinds: .call, .deleteStatement) {
            if node.kind == .call, let function = node.child(.function), function.kind == .attribute,
               let method = function.child(.attribute)?.text, LifetimeFacts.shrinkingMethods.contains(method),
               let receiver = function.child(.object) {
                emptied.insert(Self.lastName(receiver))
            } else if node.kind == .deleteStatement {
                for target in node.descendants(ofKind: .subscript) {
                    if let value = target.child(.value) { emptied.insert(Self.lastName(value)) }
                }
            }
        }
        // `global _registry; _registry = {}` in a function replaces the collection: the old one and
        // the instances in it are freed when the reset runs (twisted's `versionedsToUpgrade`).
        for statement in tree.nodes(ofKind: .globalStatement) {
            guard let function = LifetimeFacts.enclosingFunction(of: statement) else { continue }
            let declared = Set(statement.namedChildren.filter { $0.kind == .identifier }.map(\.text))
            for node in function.descendants where node.kind == .assignment {
                if let left = node.child(.left), left.kind == .identifier, declared.contains(left.text),
                   LifetimeFacts.enclosingFunction(of: node) == function {
                    emptied.insert(left.text)
                }
            }
        }
        var findings: [Finding] = []
        for function in tree.nodes(ofKind: .functionDefinition) {
            guard let owner = LifetimeFacts.owningClass(of: function), let selfName = LifetimeFacts.firstParameter(of: function),
                  selfName != "cls", !LifetimeFacts.decorators(of: function).contains(where: { semantics.resolves($0, to: "staticmethod", "classmethod") })
            else { continue }
            let className = owner.child(.name)?.text ?? "class"
            for node in function.descendants where node.kind == .call || node.kind == .assignment {
                var container: Node?
                var site = node
                if node.kind == .call, let callee = node.child(.function), callee.kind == .attribute,
                   let method = callee.child(.attribute)?.text, ["append", "add", "insert", "appendleft", "setdefault", "__setitem__"].contains(method),
                   let last = node.child(.arguments)?.namedChildren.array.last(where: { $0.kind != .comment }),
                   last.kind == .identifier, last.text == selfName {
                    container = callee.child(.object)
                } else if node.kind == .assignment, let left = node.child(.left), left.kind == .subscript,
                          let right = node.child(.right), right.kind == .identifier, right.text == selfName {
                    container = left.child(.value)
                    site = node
                }
                // Checked only for candidate stores: walking every node's ancestors made this rule
                // quadratic in nesting depth (a fuzzed file with 5,000 nested brackets took minutes).
                guard let container, LifetimeFacts.enclosingFunction(of: node) == function,
                      let registry = registry(container, selfName: selfName, owner: owner, tree: tree,
                                                             semantics: semantics, folder: folder) else { continue }
                if emptied.contains(registry.attributeName) { continue }
                // Instances created only by module-level statements are a fixed set (enum-like constants).
                if LifetimeFacts.isInstantiatedOnlyAtImport(owner, tree: tree) { continue }
                let line = site.start.line + 1
                let explanation = HeapExplanation(
                    path: [ReferenceStep(from: registry.holder, via: "", to: "\(registry.display) (line \(registry.definitionLine))"),
                           ReferenceStep(from: registry.display, via: "", to: registry.kind),
                           ReferenceStep(from: registry.kind, via: "", to: "\(className) instance", site: site.range, line: line)],
                    estimate: ByteEstimate(lowerBytes: CollectionSizes.instanceBytes(version: version), upperBytes: nil, version: version,
                                           basis: "every \(className) instance ever stored, with its __dict__ and what it references"),
                    mechanism: "the registry is reachable from \(registry.holder) for the whole process, so the instances' reference counts never reach zero",
                    remedy: "use weakref.WeakSet / weakref.WeakValueDictionary, or remove the instance when it is closed")
                findings.append(Finding(Self.self, range: site.range,
                    message: "`\(registry.display)` is a \(registry.scope) \(registry.kind) that keeps every `\(className)` instance stored here alive until the process exits; nothing removes them",
                    explanation: explanation))
            }
        }
        return findings
    }

    struct Registry {
        let display: String
        let attributeName: String
        let kind: String
        let scope: String
        let holder: String
        let definitionLine: Int
    }

    /// Resolves the container expression to a class-level or module-level strong collection.
    private func registry(_ container: Node, selfName: String, owner: Node, tree: SyntaxTree,
                          semantics: SemanticModel, folder: ConstantFolder) -> Registry? {
        let className = owner.child(.name)?.text ?? ""
        if container.kind == .identifier {
            let name = container.text
            // A local (assigned in this function) is not the module's.
            if let function = LifetimeFacts.enclosingFunction(of: container),
               function.descendants.contains(where: { $0.kind == .assignment && $0.child(.left)?.kind == .identifier && $0.child(.left)?.text == name }) {
                return nil
            }
            let assignments = LifetimeFacts.moduleAssignments(of: name, tree: tree)
            guard assignments.count == 1, let value = assignments[0].child(.right),
                  let kind = LifetimeFacts.containerKind(of: value, semantics: semantics, folder: folder) else { return nil }
            return Registry(display: name, attributeName: name, kind: kind, scope: "module-level", holder: "module globals",
                            definitionLine: assignments[0].start.line + 1)
        }
        guard container.kind == .attribute, let attribute = container.child(.attribute)?.text,
              let object = container.child(.object) else { return nil }
        let objectText = object.text
        let viaClass = objectText == className || objectText == "type(\(selfName))" || objectText == "\(selfName).__class__"
        let viaSelf = objectText == selfName
        guard viaClass || viaSelf else { return nil }
        // The attribute must be defined in the class body as a plain collection.
        guard let body = owner.child(.body) else { return nil }
        var definition: Node?
        for statement in body.namedChildren where statement.kind == .expressionStatement {
            if let assignment = statement.firstNamedChild, assignment.kind == .assignment,
               assignment.child(.left)?.text == attribute { definition = assignment }
        }
        guard let definition, let value = definition.child(.right),
              let kind = LifetimeFacts.containerKind(of: value, semantics: semantics, folder: folder) else { return nil }
        if viaSelf {
            // `self.x = ...` anywhere makes `self.x` a per-instance attribute.
            for node in owner.descendants where node.kind == .assignment || node.kind == .augmentedAssignment {
                if let left = node.child(.left), left.kind == .attribute, left.child(.attribute)?.text == attribute,
                   left.child(.object)?.kind == .identifier { return nil }
            }
        }
        return Registry(display: "\(className).\(attribute)", attributeName: attribute, kind: kind, scope: "class-level",
                        holder: "class \(className)", definitionLine: definition.start.line + 1)
    }

    /// `Connection.open_connections` → `open_connections`; `_instances` → `_instances`.
    static func lastName(_ node: Node) -> String {
        if node.kind == .attribute, let attribute = node.child(.attribute) { return attribute.text }
        return node.text
    }
}
