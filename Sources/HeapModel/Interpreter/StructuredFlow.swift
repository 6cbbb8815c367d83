import HeapSemantics
import HeapSyntax

/// What a flow domain says about the statements of one function body. The interpreter below owns the
/// control flow (joins after branches, loops to a fixpoint, exception edges into handlers, `finally` on
/// every way out); a domain only says what one simple statement, one condition or one handler does to
/// its state.
///
/// A domain is a may-analysis: `join` is a union of what each path may hold, so a fact that reaches a
/// frame's exit on any path is reported.
protocol FlowDomain {
    associatedtype State: Equatable
    func join(_ a: State, _ b: State) -> State
    /// A statement with no nested blocks: an expression statement, `del`, `global`, an import, a nested
    /// `def`/`class` (which binds a name and runs nothing of its body), `pass`, `assert`.
    func simpleStatement(_ statement: Node, _ state: State) -> State
    /// Evaluates a condition (`if`, `while`, `elif`, a `case` guard) for its effects (`:=`) and narrows
    /// the state to the paths where it is `truth`.
    func condition(_ condition: Node, truth: Bool, _ state: State) -> State
    /// A `for` loop binding its target from the iterable (evaluated once before the loop).
    func bindLoopTarget(_ loop: Node, _ state: State) -> State
    /// A `with` statement's items: the context managers are evaluated and `as` names bound.
    func enterWith(_ statement: Node, _ state: State) -> State
    /// Entering `except ... as name:`: what CPython binds to `name`.
    func enterHandler(_ clause: Node, _ state: State) -> State
    /// Leaving a handler on any path: CPython deletes the `as` name (the handler body is compiled as
    /// `try: body finally: name = None; del name`).
    func leaveHandler(_ clause: Node, _ state: State) -> State
    /// Whether the loop's body runs at least once whenever the loop is reached, so that no path leaves the
    /// loop with the state it entered with.
    func loopRunsAtLeastOnce(_ loop: Node) -> Bool
    /// `return value` (evaluated for its effects) before the frame ends.
    func returnValue(_ statement: Node, _ state: State) -> State
    /// `raise X from Y` (evaluated for its effects) before the exception leaves the statement.
    func raiseValue(_ statement: Node, _ state: State) -> State
    /// The state an exception raised while evaluating `evaluated` (a simple statement, a `return`, a
    /// condition, an iterable, a `with` item) starts from: the state before it, plus what raising there
    /// does (a future's `result()` re-raises the exception it keeps).
    func raising(_ evaluated: Node, _ state: State) -> State
    /// An exception the body of `tryStatement` may raise implicitly that none of its handlers matches, going
    /// on with `state`: what the domain keeps of it.
    func unmatched(by tryStatement: Node, _ state: State) -> State
}

extension FlowDomain {
    func raising(_ evaluated: Node, _ state: State) -> State { state }
    func unmatched(by tryStatement: Node, _ state: State) -> State { state }
}

/// The ways control leaves a statement, each with the state it leaves with (nil: never on that way).
struct FlowOutcome<State: Equatable> {
    /// Falls through to the next statement.
    var normal: State?
    /// `return` statements, each with the state at the moment the frame ends.
    var returns: [(statement: Node, state: State)] = []
    /// An explicit `raise` leaving the statement.
    var raised: State?
    /// Any statement that may raise without saying so (a call, an attribute read): the states at which
    /// such an exception may start. They reach a handler of an enclosing `try`, never a frame's exit:
    /// every line can raise, and an exit on each would say nothing a reader can act on.
    var mayRaise: State?
    var breaks: State?
    var continues: State?

    init(normal: State?) { self.normal = normal }
}

/// Interprets one function body over a `FlowDomain`, following Python's structured control flow. The
/// control-flow graph is implicit in the syntax: each compound statement composes its parts' outcomes
/// (branch joins, loop fixpoints, exception edges to handlers, `finally` applied to every way out), which
/// is the same graph a CFG builder would make for code without `goto`.
struct StructuredFlow<Domain: FlowDomain> {
    typealias State = Domain.State
    typealias Outcome = FlowOutcome<State>
    let domain: Domain
    /// Loop fixpoints stop widening after this many rounds; the domains here are finite (names × sites), so
    /// they converge long before, and the bound only protects against a domain that does not.
    let maxLoopRounds = 16
    static var maxNesting: Int { 100 }
    /// The current statement nesting, for `maxNesting` (a per-run counter, not shared between runs).
    private let nesting = NestingDepth()

    init(domain: Domain) { self.domain = domain }

