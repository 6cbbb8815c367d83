import Testing
import HeapSemantics
import HeapSyntax

@Suite struct ScopeTests {
    func model(_ text: String) -> SemanticModel {
        SemanticModel(tree: PythonParser().parse(SourceText(text)))
    }

    @Test func importAliasesStillResolve() throws {
        let semantics = model("import functools as ft\nfrom weakref import ref as wref\nft.partial\nwref\n")
        let statements = semantics.tree.root.namedChildren.array
        let partial = try #require(statements[2].firstNamedChild)
        let ref = try #require(statements[3].firstNamedChild)
        #expect(semantics.qualifiedName(of: partial) == "functools.partial")
        #expect(semantics.resolves(ref, to: "weakref.ref"))
    }

    @Test func relativeImportsOfSiblingModulesKeepOneDot() throws {
        // `from . import x` names the sibling `.x`; `from .. import y` the parent package's `..y`. Joining the
        // module part with another "." made `..x`, which the project index resolved one package too high.
        let semantics = model("from . import _utilities\nfrom .. import base as b\nfrom .sub import f\n")
        #expect(semantics.importedNames["_utilities"]?.qualifiedName == "._utilities")
        #expect(semantics.importedNames["b"]?.qualifiedName == "..base")
        #expect(semantics.importedNames["f"]?.qualifiedName == ".sub.f")
        #expect(ProjectIndex.absolute("._utilities.make_ref", from: "pkg.base", isPackage: false) == "pkg._utilities.make_ref")
    }

    @Test func classesRecordMethodsAttributesSlotsAndFinalizers() throws {
        let semantics = model("""
            import dataclasses

            class Base:
                def __del__(self):
                    pass

            @dataclasses.dataclass
            class Node(Base):
                __slots__ = ("value", "next")
                kind = "node"
                value: int

                @property
                def size(self):
                    return 1

                @classmethod
                def make(cls):
                    return cls()

                def link(self, other):
                    self.next = other
            """)
        let node = try #require(semantics.classes["Node"])
        #expect(node.baseNames == ["Base"])
        #expect(Set(node.methods.keys) == ["size", "make", "link"])
        #expect(node.classAttributes.isSuperset(of: ["__slots__", "kind", "value"]))
        #expect(node.slots == ["value", "next"])
        #expect(node.properties == ["size"])

        #expect(node.staticOrClassMethods == ["make"])
        #expect(node.annotatedFields == ["value"])
        #expect(node.decorators == ["dataclasses.dataclass"])
        #expect(!node.hasFinalizer)
        #expect(semantics.classLineage("Node").map(\.name) == ["Node", "Base"])
        #expect(semantics.method("__del__", of: "Node") != nil)
    }

    @Test func functionScopesKnowSelfLocalsGlobalsAndNonlocals() throws {
        let semantics = model("""
            counter = 0

            class Worker:
                def run(self, task, *args, retries=3, **options):
                    global counter
                    result = None
                    for item in task:
                        counter += 1
                    with open(task) as handle:
                        pass
                    def inner():
                        nonlocal result
                        result = 1
                    return inner

                def __init_subclass__(cls):
                    pass
            """)
        let scopes = semantics.functionScopes.values
        let run = try #require(scopes.first { $0.name == "run" })
        #expect(run.parameters == ["self", "task", "args", "retries", "options"])
        #expect(run.selfName == "self")
        #expect(run.enclosingClass == "Worker")
        #expect(run.globals == ["counter"])
        #expect(run.locals.isSuperset(of: ["result", "item", "handle", "inner", "task"]))
        #expect(!run.locals.contains("counter"))
        let inner = try #require(scopes.first { $0.name == "inner" })
        #expect(inner.nonlocals == ["result"])
        #expect(!inner.locals.contains("result"))
        #expect(inner.enclosingFunction == run.node)
        let hook = try #require(scopes.first { $0.name == "__init_subclass__" })
        #expect(hook.selfName == nil)
    }

    @Test func deepNestingDoesNotOverflowTheStack() {
        let depth = 3_000
        // Unary minus, not brackets: brackets past CPython's 200 are capped before parsing.
        let text = "x = " + String(repeating: "-", count: depth) + "1\n"
        let semantics = model(text)
        #expect(semantics.classes.isEmpty)
        var count = 0
        walkScope(semantics.tree.root) { _ in count += 1 }
        #expect(count > depth)
    }

    /// Reading a caching or data descriptor gives its value, not a bound method (issue 13: SQLAlchemy
    /// `@util.memoized_property` values were taken for bound methods by HL102).
    @Test func descriptorDecoratorsMakeProperties() throws {
        let semantics = model("""
            import functools
            from .. import util

            class JoinCondition:
                @util.memoized_property
                def remote_columns(self): return set()
                @util.memoized_attribute
                def local_columns(self): return set()
                @functools.cached_property
                def pairs(self): return []
                @reify
                def key(self): return 1
                @property
                def size(self): return 1
                @size.setter
                def size(self, value): pass
                @util.memoized_instancemethod
                def compute(self): return 1
                @functools.lru_cache
                def lookup(self): return 1
                @staticmethod
                def helper(): return 1
            """)
        let model = try #require(semantics.classes["JoinCondition"])
        #expect(model.properties == ["remote_columns", "local_columns", "pairs", "key", "size"])
    }
}
