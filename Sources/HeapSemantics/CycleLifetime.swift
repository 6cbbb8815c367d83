import HeapSyntax

/// How often a program builds the objects of a cycle, judged at the statement that closes it.
///
/// What matters to CPython is not whether a cycle exists but whether cycles accumulate: every run of the
/// closing statement leaves one more unreachable cycle that reference counting cannot free, so a statement
/// that runs per request grows the heap (and the collector's work) with the number of requests, while one
/// that runs once at import leaves a fixed amount that lives until exit anyway.
public enum CycleLifetimeClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// Made each time a function or method runs, and a function can run any number of times.
    case perCall
    /// Made while an object is built (`__init__` and friends): one cycle per instance of a class the
    /// program can build repeatedly.
    case perInstance
    /// Made a fixed number of times per process: at import, in `if __name__ == "__main__":`, in a function
    /// only called from import-time code, in a class body.
    case oncePerProcess
    /// Made only after an exception was caught or a check failed: once per failure, which a server can
    /// repeat on every bad connection, so it stays reported.
    case errorPath
    /// Made only by test-support code a package ships (a pytest plugin's hooks and fixtures, a test
    /// runner): it runs once per test, in a test process, never in the program's own runs. Like a
    /// once-per-process cycle it is left out of the default output and counted in the summary.
    case testSupport
    /// In a `foo.py` that a compiled extension module of the same name beside it (`foo.cpython-311-…so`,
    /// `foo.abi3.so`, `foo.pyd`: a mypyc or Cython build) shadows: CPython's path finder tries the
    /// extension loader before the source loader, so the `.py` never runs and its Python-level frames,
    /// generators and closures are never made. Set by the front end, which sees the file's directory, not
    /// by the analysis of the source. Left out of the default output and counted with the reason.
    case shadowedByCompiled

    /// Whether the default output leaves it out (shown with `--report-once-per-process` / `--preview`):
    /// nothing made this way accumulates in the program's own runs.
    public var isHiddenByDefault: Bool { self == .oncePerProcess || self == .testSupport || self == .shadowedByCompiled }

    /// The spelling of JSON `lifetime` and of the text explanation.
    public var label: String {
        switch self {
        case .perCall: return "per call"
        case .perInstance: return "per instance"
        case .oncePerProcess: return "once per process"
        case .errorPath: return "error path"
        case .testSupport: return "test support"
        case .shadowedByCompiled: return "not run"
        }
    }
}

/// A lifetime class with the reason, in words a reader can check against the source.
public struct CycleLifetime: Sendable, Hashable, Codable {
    public var kind: CycleLifetimeClass
    public var reason: String

    public init(_ kind: CycleLifetimeClass, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// `once per process: made at module level, which runs once, at import`.
    public var summary: String { "\(kind.label): \(reason)" }
}

extension RunFrequencies {
    /// Methods that run while an instance is built: a cycle closed there is made once per instance.
    static let constructionMethods: Set<String> = ["__init__", "__new__", "__post_init__", "__attrs_post_init__",
                                                   "__init_subclass__", "__set_name__"]

    /// The lifetime of a cycle closed by the statement at `offset`.
    ///
    /// Conservative: only code this module shows to run a fixed number of times is once per process; a
    /// function the module does not call itself is public API (other modules, callbacks) and so per call.
    public mutating func lifetime(ofCycleClosedAt offset: Int) -> CycleLifetime {
        let site = semantics.tree.namedNode(at: offset)
        // Before error paths: a test harness re-raising a test's failure runs per failing test, in tests only.
        if let support = testSupportLifetime(of: site) { return support }
        let base = runLifetime(of: site)
        // A once-per-process run fails at most once, so only repeated runs become error paths.
        guard base.kind != .oncePerProcess, let failure = failurePath(of: site) else { return base }
        return failure
    }

