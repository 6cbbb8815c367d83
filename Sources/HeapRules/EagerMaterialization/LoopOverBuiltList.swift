import HeapModel
import HeapSemantics
import HeapSyntax

/// HL302: a `for` loop over a list built just for it: `for x in [... for ...]`,
/// `for i in list(range(n))`, `for line in fh.readlines()`.
public struct LoopOverBuiltList: Rule {
    public static let metadata = RuleMetadata(
        code: "HL302", name: "loop-over-built-list", family: .eagerMaterialization, status: .stable,
        severity: .warning, fix: .sometimes,
        summary: "A for loop iterates a large list built only for the loop.",
        doc: RuleDoc(
            whatItFinds: """
            A `for` statement whose iterable is a freshly built list that is large or grows with input: \
            `for line in fh.readlines()` (the whole file), `for i in list(range(n))`, or a list \
            comprehension `for x in [f(y) for y in ys]`. Sizes come from folded `range` bounds and module \
            constants; files, `readlines()`, cursors and directory walks count as growing with input, and \
            so does a list of slices that together copy a sequence (`[objs[i:i + n] for i in \
            range(0, len(objs), n)]`, django's `bulk_create` batching). An iterable whose size heaplint cannot know (a parameter, an attribute, a call it cannot see through: the fields of one model, the entities of one query) is not a finding by default; `--preview` (or `preview = true`) reports it too.
            """,
            whyItMatters: """
            `readlines()` reads the file to the end and keeps one `str` per line (49 bytes plus the \
            text) in a list before the first iteration; a file object yields one line at a time and the \
            previous line is freed by reference counting. `list(range(n))` turns a 48-byte range object \
            into `56 + 8n` bytes of pointers plus an int object per item past 256. A comprehension as \
            the loop iterable keeps every item alive for the whole loop.
            """,
            example: """
            ```python
            for line in fh.readlines():
                handle(line)
            for i in list(range(10**6)):
                work(i)
            ```
            """,
            useInstead: """
            ```python
            for line in fh:
                handle(line)
            for i in range(10**6):
                work(i)
            ```
            """,
            whenItsFine: """
            Small literal sizes. A comprehension (or `list(...)` of a collection) used to take a snapshot \
            because the loop body changes the collection it came from (`for c in [c for c in node.children \
            if c.dead]: node.children.remove(c)`) is needed and is not reported: heaplint stays quiet when \
            the loop body mentions the comprehension's source. `list(d)` / `list(d.items())` copies are \
            never reported.
            """,
            fixSafety: """
            `list(range(n))` → `range(n)` is safe (a range cannot change during the loop). Dropping \
            `.readlines()` is safe when the file comes from `open(...)` in the same function and the loop \
            body does not touch it (reading from or seeking in the file while iterating it would behave \
            differently); otherwise it is unsafe. Turning a list comprehension into a generator is unsafe: \
            its elements are then computed between loop iterations instead of before the loop.
            """,
            references: [
                "https://docs.python.org/3/library/io.html#io.IOBase.readlines",
                "https://docs.python.org/3/library/stdtypes.html#range",
            ]),
        examples: LoopOverBuiltListExamples.all)

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let facts = EagerFacts(context)
        var findings: [Finding] = []
        for loop in context.tree.nodes(ofKind: .forStatement) {
            guard let iterable = loop.child(.right), let body = loop.child(.body) else { continue }
            if loop.children.contains(where: { !$0.isNamed && $0.textEquals("async") }) { continue }
            if let finding = finding(loop: loop, iterable: iterable, body: body, facts: facts) {
                findings.append(finding)
            }
        }
        return findings
    }

    private func finding(loop: Node, iterable: Node, body: Node, facts: EagerFacts) -> Finding? {
        let version = facts.version
        switch iterable.kind {
        case .listComprehension:
            guard !facts.isAsync(iterable) else { return nil }
            // A snapshot taken because the body changes the source collection is needed.
            let sources = iterable.namedChildren.filter { $0.kind == .forInClause }.compactMap { $0.child(.right) }
            let bodyText = body.text
            for source in sources {
                for identifier in [source] + Array(source.descendants) where identifier.kind == .identifier || identifier.kind == .attribute {
                    if Self.mentions(bodyText, identifier.text) { return nil }
                }
            }
            let size = facts.sizer.size(ofComprehension: iterable)
            guard size.reaches(facts.context.settings.largeThreshold, countingUnknown: facts.context.settings.preview) else { return nil }
            let shape = facts.sizer.elementShape(ofComprehension: iterable)
            let estimate = CollectionSizes.estimate(.grownList, size: size, shape: shape, version: version)
            let open = iterable.range.start, close = iterable.range.end - 1
            let fix = Fix(title: "Iterate a generator expression instead of a list", applicability: .unsafe,
                          edits: [TextEdit(range: open..<open + 1, replacement: "("),
                                  TextEdit(range: close..<close + 1, replacement: ")")])
            return make(iterable, "\(facts.buildsPhrase("list", size: size, shape: shape, estimate: estimate).sentenceCased) before the loop starts; a generator keeps \(facts.generatorSummary)",
                        holder: "for loop", container: "list", size: size, shape: shape,
                        estimate: estimate, remedy: "iterate a generator expression, or move the filter into the loop body",
                        fix: fix, facts: facts)
        case .call:
            guard let function = iterable.child(.function) else { return nil }
            if facts.calleeName(iterable) == "list", let arguments = facts.positionalArguments(iterable), arguments.count == 1,
               arguments[0].kind == .call, facts.calleeName(arguments[0]) == "range",
               iterable.child(.arguments)?.namedChildren.count == 1 {
                let range = arguments[0]
                let size = facts.sizer.size(of: range)
                guard size.reaches(facts.context.settings.largeThreshold, countingUnknown: facts.context.settings.preview) else { return nil }
                let bounds = range.child(.arguments)?.namedChildren.compactMap { facts.folder.integerValue(of: $0) } ?? []
                let shape: ElementShape = bounds.isEmpty ? .int(maxMagnitude: nil) : .int(maxMagnitude: bounds.map(abs).max())
                let estimate = CollectionSizes.estimate(.exactList, size: size, shape: shape, version: version)
                var fix: Fix?
                if !facts.hasComment(in: iterable.range.start..<range.range.start), !facts.hasComment(in: range.range.end..<iterable.range.end),
                   let applicability = facts.fixApplicability(.safe, calling: ["list", "range"], at: iterable) {
                    fix = Fix(title: "Iterate the range directly", applicability: applicability,
                              edits: [TextEdit(range: iterable.range.start..<range.range.start, replacement: ""),
                                      TextEdit(range: range.range.end..<iterable.range.end, replacement: "")])
                }
                return make(iterable, "\(facts.buildsPhrase("list", size: size, shape: shape, estimate: estimate).sentenceCased) from a range that is already iterable; `range` itself is 48 B",
                            holder: "for loop", container: "list", size: size, shape: shape,
                            estimate: estimate, remedy: "iterate the range object: it yields the same ints lazily", fix: fix, facts: facts)
            }
            if function.kind == .attribute, function.child(.attribute)?.textEquals("readlines") == true,
               let receiver = function.child(.object),
               let arguments = iterable.child(.arguments), arguments.namedChildren.filter({ $0.kind != .comment }).isEmpty {
                let size = IterableSize.unbounded(source: "a file's lines")
                let estimate = CollectionSizes.estimate(.grownList, size: size, shape: .string, version: version)
                let isOpenedFile: Bool
                if receiver.kind == .identifier, case .unbounded(let source) = facts.sizer.size(of: receiver), source == "a file's lines" {
                    isOpenedFile = true
                } else {
                    isOpenedFile = false
                }
                let touchesFile = Self.mentions(body.text, receiver.text)
                let safe = isOpenedFile && !touchesFile
                let fix: Fix? = facts.hasComment(in: receiver.range.end..<iterable.range.end) ? nil
                    : Fix(title: "Iterate the file object instead of readlines()", applicability: safe ? .safe : .unsafe,
                          edits: [TextEdit(range: receiver.range.end..<iterable.range.end, replacement: "")])
                return make(iterable, "Reads the whole file into a list of lines (grows with the file) before the loop starts; iterating the file object keeps one line at a time",
                            holder: "for loop", container: "list", size: size, shape: .string,
                            estimate: estimate, remedy: "iterate the file object: it yields one line at a time", fix: fix, facts: facts)
            }
            return nil
        default:
            return nil
        }
    }

    private func make(_ iterable: Node, _ message: String, holder: String, container: String, size: IterableSize,
                      shape: ElementShape, estimate: ByteEstimate, remedy: String, fix: Fix?, facts: EagerFacts) -> Finding {
        let explanation = HeapExplanation(
            path: [ReferenceStep(from: holder, via: "", to: container, site: iterable.range, line: facts.line(iterable)),
                   ReferenceStep(from: container, via: "", to: facts.itemsStep(size: size, shape: shape))],
            estimate: estimate,
            mechanism: "the loop's iterator holds the \(container) until the loop ends, so every item stays alive for the whole loop",
            remedy: remedy)
        return Finding(Self.self, range: iterable.range, message: message, explanation: explanation, fix: fix)
    }

    /// Whether `text` mentions `name` as a whole identifier or dotted chain.
    static func mentions(_ text: String, _ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let haystack = Array(text.utf8), needle = Array(name.utf8)
        guard haystack.count >= needle.count else { return false }
        func isIdentifierByte(_ b: UInt8) -> Bool { b == 95 || (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 128 }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i..<i + needle.count].elementsEqual(needle) {
                let before = i == 0 ? UInt8(32) : haystack[i - 1]
                let after = i + needle.count == haystack.count ? UInt8(32) : haystack[i + needle.count]
                if !isIdentifierByte(before) && before != 46 && !isIdentifierByte(after) { return true }
            }
            i += 1
        }
        return false
    }
}
