import HeapSemantics
import HeapSyntax

/// One local that keeps large data alive after its last use while its frame goes on with long-running
/// work (HL304). CPython's frame holds a strong reference to each local in its locals array
/// (`f_localsplus`) until the frame ends or the name is rebound or deleted; a suspended generator or
/// coroutine keeps that frame, and so every local, alive for as long as it stays suspended.
public struct LargeLocalRetention {
    /// The function whose frame holds the local.
    public let function: Node
    /// The name's binding target in `name = value`.
    public let target: Node
    public let large: LargeLocalQuery.Large
    /// The last read of the name.
    public let lastUse: Node
    /// The statement holding the last use, in the innermost block that also holds the assignment:
    /// `del name` belongs right after it.
    public let anchor: Node
    public let work: LargeLocalQuery.Work
    /// `del name` inserted after `anchor`, when the assignment always runs before it (nil: no safe place).
    public let deleteEdit: TextEdit?
    /// The last use is in the iterable of the `for` loop whose body does the long-running work
    /// (`for line in text.splitlines(): yield line`): the remedy is to bind the iterable first, then `del`.
    public let lastUseInLoopHeader: Bool

    public var name: String { target.text }
    public var functionName: String { function.child(.name)?.text ?? "function" }
}

/// Finds the `LargeLocalRetention`s of a module: for each simple `name = value` of a function's own frame
/// whose value is shown to be large (a whole file read, a payload decoded from one, a large folded
/// collection, a cursor's `fetchall()`), every later read of the name, none of which hands the value on
/// (returned, yielded, stored, aliased), and the first long-running work after the last read that still
/// runs in the same frame. Frames that read their own locals (`locals()`, `vars()`, `exec`, `eval`) are
/// left alone: for them the name is not dead after its last textual use.
public struct LargeLocalQuery {
    let tree: SyntaxTree
    let semantics: SemanticModel
    let folder: ConstantFolder
    let sizer: IterableSizer
    /// Item count from which a folded collection counts as large (`large-threshold`).
    let threshold: Int
    let version: TargetVersion

    public init(tree: SyntaxTree, semantics: SemanticModel, folder: ConstantFolder, sizer: IterableSizer,
                threshold: Int, version: TargetVersion) {
        self.tree = tree
        self.semantics = semantics
        self.folder = folder
        self.sizer = sizer
        self.threshold = threshold
        self.version = version
    }

    public func find() -> [LargeLocalRetention] {
        var found: [LargeLocalRetention] = []
        for function in tree.nodes(ofKind: .functionDefinition) {
            guard let body = function.child(.body) else { continue }
            let frame = LocalFrame(function: function, body: body)
            if frame.readsLocals { continue }
            for assignment in frame.assignments {
                if let retention = retention(for: assignment, frame: frame) { found.append(retention) }
            }
        }
        return found
    }

    // MARK: - One candidate

    func retention(for assignment: Node, frame: LocalFrame) -> LargeLocalRetention? {
        guard let target = assignment.child(.left), target.kind == .identifier,
              let value = assignment.child(.right), let statement = assignment.parent,
              statement.kind == .expressionStatement else { return nil }
        let name = target.text
        if frame.capturedNames.contains(name) { return nil }
        guard let large = largeValue(value, frame: frame, depth: 0) else { return nil }
        let occurrences = frame.identifiers[name] ?? []
        var uses: [Node] = []
        for occurrence in occurrences where occurrence != target {
            if Self.isBinding(occurrence) { return nil }
            uses.append(occurrence)
        }
        guard let last = uses.last else { return nil }
        for use in uses {
            if use.range.start < statement.range.end { return nil }
            if escapes(use) { return nil }
        }
        guard let (anchor, block) = Self.anchor(of: last, after: statement) else { return nil }
        // `for line in text.splitlines(): yield line`: the header is evaluated once, then the body runs
        // (and suspends) while the frame still holds `text`; no `del` fits without rebinding the iterable.
        if let loop = loopConsumingCopy(of: last, anchor: anchor), let loopBody = loop.child(.body),
           let work = firstWork(in: loopBody, frame: frame) {
            return LargeLocalRetention(function: frame.function, target: target, large: large, lastUse: last, anchor: anchor,
                                       work: work, deleteEdit: nil, lastUseInLoopHeader: true)
        }
        guard let work = laterWork(after: anchor, in: block, frame: frame) else { return nil }
        return LargeLocalRetention(function: frame.function, target: target, large: large, lastUse: last, anchor: anchor,
                                   work: work, deleteEdit: deleteEdit(name: name, statement: statement, anchor: anchor, block: block),
                                   lastUseInLoopHeader: false)
    }