    /// Where `site` runs, before looking at error paths.
    private mutating func runLifetime(of site: Node) -> CycleLifetime {
        // The innermost function, lambda or class body holding the site.
        var owner: Node?
        for ancestor in site.ancestors where ancestor.kind == .functionDefinition || ancestor.kind == .lambda
            || ancestor.kind == .classDefinition {
            // A default value or decorator runs with the `def`, in the enclosing scope.
            if ancestor.kind != .classDefinition, !(ancestor.child(.body)?.contains(site) ?? false) { continue }
            owner = ancestor
            break
        }
        guard let owner else {
            if let main = mainGuard(containing: site) {
                return CycleLifetime(.oncePerProcess, "made under `if __name__ == \"__main__\":` (line \(main.start.line + 1)), which runs once when the module is run as a script")
            }
            return CycleLifetime(.oncePerProcess, "made at module level, which runs once per process, at import")
        }
        if owner.kind == .classDefinition {
            let name = owner.child(.name)?.text ?? "class"
            // A class body runs once per `class` statement; the statement's own lifetime decides.
            let outer = runLifetime(of: owner)
            if outer.kind == .oncePerProcess {
                return CycleLifetime(.oncePerProcess, "made in the body of class `\(name)`, which runs once, when the class statement runs at import")
            }
            return CycleLifetime(outer.kind, "made in the body of class `\(name)`, which is defined anew each call: \(outer.reason)")
        }
        if owner.kind == .lambda { return CycleLifetime(.perCall, "made in a lambda, which runs each time it is called") }
        guard let scope = semantics.scope(of: owner) else { return CycleLifetime(.perCall, "made in a function") }
        let name = scope.name
        if isTestFile {
            return CycleLifetime(.perCall, "made in `\(name)` of a test module, which runs once per test that uses it")
        }
        // `functools.cache`: one result per distinct argument tuple, kept by the cache. Only a function
        // without parameters is provably made once.
        if isCached(owner) {
            let params = scope.parameters.filter { $0 != "self" && $0 != "cls" }
            if params.isEmpty { return CycleLifetime(.oncePerProcess, "made in `\(name)`, which is cached and takes no arguments, so it runs once") }
            return CycleLifetime(.perCall, "made in `\(name)`, which is cached but runs once per distinct argument")
        }
        if let classNode = owner.enclosingScopeNode, classNode.kind == .classDefinition {
            return methodLifetime(owner, name: name, classNode: classNode)
        }
        // An entry point: `def main()` that the module never calls itself is run by a console script or
        // `python -m`, once per process.
        if owner.enclosingScopeNode == nil, name == "main", frequency(of: owner) == .perCall,
           uses(ofModuleName: name, excluding: owner.child(.name)).isEmpty {
            return CycleLifetime(.oncePerProcess, "made in `main()`, an entry point the module never calls itself: it runs once per process")
        }
        // Only calls the module shows count, so the function must also be out of other modules' reach: a
        // private name (`_setup`), the `main()` entry point, or a function nested in one that runs once.
        if frequency(of: owner) == .once, name.hasPrefix("_") || name == "main" || owner.enclosingScopeNode != nil {
            return CycleLifetime(.oncePerProcess, "made in `\(name)()`, which the module only calls from import-time code, outside loops, and other modules do not call")
        }
        return CycleLifetime(.perCall, "made each time `\(name)()` runs, and nothing in the module limits how often it is called")
    }

    private mutating func methodLifetime(_ method: Node, name: String, classNode: Node) -> CycleLifetime {
        let className = classNode.child(.name)?.text ?? "class"
        let qualified = "\(className).\(name)"
        // Hooks CPython runs with the class statement (`__init_subclass__`, a metaclass's `__init__`).
        if frequency(of: method) == .once {
            return CycleLifetime(.oncePerProcess, "made in `\(qualified)`, which CPython runs with the class statement, at import")
        }
        guard Self.constructionMethods.contains(name) else {
            // Any other method can run any number of times on each object, a single one included.
            return CycleLifetime(.perCall, "made each time `\(qualified)` runs on a `\(className)` object")
        }
        if let site = onlyBuiltOnce(classNode, name: className) {
            return CycleLifetime(.oncePerProcess, "made in `\(qualified)`, and `\(className)` is only built at import (line \(site)): one object per process")
        }
        return CycleLifetime(.perInstance, "made in `\(qualified)`: one cycle for every `\(className)` object built")
    }

