import HeapModel
import HeapSemantics
import HeapSyntax

/// HL406: large data built at import time and kept in module globals.
public struct LargeImportTimeData: Rule {
    public static let metadata = RuleMetadata(
        code: "HL406", name: "large-import-time-data", family: .processLifetime, status: .preview,
        severity: .warning, fix: .never,
        summary: "A large collection or a whole file is built at import time and kept in module globals.",
        doc: RuleDoc(
            whatItFinds: """
            A module-level assignment whose value is a comprehension or `list(range(...))` whose folded \
            size reaches `large-threshold` (10,000 items by default) or that reads input of unknown size \
            (a file's lines, a CSV reader), or a whole file read with `open(...).read()` / `.readlines()` / \
            `json.load(open(...))`. Only top-level statements count: code under `if __name__ == \
            "__main__":` runs as a script, not at import.
            """,
            whyItMatters: """
            Module globals live in the module's `__dict__`, which `sys.modules` keeps until the process \
            exits. Data built there is paid for by every program that imports the module, even one that \
            never uses it, and it can never be freed: a list of a million ints is ~41 MB for the life of \
            the process, and a file read whole is as large as the file.
            """,
            example: """
            ```python
            SQUARES = [i * i for i in range(10**6)]
            WORDS = open("/usr/share/dict/words").read().split()
            ```
            """,
            useInstead: """
            Build it where it is used, or lazily and once: a function decorated with \
            `functools.cache` that returns the data, so importers that never call it pay nothing. For \
            a lookup, compute the value (`i * i`) instead of tabulating it.
            """,
            whenItsFine: """
            Small tables (fewer than `large-threshold` items, such as a 256-entry byte table), data built \
            inside functions or under `if __name__ == "__main__":`, and comprehensions over iterables \
            heaplint cannot size (they are usually small configuration).
            """,
            references: ["https://docs.python.org/3/library/functools.html#functools.cache"]),
        examples: [
            .triggering("""
            SQUARES = ↓[i * i for i in range(10**6)]
            """, oracle: .run()),
            .triggering("""
            WORDS = ↓open("/usr/share/dict/words").read().split()
            """, oracle: .run(prelude: """
                import io

                def open(path, *args, **kwargs):  # a stand-in dictionary: the test machine may have none
                    return io.StringIO("heap\\n" * 100_000)
                """)),
            .triggering("""
            import json

            CATALOG = ↓json.load(open("catalog.json"))
            """, oracle: .run(prelude: """
                import io, json

                def open(path, *args, **kwargs):  # a stand-in catalog.json
                    return io.StringIO(json.dumps({f"item-{i}": {"price": i} for i in range(20_000)}))
                """)),
            .triggering("""
            LIMIT = 50_000
            PRIMES = ↓{n for n in range(2, LIMIT) if all(n % d for d in range(2, int(n ** 0.5) + 1))}
            """, oracle: .run()),
            .triggering("""
            IDS = ↓list(range(100_000))
            """, oracle: .run()),
            .triggering("""
            import csv

            with open("rates.csv") as _fh:
                pass
            RATES = ↓[row for row in csv.reader(open("rates.csv"))]
            """, oracle: .run(prelude: """
                import io

                def open(path, *args, **kwargs):  # a stand-in rates.csv
                    return io.StringIO("".join(f"EUR{i},1.{i}\\n" for i in range(20_000)))
                """)),
            .nonTriggering("""
            BYTE_TABLE = [bin(i).count("1") for i in range(256)]
            """, oracle: .run()),
            .nonTriggering("""
            def squares():
                return [i * i for i in range(10**6)]
            """, oracle: .run("squares()")),
            .nonTriggering("""
            if __name__ == "__main__":
                data = open("input.txt").read()
                print(len(data))
            """, oracle: .run()),
            .nonTriggering("""
            import functools

            @functools.cache
            def words():
                with open("/usr/share/dict/words") as fh:
                    return fh.read().split()
            """, oracle: .run(prelude: """
                import io

                def open(path, *args, **kwargs):  # a stand-in dictionary: the test machine may have none
                    return io.StringIO("heap\\n" * 100_000)
                """)),
            .nonTriggering("""
            NAMES = [n.upper() for n in CONFIG_NAMES]
            """, oracle: .run(prelude: "CONFIG_NAMES = ['host', 'port', 'user']")),
            .nonTriggering("""
            SQUARES = (i * i for i in range(10**6))
            """, oracle: .run()),
        ])

    public init() {}