    func join(_ a: State?, _ b: State?) -> State? {
        guard let a else { return b }
        guard let b else { return a }
        return domain.join(a, b)
    }

    /// The outcome of running `block` (a `block` node or a single statement) from `state`.
    func run(_ block: Node, _ state: State) -> Outcome {
        let statements: [Node] = block.kind == .block ? block.namedChildren.filter { $0.kind != .comment } : [block]
        var outcome = Outcome(normal: state)
        for statement in statements {
            guard let current = outcome.normal else { break }  // unreachable code after return/raise/break
            let step = self.statement(statement, current)
            outcome.normal = step.normal
            merge(step, into: &outcome)
        }
        return outcome
    }

    /// Adds every way out of `step` except `normal` to `outcome`.
    private func merge(_ step: Outcome, into outcome: inout Outcome) {
        outcome.returns += step.returns
        outcome.raised = join(outcome.raised, step.raised)
        outcome.mayRaise = join(outcome.mayRaise, step.mayRaise)
        outcome.breaks = join(outcome.breaks, step.breaks)
        outcome.continues = join(outcome.continues, step.continues)
    }

    private func block(of node: Node) -> Node? {
        node.child(.body) ?? node.child(.consequence) ?? node.namedChildren.first { $0.kind == .block }
    }

    func statement(_ node: Node, _ state: State) -> Outcome {
        // CPython refuses more than 100 levels of indentation; tree-sitter parses any depth. Beyond the limit
        // a compound statement is passed over (its effects unknown to the domain), so the recursion stays bounded.
        nesting.depth += 1
        defer { nesting.depth -= 1 }
        guard nesting.depth <= Self.maxNesting else {
            var outcome = Outcome(normal: state)
            outcome.mayRaise = state
            return outcome
        }
        switch node.kind {
        case .ifStatement:
            return ifStatement(node, state)
        case .whileStatement:
            return whileLoop(node, state)
        case .forStatement:
            return forLoop(node, state)
        case .tryStatement:
            return tryStatement(node, state)
        case .withStatement:
            guard let body = block(of: node) else { return Outcome(normal: state) }
            let entered = domain.enterWith(node, state)
            var outcome = run(body, entered)
            // Entering may raise before the body runs.
            let items = node.namedChildren.first { $0.kind == .withClause }
            outcome.mayRaise = join(outcome.mayRaise, items.map { domain.raising($0, state) } ?? state)
            return outcome
        case .matchStatement:
            return matchStatement(node, state)
        case .returnStatement:
            var outcome = Outcome(normal: nil)
            outcome.returns = [(node, domain.returnValue(node, state))]
            outcome.mayRaise = domain.raising(node, state)
            return outcome
        case .raiseStatement:
            var outcome = Outcome(normal: nil)
            outcome.raised = domain.raiseValue(node, state)
            return outcome
        case .breakStatement:
            var outcome = Outcome(normal: nil)
            outcome.breaks = state
            return outcome
        case .continueStatement:
            var outcome = Outcome(normal: nil)
            outcome.continues = state
            return outcome
        case .decoratedDefinition, .functionDefinition, .classDefinition:
            var outcome = Outcome(normal: domain.simpleStatement(node, state))
            outcome.mayRaise = state
            return outcome
        default:
            var outcome = Outcome(normal: domain.simpleStatement(node, state))
            // A statement raises while it evaluates, before its effect (a binding or a store is its last
            // step); one made only of names and literals does not raise at all.
            if Self.mayRaise(node) { outcome.mayRaise = domain.raising(node, state) }
            return outcome
        }
    }

    private func ifStatement(_ node: Node, _ state: State) -> Outcome {
        var outcome = Outcome(normal: nil)
        var remaining: State? = state
        var clauses: [Node] = [node]
        clauses += node.children(.alternative)
        var sawElse = false
        for clause in clauses {
            guard let current = remaining else { break }
            switch clause.kind {
            case .ifStatement, .elifClause:
                guard let condition = clause.child(.condition), let body = block(of: clause) else { continue }
                let taken = run(body, domain.condition(condition, truth: true, current))
                outcome.normal = join(outcome.normal, taken.normal)
                merge(taken, into: &outcome)
                if Self.mayRaise(condition) { outcome.mayRaise = join(outcome.mayRaise, domain.raising(condition, current)) }
                remaining = domain.condition(condition, truth: false, current)
            case .elseClause:
                guard let body = block(of: clause) else { continue }
                let taken = run(body, current)
                outcome.normal = join(outcome.normal, taken.normal)
                merge(taken, into: &outcome)
                remaining = nil
                sawElse = true
            default:
                continue
            }
        }
        if !sawElse { outcome.normal = join(outcome.normal, remaining) }
        return outcome
    }