    /// The 1-based line where `classNode` is instantiated when every instantiation the module shows runs
    /// once (import-time code outside loops, or a private function that does), and the class is not handed
    /// out: a private name (`_App`), so no other module builds more. A public class of a module with a
    /// `__main__` block is still importable (the standard library's `aifc`, `asyncio.__main__`).
    private mutating func onlyBuiltOnce(_ classNode: Node, name: String) -> Int? {
        guard classNode.enclosingScopeNode == nil else { return nil }
        guard name.hasPrefix("_") else { return nil }
        let uses = uses(ofModuleName: name, excluding: classNode.child(.name))
        guard !uses.isEmpty else { return nil }
        var first: Int?
        for use in uses {
            // Any use other than a call (a subclass, a reference handed out) may build more instances.
            guard let call = use.parent, call.kind == .call, call.child(.function) == use else { return nil }
            var runner: Node?
            for ancestor in use.ancestors {
                if [.forStatement, .whileStatement, .listComprehension, .setComprehension,
                    .dictionaryComprehension, .generatorExpression].contains(ancestor.kind) { return nil }
                if ancestor.kind == .functionDefinition || ancestor.kind == .lambda || ancestor.kind == .classDefinition {
                    runner = ancestor
                    break
                }
            }
            if let runner {
                guard runner.kind == .functionDefinition, runner.enclosingScopeNode == nil,
                      let runnerName = runner.child(.name)?.text, runnerName.hasPrefix("_") || runnerName == "main",
                      frequency(of: runner) == .once || runnerName == "main" else { return nil }
            }
            first = min(first ?? Int.max, use.start.line + 1)
        }
        return first
    }

    /// Names of functions that drive a test by convention (textual's `App.run_test`, anyio's
    /// `TestRunner.run_test`): an application calls them only from its tests.
    static let testRunnerFunctions: Set<String> = ["run_test", "run_tests"]

    /// The site runs only under a test runner: in a function of a pytest plugin module (one that defines
    /// `pytest_*` hooks, which only pytest calls, or `@pytest.fixture`s), in a test-runner class
    /// (`TestRunner`, `DocTestRunner`, a subclass of one) or in a function named `run_test`/`run_tests`.
    /// Such code makes its cycles once per test, in a process that ends with the test session, and never
    /// in the program's own runs, so nothing accumulates where the program is used. The project's own test
    /// modules (`test_*.py`, `conftest.py`) are not graded so: a user checking their tests asked for them,
    /// and they keep the per-call grading below. Module-level code of a plugin stays once per process.
    private mutating func testSupportLifetime(of site: Node) -> CycleLifetime? {
        guard !isTestFile else { return nil }
        var function: Node?
        for ancestor in site.ancestors {
            switch ancestor.kind {
            case .functionDefinition:
                guard ancestor.child(.body)?.contains(site) ?? false else { continue }
                if function == nil { function = ancestor }
                if let name = ancestor.child(.name)?.text, Self.testRunnerFunctions.contains(name) {
                    return CycleLifetime(.testSupport, "made in `\(qualifiedName(ancestor))`, a test-runner entry point (it drives a test): it runs once per test, in a test process only, so the program's own runs never make this cycle")
                }
            case .classDefinition:
                guard let name = ancestor.child(.name)?.text else { continue }
                let bases = ancestor.child(.superclasses)?.namedChildren.filter { $0.kind != .keywordArgument } ?? []
                let runnerBase = bases.first { $0.text.split(separator: ".").last?.hasSuffix("TestRunner") ?? false }
                if name.hasSuffix("TestRunner") || runnerBase != nil {
                    let how = name.hasSuffix("TestRunner") ? "a test runner" : "a test runner (a subclass of `\(runnerBase!.text)`)"
                    let place = function.map { "`\(qualifiedName($0))`, a method of class `\(name)`" } ?? "the body of class `\(name)`"
                    return CycleLifetime(.testSupport, "made in \(place), \(how): it runs once per test, in a test process only, so the program's own runs never make this cycle")
                }
            default:
                continue
            }
        }
        guard let function, let hook = pytestPluginEvidence else { return nil }
        return CycleLifetime(.testSupport, "made in `\(qualifiedName(function))` of a pytest plugin (the module defines \(hook), which only pytest calls): it runs once per test, in a test process only, so the program's own runs never make this cycle")
    }