    public func check(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for statement in context.tree.root.namedChildren where statement.kind == .expressionStatement {
            guard let assignment = statement.firstNamedChild, assignment.kind == .assignment,
                  let left = assignment.child(.left), let value = assignment.child(.right) else { continue }
            let name = left.text
            guard let (description, estimate) = Self.largeValue(value, context: context) else { continue }
            let line = value.start.line + 1
            let explanation = HeapExplanation(
                path: [ReferenceStep(from: "sys.modules", via: "", to: "module"),
                       ReferenceStep(from: "module globals", via: "", to: "\(name) (line \(line))", site: value.range, line: line)],
                estimate: estimate,
                mechanism: "module globals live until the interpreter exits; nothing ever drops this reference",
                remedy: "build the data inside the function that uses it, or behind a functools.cache'd function")
            findings.append(Finding(Self.self, range: value.range,
                message: "\(description.sentenceCased) at import time and keeps it in `\(name)` for the life of the process; build it where it is used",
                explanation: explanation))
        }
        return findings
    }

    /// What a value built at module level is and how large, when it is large data: a comprehension or
    /// `list(range(n))` reaching `large-threshold`, or a whole file read. HL407 asks the same of a
    /// notebook cell's displayed result.
    static func largeValue(_ value: Node, context: AnalysisContext) -> (description: String, estimate: ByteEstimate)? {
        let folder = context.folder
        let sizer = context.sizer
        let version = context.settings.targetVersion
        var description: String?
        var estimate: ByteEstimate?
        switch value.kind {
        case .listComprehension, .setComprehension, .dictionaryComprehension:
            let size = sizer.size(ofComprehension: value)
            // Unknown iterables at import time are usually small configuration; only named inputs count.
            if case .unbounded(let source) = size, source.hasPrefix("`") { return nil }
            guard size.reaches(context.settings.largeThreshold) else { return nil }
            let shape = sizer.elementShape(ofComprehension: value)
            let container: CollectionSizes.Container = value.kind == .listComprehension ? .grownList : value.kind == .setComprehension ? .set : .dict
            let e = CollectionSizes.estimate(container, size: size, shape: shape, version: version)
            estimate = e
            description = Self.describe(container.name, size: size, shape: shape, estimate: e)
        case .call:
            if let function = value.child(.function), context.semantics.resolves(function, to: "list"), folder.isBuiltin("list", at: value),
               let inner = value.child(.arguments)?.namedChildren.first(where: { $0.kind != .comment }), inner.kind == .call,
               inner.child(.function)?.textEquals("range") == true {
                let size = sizer.size(of: inner)
                guard let n = size.upperCount, n >= context.settings.largeThreshold else { return nil }
                let e = CollectionSizes.estimate(.exactList, size: size, shape: .int(maxMagnitude: n), version: version)
                estimate = e
                description = Self.describe("list", size: size, shape: .int(maxMagnitude: n), estimate: e)
            } else if Self.readsWholeFile(value, semantics: context.semantics) {
                estimate = ByteEstimate(lowerBytes: 49, upperBytes: nil, version: version, basis: "the whole file's contents")
                description = "reads a whole file (as large as the file)"
            }
        default:
            return nil
        }
        guard let description, let estimate else { return nil }
        return (description, estimate)
    }

    static func describe(_ container: String, size: IterableSize, shape: ElementShape, estimate: ByteEstimate) -> String {
        switch size {
        case .unbounded(let source): "builds a \(container) with an item for each of \(source)"
        case .exactly(let n): "builds a \(container) of ~\(CollectionSizes.formatCount(n)) \(shape.pluralNoun) (\(estimate.summary) on \(estimate.version.displayName))"
        case .atMost(let n): "builds a \(container) of up to \(CollectionSizes.formatCount(n)) \(shape.pluralNoun) (up to \(ByteEstimate.format(estimate.upperBytes ?? 0)))"
        }
    }

    /// `open(p).read()`, `open(p).readlines()`, `json.load(open(p))`, optionally followed by `.split()` etc.
    static func readsWholeFile(_ value: Node, semantics: SemanticModel) -> Bool {
        var current = value
        for _ in 0..<4 {
            guard current.kind == .call, let function = current.child(.function) else { return false }
            if let name = semantics.qualifiedName(of: function), ["json.load", "pickle.load", "tomllib.load", "yaml.safe_load", "yaml.load"].contains(name) {
                guard let argument = current.child(.arguments)?.namedChildren.first(where: { $0.kind != .comment }), argument.kind == .call,
                      let opener = argument.child(.function) else { return false }
                return semantics.resolves(opener, to: "open", "io.open")
            }
            guard function.kind == .attribute, let method = function.child(.attribute)?.text, let receiver = function.child(.object) else { return false }
            if method == "read" || method == "readlines" || method == "read_text" || method == "read_bytes" {
                if receiver.kind == .call, let opener = receiver.child(.function) {
                    if semantics.resolves(opener, to: "open", "io.open", "pathlib.Path") { return true }
                }
                return false
            }
            if ["split", "splitlines", "strip", "decode", "lower"].contains(method) { current = receiver; continue }
            return false
        }
        return false
    }
}
