import HeapModel
import HeapPortable
import HeapSemantics
import HeapSyntax

/// HL304: a local bound to large data (a whole file read, a large comprehension, `list(range(n))`,
/// a decoded payload) whose last use is followed, in the same frame, by long-running work that does
/// not need it: a long loop, a `yield`/`await` that suspends the frame, a call such as
/// `serve_forever()`, `join()` or `sleep()`. The frame keeps the value alive until it ends.
public struct LargeLocalOutlivesUse: Rule {
    public static let metadata = RuleMetadata(
        code: "HL304", name: "large-local-outlives-use", family: .eagerMaterialization, status: .preview,
        severity: .warning, fix: .sometimes,
        summary: "A local keeps large data alive after its last use while the function goes on with long-running work.",
        doc: RuleDoc(
            whatItFinds: """
            A local variable bound to data shown to be large — a whole file read (`f.read()`, \
            `f.readlines()`, `Path.read_text()`), `json.load(...)` / `.decode()` of such a payload, \
            `list(range(n))` or a comprehension whose folded size reaches `large-threshold`, the rows of a \
            cursor (`fetchall()`) — whose last use is followed, in the same function, by work that runs for \
            a long time and does not need it: an endless `while True` loop or a loop over other large data, \
            a `yield` or `await` that suspends the frame, or a call that blocks (`serve_forever()`, \
            `run_forever()`, `run()`, `join()`, `sleep()`, `wait()`).
            """,
            whyItMatters: """
            In CPython a function's locals live in its frame until the frame ends, the name is rebound, or \
            the name is deleted: the frame holds one reference to each value, so a value the code no \
            longer reads is not freed while the function keeps running. A generator or coroutine keeps its \
            whole frame — every local — alive while it is suspended at `yield` or `await`, for as long \
            as its consumer or the event loop leaves it there. `del name` drops the frame's reference at \
            once; when it was the last one, reference counting frees the value immediately, with no \
            garbage collection needed. A file read whole is as large as the file; a list of a million \
            ints is ~41 MB.
            """,
            example: """
            ```python
            def main(path):
                with open(path) as fh:
                    config = fh.read()
                server = make_server(parse(config))
                server.serve_forever()  # `config` stays alive until the process exits
            ```
            """,
            useInstead: """
            Delete the name after its last use, or move the code that needs the data into its own \
            function so its frame ends before the long-running work starts:
            ```python
            def main(path):
                with open(path) as fh:
                    config = fh.read()
                server = make_server(parse(config))
                del config
                server.serve_forever()
            ```
            """,
            whenItsFine: """
            Values whose size heaplint cannot show to be large (a parameter, an unknown call, a small \
            range); values that are returned, yielded, stored elsewhere (an attribute, a container, an \
            alias) — deleting the local would free nothing; values used again later; and functions that \
            end right after the last use (the frame ends, so the value is freed anyway). Short loops and \
            calls are not long-running work.
            """,
            fixSafety: """
            The fix inserts `del name` after the statement holding the last use, and only when the \
            assignment always runs before it. It is unsafe: code that reads the frame (`locals()`, a \
            debugger, a traceback's `tb_frame.f_locals`) no longer sees the value, and a later edit that \
            reads the name again would raise `NameError`.
            """,
            references: [
                "https://docs.python.org/3/reference/simple_stmts.html#the-del-statement",
                "https://docs.python.org/3/reference/executionmodel.html#naming-and-binding",
                "https://docs.python.org/3/library/tracemalloc.html",
            ]),
        examples: LargeLocalOutlivesUseExamples.all)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for function in context.tree.nodes(ofKind: .functionDefinition) {
            guard let body = function.child(.body) else { continue }
            let frame = LocalFrame(function: function, body: body)
            if frame.readsLocals { continue }
            for assignment in frame.assignments {
                if let finding = finding(for: assignment, frame: frame, context: context) { findings.append(finding) }
            }
        }
        return findings
    }

    // MARK: - One candidate

    private func finding(for assignment: Node, frame: LocalFrame, context: AnalysisContext) -> Finding? {
        guard let target = assignment.child(.left), target.kind == .identifier,
              let value = assignment.child(.right), let statement = assignment.parent,
              statement.kind == .expressionStatement else { return nil }
        let name = target.text
        if frame.capturedNames.contains(name) { return nil }
        guard let large = largeValue(value, frame: frame, context: context, depth: 0) else { return nil }
        let occurrences = frame.identifiers[name] ?? []
        var uses: [Node] = []
        for occurrence in occurrences where occurrence != target {
            if Self.isBinding(occurrence) { return nil }
            uses.append(occurrence)
        }
        guard let last = uses.last else { return nil }
        for use in uses {
            if use.range.start < statement.range.end { return nil }
            if Self.escapes(use, context: context) { return nil }
        }
        // The statement holding the last use, in the innermost block that also holds the assignment.
        guard let (anchor, block) = Self.anchor(of: last, after: statement) else { return nil }
        guard let work = Self.laterWork(after: anchor, in: block, frame: frame, context: context) else { return nil }

        let source = context.source
        let lastLine = source.position(of: last.range.start).line + 1
        let anchorEndLine = source.position(of: anchor.range.end).line + 1
        let workLine = source.position(of: work.node.range.start).line + 1
        let functionName = frame.function.child(.name)?.text ?? "function"
        let suspends = work.kind == .suspend
        let mechanism = suspends
            ? "a suspended \(work.suspender) keeps its frame, and every local in it, alive until it is resumed to the end or closed; the frame's reference to `\(name)` is dropped only by `del \(name)` or rebinding"
            : "a frame's locals live until the function returns or the name is rebound or deleted; `del \(name)` drops the frame's reference and reference counting frees the value at once"
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: "frame of `\(functionName)`", via: "", to: "local `\(name)`",
                                 site: target.range, line: source.position(of: target.range.start).line + 1),
                   ReferenceStep(from: "local `\(name)`", via: "", to: large.noun)],
            estimate: large.estimate,
            mechanism: mechanism,
            remedy: "`del \(name)` after its last use (line \(anchorEndLine)), or move the code that uses it into its own function")
        let fix = Self.delFix(name: name, statement: statement, anchor: anchor, block: block, context: context)
        let message = "`\(name)` keeps \(large.noun) alive after its last use on line \(lastLine) while \(work.phrase) on line \(workLine); `del \(name)` after line \(anchorEndLine) frees it"
        return Finding(Self.self, range: target.range, message: message, explanation: explanation, fix: fix)
    }

    // MARK: - Large values

    struct Large {
        let noun: String
        let estimate: ByteEstimate
    }

    static let materializingBuiltins: Set<String> = ["list", "sorted", "tuple", "set", "frozenset", "dict"]
    static let inputSources: Set<String> = [
        "a file's lines", "the input files' lines", "a CSV file's rows", "a database cursor's rows", "standard input's lines",
    ]
    static let payloadLoaders: Set<String> = [
        "json.load", "json.loads", "pickle.load", "pickle.loads", "marshal.load", "marshal.loads",
        "tomllib.load", "tomllib.loads", "yaml.safe_load", "yaml.load", "zlib.decompress", "gzip.decompress",
        "bz2.decompress", "lzma.decompress", "base64.b64decode",
    ]
    static let wrappers: Set<String> = ["split", "splitlines", "strip", "decode", "encode", "lower", "upper", "replace"]

    private func largeValue(_ value: Node, frame: LocalFrame, context: AnalysisContext, depth: Int) -> Large? {
        guard depth < 6 else { return nil }
        let version = context.settings.targetVersion
        let sizer = context.sizer
        let threshold = context.settings.largeThreshold
        func whole(_ noun: String) -> Large {
            Large(noun: noun, estimate: ByteEstimate(lowerBytes: 49, upperBytes: nil, version: version, basis: "the whole input's contents"))
        }
        switch value.kind {
        case .parenthesizedExpression:
            if let inner = value.firstNamedChild { return largeValue(inner, frame: frame, context: context, depth: depth + 1) }
            return nil
        case .listComprehension, .setComprehension, .dictionaryComprehension:
            let size = sizer.size(ofComprehension: value)
            guard Self.isLargeCollection(size, threshold: threshold) else { return nil }
            let shape = sizer.elementShape(ofComprehension: value)
            let container: CollectionSizes.Container = value.kind == .listComprehension ? .grownList : value.kind == .setComprehension ? .set : .dict
            let estimate = CollectionSizes.estimate(container, size: size, shape: shape, version: version)
            return Large(noun: Self.describe(container.name, size: size, shape: shape, estimate: estimate), estimate: estimate)
        case .call:
            guard let function = value.child(.function) else { return nil }
            let arguments = value.child(.arguments)?.namedChildren.filter { $0.kind != .comment } ?? []
            if let name = context.semantics.qualifiedName(of: function) {
                if !name.contains("."), context.folder.isBuiltin(name, at: value), Self.materializingBuiltins.contains(name),
                   arguments.count == 1, arguments[0].kind != .keywordArgument {
                    let size = sizer.size(of: value)
                    guard Self.isLargeCollection(size, threshold: threshold) else { return nil }
                    let isRange = arguments[0].kind == .call && arguments[0].child(.function)?.textEquals("range") == true
                    let shape: ElementShape = isRange ? .int(maxMagnitude: size.upperCount) : .object
                    let container: CollectionSizes.Container = name == "set" || name == "frozenset" ? .set : name == "dict" ? .dict : .exactList
                    let estimate = CollectionSizes.estimate(container, size: size, shape: shape, version: version)
                    return Large(noun: Self.describe(container.name, size: size, shape: shape, estimate: estimate), estimate: estimate)
                }
                if Self.payloadLoaders.contains(name), let argument = arguments.first, argument.kind != .keywordArgument {
                    if isOpenFile(argument, frame: frame, context: context) || largeValue(argument, frame: frame, context: context, depth: depth + 1) != nil
                        || largeLocal(argument, frame: frame, context: context, depth: depth) {
                        return whole("a payload decoded from a whole input (as large as the input)")
                    }
                    return nil
                }
            }
            guard function.kind == .attribute, let method = function.child(.attribute)?.text,
                  let receiver = function.child(.object) else { return nil }
            let noArguments = arguments.isEmpty
            switch method {
            case "read", "readlines", "read_text", "read_bytes":
                guard noArguments || (method == "read" && arguments.count == 1 && (arguments[0].textEquals("-1") || arguments[0].kind == .none)) else { return nil }
                if method == "read_text" || method == "read_bytes" {
                    return whole("a whole file's contents (as large as the file)")
                }
                if isOpenFile(receiver, frame: frame, context: context) {
                    return whole(method == "readlines" ? "a whole file's lines (as large as the file)" : "a whole file's contents (as large as the file)")
                }
                if context.semantics.qualifiedName(of: receiver) == "sys.stdin" || context.semantics.qualifiedName(of: receiver) == "sys.stdin.buffer" {
                    return whole("all of standard input (as large as the input)")
                }
                return nil
            case "fetchall":
                return noArguments ? whole("every row of a query result (grows with the data)") : nil
            default:
                if Self.wrappers.contains(method) {
                    if largeValue(receiver, frame: frame, context: context, depth: depth + 1) != nil || largeLocal(receiver, frame: frame, context: context, depth: depth) {
                        return whole(method == "decode" ? "a decoded payload (as large as the input)" : "a copy of a whole input (as large as the input)")
                    }
                }
                return nil
            }
        default:
            return nil
        }
    }

    /// `x` where `x` is a local of this frame bound once to large data (`raw = fh.read(); text = raw.decode()`).
    private func largeLocal(_ node: Node, frame: LocalFrame, context: AnalysisContext, depth: Int) -> Bool {
        guard node.kind == .identifier, let bound = frame.singleValue[node.text], bound.range.end <= node.range.start else { return false }
        return largeValue(bound, frame: frame, context: context, depth: depth + 1) != nil
    }

    /// `open(...)`, or a name bound by `with open(...) as f` / `f = open(...)`.
    private func isOpenFile(_ node: Node, frame: LocalFrame, context: AnalysisContext) -> Bool {
        if node.kind == .call, let opener = node.child(.function) {
            return context.semantics.resolves(opener, to: "open", "io.open", "gzip.open", "bz2.open", "lzma.open", "codecs.open")
        }
        guard node.kind == .identifier else { return false }
        if case .unbounded(let source) = context.sizer.size(of: node), source == "a file's lines" { return true }
        return false
    }

    static func isLarge(_ size: IterableSize, threshold: Int) -> Bool {
        if size.isUnknown { return false }
        if case .unbounded(let source) = size { return inputSources.contains(source) }
        return size.reaches(threshold)
    }

    /// A collection built from its source: a cursor's rows count only when fetched whole on purpose
    /// (`fetchall()` bound directly); one built from them by a comprehension is usually a query of
    /// metadata (`PRAGMA table_info`: a table's columns), not of data.
    static func isLargeCollection(_ size: IterableSize, threshold: Int) -> Bool {
        if case .unbounded(let source) = size, source == "a database cursor's rows" { return false }
        return isLarge(size, threshold: threshold)
    }

    static func describe(_ container: String, size: IterableSize, shape: ElementShape, estimate: ByteEstimate) -> String {
        switch size {
        case .unbounded(let source): "a \(container) with an item for each of \(source) (grows with input)"
        case .exactly(let n): "a \(container) of ~\(CollectionSizes.formatCount(n)) \(shape.pluralNoun) (\(estimate.summary) on \(estimate.version.displayName))"
        case .atMost(let n): "a \(container) of up to \(CollectionSizes.formatCount(n)) \(shape.pluralNoun) (up to \(ByteEstimate.format(estimate.upperBytes ?? 0)))"
        }
    }

    // MARK: - Uses

    /// Whether an occurrence of a name (re)binds or deletes it rather than reading it.
    static func isBinding(_ identifier: Node) -> Bool {
        var node = identifier
        while let parent = node.parent,
              [.patternList, .tuplePattern, .listPattern, .listSplatPattern, .parenthesizedExpression, .expressionList, .tuple, .list].contains(parent.kind) {
            node = parent
        }
        guard let parent = node.parent else { return false }
        switch parent.kind {
        case .assignment, .augmentedAssignment, .forStatement, .forInClause:
            return node.field == .left
        case .namedExpression:
            return node.field == .name
        case .asPatternTarget, .deleteStatement, .globalStatement, .nonlocalStatement, .parameters, .defaultParameter,
             .typedParameter, .typedDefaultParameter, .aliasedImport, .dottedName:
            return true
        default:
            return false
        }
    }

    /// Methods that keep their argument beyond the call: containers, queues, and asynchronous APIs that
    /// hold the arguments until the work they schedule has run (`pool.map_async(f, args)`).
    static let storingMethods: Set<String> = [
        "append", "add", "insert", "appendleft", "put", "put_nowait", "setdefault", "__setitem__", "send", "set_result",
        "map_async", "apply_async", "starmap_async", "imap", "imap_unordered", "submit", "call_soon",
        "call_soon_threadsafe", "call_later", "run_in_executor", "create_task", "ensure_future", "start_soon",
    ]
    static let retainingCalls: Set<String> = [
        "memoryview", "iter", "io.BytesIO", "io.StringIO", "functools.partial", "zip", "enumerate", "map", "filter",
        "reversed", "setattr", "threading.Thread", "multiprocessing.Process", "weakref.finalize", "contextvars.ContextVar",
    ]

    /// Whether a read of the name hands the value itself to something that may outlive the read:
    /// a return or yield, an alias or a store, a container, a storing method, a wrapper that keeps it.
    static func escapes(_ use: Node, context: AnalysisContext) -> Bool {
        var node = use
        while let parent = node.parent {
            switch parent.kind {
            case .parenthesizedExpression, .conditionalExpression, .booleanOperator, .expressionList:
                node = parent
                continue
            case .list, .tuple, .set, .dictionary, .pair, .listSplat, .dictionarySplat, .keywordArgument:
                return true
            case .returnStatement, .yield, .await, .lambda:
                return true
            case .assignment, .augmentedAssignment:
                return node.field == .right || node.field == .type
            case .namedExpression:
                return true
            case .argumentList:
                guard let call = parent.parent, call.kind == .call, let function = call.child(.function) else { return false }
                if function.kind == .attribute, let method = function.child(.attribute)?.text, storingMethods.contains(method) { return true }
                if let name = context.semantics.qualifiedName(of: function), retainingCalls.contains(name) { return true }
                return false
            default:
                return false
            }
        }
        return false
    }

    // MARK: - Where the last use ends, and what runs after it

    /// The statement holding `use` that is a direct child of the innermost block also holding `statement`.
    static func anchor(of use: Node, after statement: Node) -> (Node, Node)? {
        var child = use
        for ancestor in use.ancestors {
            if ancestor.kind == .block || ancestor.kind == .module {
                if ancestor.contains(statement) { return (child, ancestor) }
            }
            if ancestor.kind == .functionDefinition { return nil }
            child = ancestor
        }
        return nil
    }

    enum WorkKind { case loop, suspend, call }

    struct Work {
        let node: Node
        let kind: WorkKind
        let phrase: String
        var suspender: String = "frame"
    }

    static let blockingMethods: Set<String> = [
        "serve_forever", "run_forever", "run_until_complete", "mainloop", "run", "join", "wait", "sleep",
        "communicate", "wait_closed", "wait_for_termination", "exec_",
    ]

    /// The first long-running work after `anchor`, walking out of enclosing blocks up to the function body.
    static func laterWork(after anchor: Node, in block: Node, frame: LocalFrame, context: AnalysisContext) -> Work? {
        var current = anchor
        var container = block
        while true {
            var sibling = current.nextNamedSibling
            while let statement = sibling {
                defer { sibling = statement.nextNamedSibling }
                if statement.kind == .comment { continue }
                if let work = longRunning(in: statement, frame: frame, context: context) { return work }
                if [.returnStatement, .raiseStatement, .breakStatement, .continueStatement].contains(statement.kind) { return nil }
            }
            // Leave the block: the statement that owns it, then its later siblings.
            guard container.kind == .block, var owner = container.parent else { return nil }
            if owner.kind == .functionDefinition { return nil }
            while [.elseClause, .elifClause, .exceptClause, .exceptGroupClause, .finallyClause, .caseClause, .withClause].contains(owner.kind),
                  let up = owner.parent { owner = up }
            if owner.kind == .functionDefinition || owner.kind == .classDefinition { return nil }
            guard let outer = owner.parent, outer.kind == .block || outer.kind == .module else { return nil }
            if outer.kind == .module { return nil }
            current = owner
            container = outer
        }
    }

    /// Long-running work inside one statement (not in nested functions, classes or lambdas).
    static func longRunning(in statement: Node, frame: LocalFrame, context: AnalysisContext) -> Work? {
        for node in frame.nodes(in: statement) {
            switch node.kind {
            case .yield:
                return Work(node: node, kind: .suspend, phrase: "the generator is suspended at `yield`", suspender: "generator")
            case .await:
                return Work(node: node, kind: .suspend, phrase: "the coroutine is suspended at `await`", suspender: "coroutine")
            case .whileStatement:
                guard let condition = node.child(.condition) else { continue }
                if condition.kind == .true || condition.textEquals("1") {
                    return Work(node: node, kind: .loop, phrase: "the function runs an endless `while \(condition.text)` loop")
                }
            case .forStatement, .withStatement:
                if node.children.contains(where: { !$0.isNamed && $0.textEquals("async") }) {
                    return Work(node: node, kind: .suspend, phrase: "the coroutine is suspended in `async \(node.kind == .forStatement ? "for" : "with")`", suspender: "coroutine")
                }
                if node.kind == .forStatement, let iterable = node.child(.right) {
                    let size = context.sizer.size(of: iterable)
                    // A loop over a cursor's rows is often a short metadata query (sqlalchemy's
                    // `sys.fulltext_catalogs`): only input lines and large folded sizes count as long.
                    if isLargeCollection(size, threshold: context.settings.largeThreshold) {
                        return Work(node: node, kind: .loop, phrase: "the function loops over `\(ShortText.short(iterable.text))`")
                    }
                }
            case .call:
                if let phrase = blockingCall(node, context: context) {
                    return Work(node: node, kind: .call, phrase: phrase)
                }
            default:
                continue
            }
        }
        return nil
    }

    /// "the function waits in `server.serve_forever()`" for a call that blocks for long.
    static func blockingCall(_ call: Node, context: AnalysisContext) -> String? {
        guard let function = call.child(.function) else { return nil }
        let arguments = call.child(.arguments)?.namedChildren.filter { $0.kind != .comment } ?? []
        let positional = arguments.filter { $0.kind != .keywordArgument }
        let method: String
        var receiver: Node?
        switch function.kind {
        case .attribute:
            guard let attribute = function.child(.attribute)?.text else { return nil }
            method = attribute
            receiver = function.child(.object)
        case .identifier:
            guard let name = context.semantics.qualifiedName(of: function) else { return nil }
            switch name {
            case "time.sleep": method = "sleep"
            case "asyncio.run", "subprocess.run": method = "run"
            default: return nil
            }
        default:
            return nil
        }
        guard blockingMethods.contains(method) else { return nil }
        if let receiver, receiver.kind == .string || receiver.kind == .concatenatedString { return nil }
        let qualified = context.semantics.qualifiedName(of: function) ?? ""
        switch method {
        case "join":
            // `thread.join()`, `proc.join(5)`: not `", ".join(parts)` or `os.path.join(a, b)`.
            guard positional.isEmpty || (positional.count == 1 && (positional[0].kind == .integer || positional[0].kind == .float)) else { return nil }
            if qualified.hasPrefix("os.path") || qualified.hasPrefix("posixpath") || qualified.hasPrefix("ntpath") { return nil }
        case "sleep":
            if qualified != "time.sleep" && qualified != "asyncio.sleep" && receiver?.kind != .identifier { return nil }
            if let first = positional.first, first.kind == .integer || first.kind == .float,
               let value = Double(first.text.replacingAll("_", with: "")), value < 1 { return nil }
            if positional.isEmpty { return nil }
        case "wait":
            guard positional.count <= 1 else { return nil }
            if let first = positional.first, first.kind != .integer && first.kind != .float && first.kind != .none { return nil }
        case "run":
            // `asyncio.run(main())`, `subprocess.run(cmd)`, `app.run()`, `runner.run(suite)`.
            if qualified != "asyncio.run" && qualified != "subprocess.run" && positional.count > 1 { return nil }
        default:
            break
        }
        return "the function waits in `\(ShortText.short(function.text))()`"
    }

    // MARK: - Fix

    /// `del name` on its own line after the anchor statement, when the assignment always runs first
    /// (it sits in the anchor's block, or in `with` statements directly inside it).
    static func delFix(name: String, statement: Node, anchor: Node, block: Node, context: AnalysisContext) -> Fix? {
        var node = statement
        while let parent = node.parent, parent != block {
            guard parent.kind == .block || parent.kind == .withStatement else { return nil }
            node = parent
        }
        let bytes = context.source.bytes
        var lineEnd = anchor.range.end
        while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") {
            // Only whitespace or a comment may follow the statement on its line.
            if bytes[lineEnd] == UInt8(ascii: ";") || bytes[lineEnd] == UInt8(ascii: "\\") { return nil }
            lineEnd += 1
        }
        guard lineEnd < bytes.count else { return nil }
        var lineStart = anchor.range.start
        while lineStart > 0 && bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        let indentBytes = bytes[lineStart..<anchor.range.start]
        guard indentBytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return nil }
        let indent = String(decoding: indentBytes, as: UTF8.self)
        return Fix(title: "Delete `\(name)` after its last use", applicability: .unsafe,
                   edits: [TextEdit(range: lineEnd + 1..<lineEnd + 1, replacement: "\(indent)del \(name)\n")])
    }
}

