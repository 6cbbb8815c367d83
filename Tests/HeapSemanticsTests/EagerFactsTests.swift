import Testing
import HeapSemantics
import HeapSyntax

/// Facts the HL3xx-HL5xx rules rely on: constant folding and iterable sizes (the byte model is in
/// HeapModelTests/CollectionSizesTests.swift).
@Suite struct ConstantFoldingTests {
    func value(_ source: String, last: Bool = true) -> Int? {
        let tree = PythonParser().parse(SourceText(source))
        let folder = ConstantFolder(tree: tree)
        let statement = tree.root.namedChildren.array.last!
        let expression = statement.firstNamedChild!
        let node = expression.kind == .assignment ? expression.child(.right)! : expression
        return folder.integerValue(of: node)
    }

    @Test func foldsLiteralsAndArithmetic() {
        #expect(value("10**7") == 10_000_000)
        #expect(value("1_000_000") == 1_000_000)
        #expect(value("0x10 * 2 + 1") == 33)
        #expect(value("-(3 - 10) // 2") == 3)
        #expect(value("2 ** 70") == nil, "overflow is not a constant")
        #expect(value("n * 2") == nil)
    }

    @Test func foldsModuleConstantsAssignedOnce() {
        #expect(value("N = 10**6\nM = N * 3\nx = M") == 3_000_000)
        #expect(value("N = 10\nN = 20\nx = N") == nil, "rebound names are not constants")
    }

    @Test func knowsRebuiltins() {
        let tree = PythonParser().parse(SourceText("from mathlib import sum\ndef f(len): pass\n"))
        let folder = ConstantFolder(tree: tree)
        #expect(!folder.isBuiltin("sum"))
        #expect(!folder.isBuiltin("len"))
        #expect(folder.isBuiltin("max"))
    }

    /// What `sum` is at the `probe()` call of each source: a fix may write `sum(...)` only for `.builtin`.
    func sumBinding(_ source: String) -> BuiltinBinding {
        let tree = PythonParser().parse(SourceText(source))
        let probe = tree.nodes(ofKind: .call).first { $0.child(.function)?.textEquals("probe") == true }!
        return ConstantFolder(tree: tree).builtinBinding("sum", at: probe)
    }

    @Test func builtinBindingSeesEveryShadow() {
        #expect(sumBinding("probe()\n") == .builtin)
        #expect(sumBinding("def g():\n    sum = 1\ndef f():\n    probe()\n") == .builtin, "another function's local")
        #expect(sumBinding("sum = 1\ndef f():\n    probe()\n") == .shadowed, "module assignment")
        #expect(sumBinding("def f(sum):\n    probe()\n") == .shadowed, "parameter")
        #expect(sumBinding("def f():\n    sum = 1\n    probe()\n") == .shadowed, "local")
        #expect(sumBinding("class sum: pass\nprobe()\n") == .shadowed, "class name")
        #expect(sumBinding("import sum\nprobe()\n") == .shadowed, "import")
        #expect(sumBinding("def g():\n    global sum\n    sum = 1\ndef f():\n    probe()\n") == .shadowed, "global in another function")
        #expect(sumBinding("match x:\n    case [sum, *_]:\n        probe()\n") == .shadowed, "case capture")
        #expect(sumBinding("from helpers import *\nprobe()\n") == .unknown, "wildcard import")
    }
}

@Suite struct IterableSizeTests {
    func size(_ source: String) -> IterableSize {
        let tree = PythonParser().parse(SourceText(source))
        let semantics = SemanticModel(tree: tree)
        let sizer = IterableSizer(semantics: semantics, folder: ConstantFolder(tree: tree))
        let comprehension = tree.allNodes.first { $0.kind == .listComprehension }!
        return sizer.size(ofComprehension: comprehension)
    }

    @Test func rangesAndLiterals() {
        #expect(size("[i for i in range(10**7)]") == .exactly(10_000_000))
        #expect(size("[i for i in range(10, 100, 3)]") == .exactly(30))
        #expect(size("[i for i in range(1000) if i % 2]") == .atMost(1000))
        #expect(size("[a for a in (1, 2, 3)]") == .exactly(3))
        #expect(size("[x for x in xs[0:2]]") == .atMost(2))
        #expect(size("[a * b for a in range(100) for b in range(200)]") == .exactly(20_000))
    }

    @Test func inputSourcesAreUnbounded() {
        #expect(size("def f(p):\n    with open(p) as fh:\n        return [l for l in fh]") == .unbounded(source: "a file's lines"))
        #expect(size("import csv\n[r for r in csv.reader(fh)]") == .unbounded(source: "a CSV file's rows"))
        #expect(size("import os as o\n[d for d in o.walk(root)]") == .unbounded(source: "a directory tree's entries"))
        #expect(size("[r for r in cur.fetchall()]") == .unbounded(source: "a database cursor's rows"))
        #expect(size("[x for x in items]").isUnbounded)
        #expect(size("[x for x in range(n)]").isUnbounded)
    }

    @Test func smallSourcesStayBounded() {
        #expect(size("def f(*args):\n    return [a for a in args]").upperCount == 256)
        #expect(size("import sys\n[a for a in sys.argv]").upperCount == 256)
        #expect(size("NAMES = ['a', 'b']\ndef f():\n    return [n for n in NAMES]") == .exactly(2))
    }

    /// Self-referential names and deeply nested operators must neither loop nor exhaust the stack.
    @Test func recursionIsBounded() {
        #expect(size("def f():\n    x = [a for a in g(x)]\n    return [b for b in x]").isUnbounded)
        let deep = "[" + Array(repeating: "1", count: 5_000).joined(separator: " + ") + " for i in range(10**6)]"
        let tree = PythonParser().parse(SourceText(deep))
        let sizer = IterableSizer(semantics: SemanticModel(tree: tree), folder: ConstantFolder(tree: tree))
        let comprehension = tree.allNodes.first { $0.kind == .listComprehension }!
        #expect(sizer.size(ofComprehension: comprehension) == .exactly(1_000_000))
        _ = sizer.elementShape(ofComprehension: comprehension)
    }

    @Test func reachesThreshold() {
        #expect(IterableSize.exactly(10_000).reaches(10_000))
        #expect(!IterableSize.exactly(9_999).reaches(10_000))
        #expect(IterableSize.unbounded(source: "x").reaches(10_000))
    }
}