    private func qualifiedName(_ function: Node) -> String {
        let name = function.child(.name)?.text ?? "function"
        guard let owner = function.enclosingScopeNode, owner.kind == .classDefinition,
              let className = owner.child(.name)?.text else { return name }
        return "\(className).\(name)"
    }

    /// What makes this module a pytest plugin: a module-level `pytest_*` hook (`pytest_configure`,
    /// `pytest_pyfunc_call`) or a module-level function decorated with `pytest.fixture`/`pytest.hookimpl`.
    private var pytestPluginEvidence: String? {
        for child in semantics.tree.root.namedChildren {
            let function = child.kind == .decoratedDefinition ? child.child(.definition) : child
            guard let function, function.kind == .functionDefinition,
                  let name = function.child(.name)?.text else { continue }
            if name.hasPrefix("pytest_") { return "the hook `\(name)`" }
            for decorator in function.decoratorNodes {
                guard let expression = decorator.firstNamedChild else { continue }
                let callee = expression.kind == .call ? expression.child(.function) : expression
                if let callee, semantics.resolves(callee, toAnyOf: ["pytest.fixture", "pytest.hookimpl"]) {
                    return "the fixture or hook `\(name)`"
                }
            }
        }
        return nil
    }

    private var hasMainGuard: Bool {
        semantics.tree.root.namedChildren.contains { isMainGuard($0) }
    }

    private func mainGuard(containing node: Node) -> Node? {
        node.ancestors.first { isMainGuard($0) && $0.parent?.kind == .module }
    }

    /// `if __name__ == "__main__":` (either operand order).
    private func isMainGuard(_ node: Node) -> Bool {
        guard node.kind == .ifStatement, let condition = node.child(.condition) else { return false }
        let text = condition.text.filter { !$0.isWhitespace }
        return text == "__name__==\"__main__\"" || text == "__name__=='__main__'"
            || text == "\"__main__\"==__name__" || text == "'__main__'==__name__"
    }

    private func isCached(_ function: Node) -> Bool {
        function.decoratorNodes.contains { decorator in
            guard let expression = decorator.firstNamedChild else { return false }
            let callee = expression.kind == .call ? expression.child(.function) : expression
            return callee.map { semantics.resolves($0, toAnyOf: Self.cachingDecorators) } ?? false
        }
    }

    /// Identifiers spelling a module-level name, other than its definition; attributes and keywords skipped.
    private func uses(ofModuleName name: String, excluding definition: Node?) -> [Node] {
        semantics.tree.nodes(ofKind: .identifier).filter { node in
            guard node.textEquals(name), node != definition else { return false }
            if let parent = node.parent {
                if parent.kind == .attribute && parent.child(.attribute) == node { return false }
                if parent.kind == .keywordArgument && parent.child(.name) == node { return false }
            }
            return true
        }
    }

    /// The site runs only on failure: in an `except` clause, or in an `if` block that ends by raising
    /// (a failed check). Stops at the enclosing function, whose own lifetime is decided elsewhere.
    private func failurePath(of site: Node) -> CycleLifetime? {
        for ancestor in site.ancestors {
            switch ancestor.kind {
            case .functionDefinition, .lambda, .classDefinition:
                return nil
            case .exceptClause, .exceptGroupClause:
                return CycleLifetime(.errorPath, "made only in the `except` clause at line \(ancestor.start.line + 1): once per failure, which a long-running program can repeat (a failed connection per retry)")
            case .block:
                guard let branch = ancestor.parent, branch.kind == .ifStatement || branch.kind == .elifClause,
                      branch.child(.consequence) == ancestor,
                      let last = ancestor.namedChildren.filter({ $0.kind != .comment }).last,
                      last.kind == .raiseStatement else { continue }
                return CycleLifetime(.errorPath, "made only when the check at line \(branch.start.line + 1) fails, just before raising: once per failure")
            default:
                continue
            }
        }
        return nil
    }
}