    private func whileLoop(_ node: Node, _ state: State) -> Outcome {
        guard let condition = node.child(.condition), let body = block(of: node) else { return Outcome(normal: state) }
        // `while True:` ends only through break: narrowing to "false" leaves the state, which over-reports
        // nothing here because a domain narrows only on names.
        return loop(node, body: body, from: state, enter: { domain.condition(condition, truth: true, $0) },
                    leave: { domain.condition(condition, truth: false, $0) }, head: Self.mayRaise(condition) ? condition : nil)
    }

    private func forLoop(_ node: Node, _ state: State) -> Outcome {
        guard let body = block(of: node) else { return Outcome(normal: state) }
        // Taking the next item may raise (the iterator's `__next__`).
        return loop(node, body: body, from: state, enter: { domain.bindLoopTarget(node, $0) }, leave: { $0 },
                    head: node.child(.right) ?? node)
    }

    /// A `while` or `for` loop: the head state is joined with what the body leaves (normally or by
    /// `continue`) until it stops changing; the loop is left from the head (unless the domain knows the body
    /// runs at least once) or by `break`; an `else` block runs on the way out that is not a `break`.
    /// `head`: the expression evaluated before each round that may raise (the condition, the iterable), if any.
    private func loop(_ node: Node, body: Node, from state: State, enter: (State) -> State, leave: (State) -> State,
                      head headExpression: Node?) -> Outcome {
        var head = state
        var bodyOutcome = Outcome(normal: nil)
        for _ in 0..<maxLoopRounds {
            bodyOutcome = run(body, enter(head))
            let next = join(join(head, bodyOutcome.normal), bodyOutcome.continues)!
            if next == head { break }
            head = next
        }
        var outcome = Outcome(normal: nil)
        merge(bodyOutcome, into: &outcome)
        outcome.breaks = nil
        outcome.continues = nil
        if let headExpression { outcome.mayRaise = join(outcome.mayRaise, domain.raising(headExpression, head)) }
        let leaving = domain.loopRunsAtLeastOnce(node) ? join(bodyOutcome.normal, bodyOutcome.continues) : head
        var exit: State? = leaving.map(leave)
        if let alternative = node.child(.alternative), let elseBody = block(of: alternative), let start = exit {
            let taken = run(elseBody, start)
            exit = taken.normal
            merge(taken, into: &outcome)
        }
        outcome.normal = join(exit, bodyOutcome.breaks)
        return outcome
    }

    private func matchStatement(_ node: Node, _ state: State) -> Outcome {
        var outcome = Outcome(normal: state)  // no case may match
        let cases = (node.child(.body) ?? node).namedChildren.filter { $0.kind == .caseClause }
        for clause in cases {
            guard let body = block(of: clause) else { continue }
            let taken = run(body, state)
            outcome.normal = join(outcome.normal, taken.normal)
            merge(taken, into: &outcome)
        }
        outcome.mayRaise = join(outcome.mayRaise, state)
        return outcome
    }

    private func tryStatement(_ node: Node, _ state: State) -> Outcome {
        guard let body = block(of: node) else { return Outcome(normal: state) }
        let clauses = node.namedChildren.array
        let handlers = clauses.filter { $0.kind == .exceptClause || $0.kind == .exceptGroupClause }
        let elseClause = clauses.first { $0.kind == .elseClause }
        let finallyClause = clauses.first { $0.kind == .finallyClause }

        let tried = run(body, state)
        var outcome = Outcome(normal: tried.normal)
        outcome.returns = tried.returns
        outcome.breaks = tried.breaks
        outcome.continues = tried.continues
        // What may reach a handler: an exception raised explicitly or by any statement of the body.
        // A body that cannot raise by its own code still can by a signal (`KeyboardInterrupt`): the
        // handlers stay reachable from the state the `try` starts with.
        let thrown = join(tried.raised, tried.mayRaise) ?? state
        if let elseClause, let elseBody = block(of: elseClause), let start = tried.normal {
            let taken = run(elseBody, start)
            outcome.normal = taken.normal
            merge(taken, into: &outcome)
        }
        if !handlers.isEmpty {
            for handler in handlers {
                guard let handlerBody = block(of: handler) else { continue }
                var taken = run(handlerBody, domain.enterHandler(handler, thrown))
                taken = leaving(handler, taken)
                outcome.normal = join(outcome.normal, taken.normal)
                merge(taken, into: &outcome)
            }
            // An exception no handler matches goes on: explicitly raised ones stay explicit. What a `raise`
            // statement raises is an `Exception` (the `BaseException`-only classes, `SystemExit`,
            // `KeyboardInterrupt`, `GeneratorExit`, come from `sys.exit`, signals and `close()`), so an
            // `except Exception:` catches it; a call may still raise one of those past it.
            if !handlers.contains(where: catchesEverything) {
                if !handlers.contains(where: catchesExplicitRaise) { outcome.raised = join(outcome.raised, tried.raised) }
                outcome.mayRaise = join(outcome.mayRaise, tried.mayRaise.map { domain.unmatched(by: node, $0) })
            }
        } else {
            outcome.raised = join(outcome.raised, tried.raised)
            outcome.mayRaise = join(outcome.mayRaise, tried.mayRaise)
        }
        guard let finallyClause, let finallyBody = block(of: finallyClause) else { return outcome }
        return throughFinally(finallyBody, outcome)
    }