/// One function's own frame: its nodes without nested functions, classes and lambdas.
struct LocalFrame {
    let function: Node
    /// Nodes of the frame in source order.
    let ownNodes: [Node]
    /// Identifiers the frame reads or binds, by name, in source order.
    let identifiers: [String: [Node]]
    /// Names that nested functions, lambdas or classes mention (may be closure cells).
    let capturedNames: Set<String>
    /// Simple `name = value` assignments of the frame.
    let assignments: [Node]
    /// The value of each name bound exactly once by a simple assignment.
    let singleValue: [String: Node]
    let readsLocals: Bool
    let isGenerator: Bool

    init(function: Node, body: Node) {
        self.function = function
        var own: [Node] = []
        var captured: Set<String> = []
        var nestedEnd = -1
        for node in body.descendants {
            if node.range.start < nestedEnd {
                if node.kind == .identifier { captured.insert(node.text) }
                continue
            }
            if node.kind == .functionDefinition || node.kind == .classDefinition || node.kind == .lambda {
                nestedEnd = node.range.end
                continue
            }
            own.append(node)
        }
        var identifiers: [String: [Node]] = [:]
        var assignments: [Node] = []
        var counts: [String: Int] = [:]
        var values: [String: Node] = [:]
        var readsLocals = false
        var isGenerator = false
        for node in own {
            switch node.kind {
            case .identifier:
                if let parent = node.parent {
                    if parent.kind == .attribute && node.field == .attribute { continue }
                    if parent.kind == .keywordArgument && node.field == .name { continue }
                }
                identifiers[node.text, default: []].append(node)
                if ["locals", "vars", "exec", "eval"].contains(node.text), node.parent?.kind == .call, node.field == .function { readsLocals = true }
            case .assignment:
                assignments.append(node)
                if let left = node.child(.left), left.kind == .identifier {
                    counts[left.text, default: 0] += 1
                    if let right = node.child(.right) { values[left.text] = right }
                }
            case .yield:
                isGenerator = true
            default:
                continue
            }
        }
        self.ownNodes = own
        self.identifiers = identifiers
        self.capturedNames = captured
        self.assignments = assignments
        self.singleValue = values.filter { counts[$0.key] == 1 }
        self.readsLocals = readsLocals
        self.isGenerator = isGenerator
    }

    /// The frame's nodes inside `statement` (itself included), in source order.
    func nodes(in statement: Node) -> ArraySlice<Node> {
        let start = statement.range.start, end = statement.range.end
        let lower = lowerBound(start)
        var upper = lower
        while upper < ownNodes.count && ownNodes[upper].range.start < end { upper += 1 }
        return ownNodes[lower..<upper].filter { statement.contains($0) || $0 == statement }[...]
    }

    private func lowerBound(_ offset: Int) -> Int {
        var low = 0, high = ownNodes.count
        while low < high {
            let mid = (low + high) / 2
            if ownNodes[mid].range.start < offset { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// One-line, shortened source text for messages.
enum ShortText {
    static func short(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 40 ? String(oneLine.prefix(37)) + "..." : oneLine
    }
}