    /// Methods and loaders whose result shares nothing with the value they read, so the iterator a loop
    /// holds does not keep it: `str.splitlines()` and `split()` copy each line into a new string,
    /// `json.loads()` builds new objects.
    static let copyingMethods: Set<String> = ["splitlines", "split"]

    /// The `for` statement `anchor` when `use` is the receiver of `use.splitlines()`/`use.split(...)` or the
    /// first argument of a payload loader that is the loop's whole iterable (a synchronous loop).
    /// `for x in data` itself is not one: the list iterator holds `data`, so deleting the name frees nothing.
    func loopConsumingCopy(of use: Node, anchor: Node) -> Node? {
        guard anchor.kind == .forStatement, !anchor.children.contains(where: { !$0.isNamed && $0.textEquals("async") }),
              let iterable = anchor.child(.right), iterable.kind == .call, let function = iterable.child(.function) else { return nil }
        if function.kind == .attribute, let method = function.child(.attribute)?.text, Self.copyingMethods.contains(method) {
            return function.child(.object) == use ? anchor : nil
        }
        guard let name = semantics.qualifiedName(of: function), name.hasPrefix("json.") || name.hasPrefix("pickle.") || name.hasPrefix("tomllib."),
              Self.payloadLoaders.contains(name) else { return nil }
        let arguments = iterable.child(.arguments)?.namedChildren.filter { $0.kind != .comment } ?? []
        return arguments.first == use ? anchor : nil
    }

    /// The first long-running work among a block's statements.
    func firstWork(in block: Node, frame: LocalFrame) -> Work? {
        for statement in block.namedChildren where statement.kind != .comment {
            if let work = longRunning(in: statement, frame: frame) { return work }
        }
        return nil
    }

    // MARK: - Large values

    /// What a local is bound to, in words ("a whole file's contents (as large as the file)"), and its size.
    public struct Large {
        public let noun: String
        public let estimate: ByteEstimate
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