    /// Applies a handler's exit (CPython's implicit `del name`) to every way out of its body.
    private func leaving(_ handler: Node, _ outcome: Outcome) -> Outcome {
        var result = outcome
        result.normal = outcome.normal.map { domain.leaveHandler(handler, $0) }
        result.returns = outcome.returns.map { ($0.statement, domain.leaveHandler(handler, $0.state)) }
        result.raised = outcome.raised.map { domain.leaveHandler(handler, $0) }
        result.mayRaise = outcome.mayRaise.map { domain.leaveHandler(handler, $0) }
        result.breaks = outcome.breaks.map { domain.leaveHandler(handler, $0) }
        result.continues = outcome.continues.map { domain.leaveHandler(handler, $0) }
        return result
    }

    /// `finally` runs on every way out of the `try`: each way continues with what the `finally` block leaves
    /// (or is replaced by the block's own return/raise/break).
    private func throughFinally(_ block: Node, _ outcome: Outcome) -> Outcome {
        var result = Outcome(normal: nil)
        func through(_ state: State?, _ resume: (State, inout Outcome) -> Void) {
            guard let state else { return }
            let ran = run(block, state)
            merge(ran, into: &result)
            if let after = ran.normal { resume(after, &result) }
        }
        through(outcome.normal) { after, result in result.normal = join(result.normal, after) }
        for exit in outcome.returns {
            through(exit.state) { after, result in result.returns.append((exit.statement, after)) }
        }
        through(outcome.raised) { after, result in result.raised = join(result.raised, after) }
        through(outcome.mayRaise) { after, result in result.mayRaise = join(result.mayRaise, after) }
        through(outcome.breaks) { after, result in result.breaks = join(result.breaks, after) }
        through(outcome.continues) { after, result in result.continues = join(result.continues, after) }
        return result
    }

    /// Whether evaluating the statement can raise: it calls, reads an attribute or an item, or operates on
    /// values (each may run arbitrary code through a dunder method).
    static func mayRaise(_ statement: Node) -> Bool {
        var found = false
        walkScope(statement) { node in
            switch node.kind {
            case .comparisonOperator:
                // `is` and `is not` compare identities and call nothing.
                let operators = node.children.filter { !$0.isNamed }.map(\.text)
                if operators.contains(where: { $0 != "is" && $0 != "not" && $0 != "is not" }) { found = true }
            case .call, .attribute, .subscript, .binaryOperator, .unaryOperator, .await,
                 .yield, .assertStatement, .augmentedAssignment, .importStatement, .importFromStatement:
                found = true
            default:
                break
            }
        }
        return found
    }

    /// `except Exception:` (or a handler that catches everything) catches what a `raise` statement raises.
    private func catchesExplicitRaise(_ clause: Node) -> Bool {
        if catchesEverything(clause) { return true }
        let named = clause.namedChildren.filter { $0.kind != .block && $0.kind != .comment }
        guard let caught = named.first else { return true }
        let type: Node? = caught.kind == .asPattern ? caught.firstNamedChild : caught
        return type?.textEquals("Exception") ?? false
    }

    /// A bare `except:` or `except BaseException:` catches whatever the body raises.
    private func catchesEverything(_ clause: Node) -> Bool {
        let named = clause.namedChildren.filter { $0.kind != .block && $0.kind != .comment }
        guard let caught = named.first else { return true }
        let type: Node? = caught.kind == .asPattern ? caught.firstNamedChild : caught
        return type?.textEquals("BaseException") ?? false
    }
}

/// A mutable counter owned by one `StructuredFlow` value (one function's run).
final class NestingDepth {
    var depth = 0
}
