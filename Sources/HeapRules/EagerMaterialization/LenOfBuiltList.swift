import HeapModel
import HeapSemantics
import HeapSyntax

/// HL303: `len([... for ...])`: a large list built only to be counted.
public struct LenOfBuiltList: Rule {
    public static let metadata = RuleMetadata(
        code: "HL303", name: "len-of-built-list", family: .eagerMaterialization, status: .stable,
        severity: .warning, fix: .sometimes,
        summary: "A large list comprehension is built only to take its len().",
        doc: RuleDoc(
            whatItFinds: """
            `len()` of a list comprehension whose size reaches `large-threshold` (10,000 items by default) \
            or is shown to grow with input: `len([r for r in csv.reader(fh) if r])`. Set comprehensions are \
            not reported: `len({...})` counts distinct values, which needs the set. An iterable whose size heaplint cannot know (a parameter, an attribute, a call it cannot see through: the fields of one model, the entities of one query) is not a finding by default; `--preview` (or `preview = true`) reports it too.
            """,
            whyItMatters: """
            Every element is built and kept in the list (8 bytes per slot, over-allocated while growing, \
            plus each element object) only for `len()` to read one number and drop the list. Counting with \
            `sum(1 for ...)` builds no element at all: each iteration adds the shared small int `1`, and \
            the generator is ~200 bytes.
            """,
            example: """
            ```python
            n_errors = len([line for line in open(path) if "ERROR" in line])
            ```
            """,
            useInstead: """
            ```python
            n_errors = sum(1 for line in open(path) if "ERROR" in line)
            ```
            """,
            whenItsFine: """
            Small, literal-sized inputs. When the list is also used afterwards, build it once and take \
            `len()` of the stored list: that is not this pattern. `len` rebound in the module is not the builtin.
            """,
            fixSafety: """
            `len([e for x in xs if c])` → `sum(1 for x in xs if c)` drops the element expression `e`, so \
            the fix is unsafe when `e` or a filter may have side effects (a call, `await`, `:=`); it is \
            safe otherwise. No fix when a comment \
            sits between `[` and the end of the element, nor when `sum` is not the builtin where the fix \
            lands (bound in the module or the function: `sum = 3`, a parameter, an import, a `def`, a \
            `global`); only an unsafe one after `from m import *`, which may bind `sum`.
            """,
            references: ["https://docs.python.org/3/library/functions.html#sum"]),
        examples: [
            .triggering("""
            def count_errors(path):
                with open(path) as fh:
                    return len(↓[line for line in fh if "ERROR" in line])
            """, fixed: """
            def count_errors(path):
                with open(path) as fh:
                    return sum(1 for line in fh if "ERROR" in line)
            """),
            .triggering("""
            evens = len(↓[i for i in range(10**6) if i % 2 == 0])
            """, fixed: """
            evens = sum(1 for i in range(10**6) if i % 2 == 0)
            """),
            .nonTriggering("""
            def active_users(users):
                # `users` has a size heaplint cannot know: reported only with --preview
                return len([u for u in users if u.active])
            """),
            .triggering("""
            import csv

            def count_rows(fh):
                return len(↓[row for row in csv.reader(fh) if row])
            """, fixed: """
            import csv

            def count_rows(fh):
                return sum(1 for row in csv.reader(fh) if row)
            """),
            .triggering("""
            def count_parsed(path):
                with open(path) as lines:
                    return len(↓[parse(line) for line in lines])
            """, fixed: """
            def count_parsed(path):
                with open(path) as lines:
                    return sum(1 for line in lines)
            """),
            .triggering("""
            def count_long(path):
                with open(path) as lines:  # one item per line
                    return len(↓[ln for ln in lines if len(ln) > 80])
            """, fixed: """
            def count_long(path):
                with open(path) as lines:  # one item per line
                    return sum(1 for ln in lines if len(ln) > 80)
            """),
            .triggering("""
            LIMIT = 20_000
            hits = len(↓[n for n in range(LIMIT) if n % 7 == 3])
            """, fixed: """
            LIMIT = 20_000
            hits = sum(1 for n in range(LIMIT) if n % 7 == 3)
            """),
            .nonTriggering("""
            n = len([c for c in "hello" if c in "aeiou"])
            """),
            .nonTriggering("""
            n = len([i for i in range(100) if i % 3 == 0])
            """),
            .nonTriggering("""
            def count(rows):
                kept = [r for r in rows if r.ok]
                return len(kept), kept
            """),
            .nonTriggering("""
            def count(rows):
                return sum(1 for r in rows if r.ok)
            """),
            .nonTriggering("""
            from sizes import len

            def count(rows):
                return len([r for r in rows if r.ok])
            """),
            .triggering("""
            sum = 0

            def count_even():
                return len(↓[i for i in range(10**6) if i % 2 == 0])
            """),
            .nonTriggering("""
            def distinct_words(fh):
                return len({w for line in fh for w in line.split()})
            """),
            .nonTriggering("""
            def count_flags(*flags):
                return len([f for f in flags if f])
            """),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        let facts = EagerFacts(context)
        var findings: [Finding] = []
        for call in context.tree.nodes(ofKind: .call) {
            // Only `len` of a list comprehension is reported: look at the argument before the name.
            guard let argumentList = call.child(.arguments),
                  argumentList.namedChildren.contains(where: { $0.kind == .listComprehension }) else { continue }
            guard facts.calleeName(call) == "len", let arguments = facts.positionalArguments(call), arguments.count == 1,
                  call.child(.arguments)?.namedChildren.filter({ $0.kind != .comment }).count == 1 else { continue }
            let comprehension = arguments[0]
            // `len({...})` counts distinct values: the set is the point, not waste.
            guard comprehension.kind == .listComprehension, !facts.isAsync(comprehension) else { continue }
            let size = facts.sizer.size(ofComprehension: comprehension)
            guard size.reaches(context.settings.largeThreshold, countingUnknown: context.settings.preview) else { continue }
            let shape = facts.sizer.elementShape(ofComprehension: comprehension)
            let isList = comprehension.kind == .listComprehension
            let container: CollectionSizes.Container = isList ? .grownList : .set
            let name = isList ? "list" : "set"
            let estimate = CollectionSizes.estimate(container, size: size, shape: shape, version: facts.version)
            let message = "\(facts.buildsPhrase(name, size: size, shape: shape, estimate: estimate).sentenceCased) only to count it; `sum(1 for ...)` keeps \(facts.generatorSummary)"
            let explanation = HeapExplanation(
                path: [ReferenceStep(from: "len() argument", via: "", to: name, site: comprehension.range, line: facts.line(comprehension)),
                       ReferenceStep(from: name, via: "", to: facts.itemsStep(size: size, shape: shape))],
                estimate: estimate,
                mechanism: "every element is built and kept until len() returns; then reference counting frees the \(name)",
                remedy: isList ? "count with sum(1 for ...), which builds no element" : "count distinct values with a set you keep, or accept the set")
            var fix: Fix?
            // The fix writes a call to `sum`: none when `sum` is not the builtin where it lands.
            if isList, let body = comprehension.child(.body),
               !facts.hasComment(in: comprehension.range.start..<body.range.end),
               let applicability = facts.fixApplicability(facts.mayHaveSideEffects(comprehension) ? .unsafe : .safe,
                                                          calling: ["len", "sum"], at: call) {
                let close = comprehension.range.end - 1
                fix = Fix(title: "Count with sum(1 for ...)", applicability: applicability,
                          edits: [TextEdit(range: call.range.start..<body.range.end, replacement: "sum(1"),
                                  TextEdit(range: close..<close + 1, replacement: "")])
            }
            findings.append(Finding(Self.self, range: comprehension.range, message: message, explanation: explanation, fix: fix))
        }
        return findings
    }
}