    func largeValue(_ value: Node, frame: LocalFrame, depth: Int) -> Large? {
        guard depth < 6 else { return nil }
        let version = version
        let sizer = sizer
        let threshold = threshold
        func whole(_ noun: String) -> Large {
            Large(noun: noun, estimate: ByteEstimate(lowerBytes: 49, upperBytes: nil, version: version, basis: "the whole input's contents"))
        }
        switch value.kind {
        case .parenthesizedExpression:
            if let inner = value.firstNamedChild { return largeValue(inner, frame: frame, depth: depth + 1) }
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
            if let name = semantics.qualifiedName(of: function) {
                if !name.contains("."), folder.isBuiltin(name, at: value), Self.materializingBuiltins.contains(name),
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
                    if isOpenFile(argument, frame: frame) || largeValue(argument, frame: frame, depth: depth + 1) != nil
                        || largeLocal(argument, frame: frame, depth: depth) {
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
                if isOpenFile(receiver, frame: frame) {
                    return whole(method == "readlines" ? "a whole file's lines (as large as the file)" : "a whole file's contents (as large as the file)")
                }
                if semantics.qualifiedName(of: receiver) == "sys.stdin" || semantics.qualifiedName(of: receiver) == "sys.stdin.buffer" {
                    return whole("all of standard input (as large as the input)")
                }
                return nil
            case "fetchall":
                return noArguments ? whole("every row of a query result (grows with the data)") : nil
            default:
                if Self.wrappers.contains(method) {
                    if largeValue(receiver, frame: frame, depth: depth + 1) != nil || largeLocal(receiver, frame: frame, depth: depth) {
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
    func largeLocal(_ node: Node, frame: LocalFrame, depth: Int) -> Bool {
        guard node.kind == .identifier, let bound = frame.singleValue[node.text], bound.range.end <= node.range.start else { return false }
        return largeValue(bound, frame: frame, depth: depth + 1) != nil
    }

    /// `open(...)`, or a name bound by `with open(...) as f` / `f = open(...)`.
    func isOpenFile(_ node: Node, frame: LocalFrame) -> Bool {
        if node.kind == .call, let opener = node.child(.function) {
            return semantics.resolves(opener, to: "open", "io.open", "gzip.open", "bz2.open", "lzma.open", "codecs.open")
        }
        guard node.kind == .identifier else { return false }
        if case .unbounded(let source) = sizer.size(of: node), source == "a file's lines" { return true }
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
    func escapes(_ use: Node) -> Bool {
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
                if function.kind == .attribute, let method = function.child(.attribute)?.text, Self.storingMethods.contains(method) { return true }
                if let name = semantics.qualifiedName(of: function), Self.retainingCalls.contains(name) { return true }
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

    public enum WorkKind: Sendable { case loop, suspend, call }

    /// The long-running work after the last use: where it starts, what it is, and how to say it.
    public struct Work {
        public let node: Node
        public let kind: WorkKind
        /// "the function waits in `server.serve_forever()`".
        public let phrase: String
        /// What keeps the frame while suspended: "generator", "coroutine" (or "frame" when not suspended).
        public var suspender: String = "frame"
    }

    static let blockingMethods: Set<String> = [
        "serve_forever", "run_forever", "run_until_complete", "mainloop", "run", "join", "wait", "sleep",
        "communicate", "wait_closed", "wait_for_termination", "exec_",
    ]

    /// The first long-running work after `anchor`, walking out of enclosing blocks up to the function body.
    func laterWork(after anchor: Node, in block: Node, frame: LocalFrame) -> Work? {
        var current = anchor
        var container = block
        while true {
            var sibling = current.nextNamedSibling
            while let statement = sibling {
                defer { sibling = statement.nextNamedSibling }
                if statement.kind == .comment { continue }
                if let work = longRunning(in: statement, frame: frame) { return work }
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
    func longRunning(in statement: Node, frame: LocalFrame) -> Work? {
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
                    let size = sizer.size(of: iterable)
                    // A loop over a cursor's rows is often a short metadata query (sqlalchemy's
                    // `sys.fulltext_catalogs`): only input lines and large folded sizes count as long.
                    if Self.isLargeCollection(size, threshold: threshold) {
                        return Work(node: node, kind: .loop, phrase: "the function loops over `\(ShortText.short(iterable.text))`")
                    }
                }
            case .call:
                if let phrase = blockingCall(node) {
                    return Work(node: node, kind: .call, phrase: phrase)
                }
            default:
                continue
            }
        }
        return nil
    }

    /// "the function waits in `server.serve_forever()`" for a call that blocks for long.
    func blockingCall(_ call: Node) -> String? {
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
            guard let name = semantics.qualifiedName(of: function) else { return nil }
            switch name {
            case "time.sleep": method = "sleep"
            case "asyncio.run", "subprocess.run": method = "run"
            default: return nil
            }
        default:
            return nil
        }
        guard Self.blockingMethods.contains(method) else { return nil }
        if let receiver, receiver.kind == .string || receiver.kind == .concatenatedString { return nil }
        let qualified = semantics.qualifiedName(of: function) ?? ""
        switch method {
        case "join":
            // `thread.join()`, `proc.join(5)`: not `", ".join(parts)` or `os.path.join(a, b)`.
            guard positional.isEmpty || (positional.count == 1 && (positional[0].kind == .integer || positional[0].kind == .float)) else { return nil }
            if qualified.hasPrefix("os.path") || qualified.hasPrefix("posixpath") || qualified.hasPrefix("ntpath") { return nil }
        case "sleep":
            if qualified != "time.sleep" && qualified != "asyncio.sleep" && receiver?.kind != .identifier { return nil }
            if let first = positional.first, first.kind == .integer || first.kind == .float,
               let value = Double(String(first.text.filter { $0 != "_" })), value < 1 { return nil }
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
    func deleteEdit(name: String, statement: Node, anchor: Node, block: Node) -> TextEdit? {
        var node = statement
        while let parent = node.parent, parent != block {
            guard parent.kind == .block || parent.kind == .withStatement else { return nil }
            node = parent
        }
        let bytes = tree.source.bytes
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
        return TextEdit(range: lineEnd + 1..<lineEnd + 1, replacement: "\(indent)del \(name)\n")
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
