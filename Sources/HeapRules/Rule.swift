import HeapModel
import HeapSemantics
import HeapSyntax

/// A check. A rule is a stateless value: it reads the analysis context and returns findings. It never
/// parses text, reads files, prints or logs; a fact it lacks belongs in HeapSemantics or HeapModel.
public protocol Rule: Sendable {
    static var metadata: RuleMetadata { get }
    init()
    func check(_ context: AnalysisContext) -> [Finding]
}

/// Everything a rule may read about one file.
///
/// The costly models are built on first use and then shared by every rule that runs on the file:
/// the heap model only when an HL1/HL2 rule asks for it, constant folding once for all the size-aware
/// rules instead of once per rule. A context belongs to one analysis of one file on one thread (the
/// analyzer makes it, runs the rules in turn and drops it), so the memoisation needs no lock; it is
/// therefore not `Sendable`.
public final class AnalysisContext {
    public let tree: SyntaxTree
    public let settings: RuleSettings

    /// The project's other modules as this one sees them (nil: the file alone).
    public let project: ProjectContext?
    /// The file's path as given to the analyzer (nil: a bare source); some facts depend on it (test files).
    public let path: String?
    /// For a notebook: the 0-based first line of each code cell in the module (nil: not a notebook).
    public let notebookCellLines: [Int]?

    public init(tree: SyntaxTree, semantics: SemanticModel? = nil, settings: RuleSettings, heap: HeapGraph? = nil,
                project: ProjectContext? = nil, path: String? = nil, notebookCellLines: [Int]? = nil) {
        self.tree = tree
        self.path = path
        self.notebookCellLines = notebookCellLines
        self.project = project
        self.memoSemantics = semantics
        self.settings = settings
        self.memoHeap = heap
    }

    public var source: SourceText { tree.source }

    private var memoSemantics: SemanticModel?
    private var memoHeap: HeapGraph?
    private var memoFolder: ConstantFolder?
    private var memoSizer: IterableSizer?

    /// Scopes, classes and imports of the module (the meta rules never ask for it).
    public var semantics: SemanticModel {
        if let memoSemantics { return memoSemantics }
        let built = SemanticModel(tree: tree)
        memoSemantics = built
        return built
    }

    /// The module's heap model: must-cycles, frame retentions, recursive closures, resurrections.
    public var heap: HeapGraph {
        if let memoHeap { return memoHeap }
        let built = HeapGraph(semantics: semantics, project: project)
        memoHeap = built
        return built
    }

    /// Integer constants and name bindings of the module.
    public var folder: ConstantFolder {
        if let memoFolder { return memoFolder }
        let built = ConstantFolder(tree: tree)
        memoFolder = built
        return built
    }

    /// Item counts of iterables, from the constant folder.
    public var sizer: IterableSizer {
        if let memoSizer { return memoSizer }
        let built = IterableSizer(semantics: semantics, folder: folder)
        memoSizer = built
        return built
    }

    /// The identifier nodes spelled as one of `names`, by name, in source order. Identifiers are
    /// compared as bytes (after a length check), so the file's other names cost no string.
    public func identifiers(named names: Set<String>) -> [String: [Node]] {
        var result: [String: [Node]] = [:]
        guard !names.isEmpty else { return result }
        var byLength: [Int: [String]] = [:]
        for name in names { byLength[name.utf8.count, default: []].append(name) }
        for node in tree.nodes(ofKind: .identifier) {
            guard let candidates = byLength[node.range.end - node.range.start] else { continue }
            for name in candidates where node.textEquals(name) {
                result[name, default: []].append(node)
                break
            }
        }
        return result
    }
}

/// Settings that change what rules find (not which rules run: that is selection, in the Kit).
public struct RuleSettings: Sendable, Hashable, Codable {
    public var targetVersion: TargetVersion
    /// HL3xx: the estimated item count from which an eager collection is reported.
    public var largeThreshold: Int
    /// Preview behaviour of stable rules (`--preview`): HL3xx also report iterables whose size
    /// heaplint cannot know (a parameter, an attribute), which are off by default.
    public var preview: Bool

    public init(targetVersion: TargetVersion = .default, largeThreshold: Int = 10_000, preview: Bool = false) {
        self.targetVersion = targetVersion
        self.largeThreshold = largeThreshold
        self.preview = preview
    }
}

public enum RuleFamily: String, Sendable, CaseIterable, Codable {
    case meta, referenceCycles = "reference-cycles", finalizers, eagerMaterialization = "eager-materialization"
    case processLifetime = "process-lifetime", collectorControl = "collector-control"

    /// The code prefix every rule of the family carries (`HL1` for reference cycles).
    public var codePrefix: String {
        switch self {
        case .meta: "HL0"
        case .referenceCycles: "HL1"
        case .finalizers: "HL2"
        case .eagerMaterialization: "HL3"
        case .processLifetime: "HL4"
        case .collectorControl: "HL5"
        }
    }

    public var title: String {
        switch self {
        case .meta: "Meta"
        case .referenceCycles: "Reference cycles"
        case .finalizers: "Finalizers"
        case .eagerMaterialization: "Eager materialization"
        case .processLifetime: "Process-lifetime data"
        case .collectorControl: "Collector control"
        }
    }
}

public enum RuleStatus: String, Sendable, Codable { case preview, stable, deprecated, removed }

/// Whether a rule's findings come with a fix: a claim the fix tests hold the rule to.
public enum FixAvailability: String, Sendable, Codable { case never, sometimes, always }

public enum Severity: String, Sendable, Codable, Comparable {
    case info, warning, error
    private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

public struct RuleMetadata: Sendable {
    /// `HL101`.
    public let code: String
    /// Kebab-case name of the pattern: `instance-attribute-cycle`.
    public let name: String
    public let family: RuleFamily
    public let status: RuleStatus
    public let severity: Severity
    public let fix: FixAvailability
    /// One line for listings and SARIF `shortDescription`.
    public let summary: String
    public let doc: RuleDoc
    public let examples: [RuleExample]

    public init(code: String, name: String, family: RuleFamily, status: RuleStatus = .preview,
                severity: Severity = .warning, fix: FixAvailability = .never, summary: String,
                doc: RuleDoc, examples: [RuleExample] = []) {
        self.code = code
        self.name = name
        self.family = family
        self.status = status
        self.severity = severity
        self.fix = fix
        self.summary = summary
        self.doc = doc
        self.examples = examples
    }

    /// Where the generated rule pages (`docs/rules/HLxxx.md`) are published: the repository's own
    /// copy, so a link works for anyone browsing it. `rule-url-base` overrides it (a fork, a mirror).
    public static let defaultURLBase = "https://github.com/heaplint/heaplint/blob/main/docs/rules/"

    /// The rule's documentation page (used as `url` in JSON and `codeDescription.href` in LSP).
    public var url: String { url(base: Self.defaultURLBase) }

    /// The page under another base; a missing trailing slash is added, so `…/docs/rules` works too.
    public func url(base: String) -> String {
        Self.directory(base) + "\(code).md"
    }

    /// The index of every rule (`docs/rules/README.md`): SARIF `informationUri`, rdjson `source.url`.
    public static func indexURL(base: String = defaultURLBase) -> String { directory(base) + "README.md" }

    static func directory(_ base: String) -> String { base.hasSuffix("/") ? base : base + "/" }
}

/// A rule's user documentation, under fixed headings. Markdown in each field.
public struct RuleDoc: Sendable {
    public let whatItFinds: String
    public let whyItMatters: String
    public let example: String
    public let useInstead: String
    public let whenItsFine: String
    public let fixSafety: String?
    public let references: [String]

    public init(whatItFinds: String, whyItMatters: String, example: String, useInstead: String,
                whenItsFine: String, fixSafety: String? = nil, references: [String] = []) {
        self.whatItFinds = whatItFinds
        self.whyItMatters = whyItMatters
        self.example = example
        self.useInstead = useInstead
        self.whenItsFine = whenItsFine
        self.fixSafety = fixSafety
        self.references = references
    }
}

/// An example for docs and tests. In a triggering example, `↓` marks where each finding must start;
/// the markers are removed before parsing. `fixed` is the source after applying the fix, if any.
public struct RuleExample: Sendable {
    public let source: String
    public let isTriggering: Bool
    public let fixed: String?
    /// How the CPython oracle (`Tests/python/test_oracle_examples.py`) runs this example, for rules whose
    /// claim is about what the running program does to the heap or the collector (HL3–HL5).
    public let oracle: OracleDriver?

    public static func triggering(_ source: String, fixed: String? = nil, oracle: OracleDriver? = nil) -> RuleExample {
        RuleExample(source: source, isTriggering: true, fixed: fixed, oracle: oracle)
    }

    public static func nonTriggering(_ source: String, oracle: OracleDriver? = nil) -> RuleExample {
        RuleExample(source: source, isTriggering: false, fixed: nil, oracle: oracle)
    }

    /// The source without `↓` markers, and the byte offsets the markers pointed at.
    public var strippedSource: (text: String, markerOffsets: [Int]) {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for scalar in source.unicodeScalars {
            if scalar == "↓" { offsets.append(bytes.count); continue }
            bytes.append(contentsOf: Array(String(scalar).utf8))
        }
        return (String(decoding: bytes, as: UTF8.self), offsets)
    }
}

/// What the CPython oracle needs to run an example: stand-ins for the names the example leaves undefined
/// (`prelude`, run first in the example's module namespace), and the Python that makes the behaviour happen
/// (`call`, run after the module body in the same namespace; `n` is the size of the work, which the oracle
/// varies to tell per-iteration behaviour from a fixed cost). Or, when CPython cannot confirm the example as
/// written, the reason; the oracle reports each such example instead of passing over it.
public struct OracleDriver: Sendable {
    public let prelude: String?
    public let call: String?
    public let unconfirmable: String?

    public static func run(_ call: String? = nil, prelude: String? = nil) -> OracleDriver {
        OracleDriver(prelude: prelude, call: call, unconfirmable: nil)
    }

    public static func unconfirmable(_ reason: String) -> OracleDriver {
        OracleDriver(prelude: nil, call: nil, unconfirmable: reason)
    }
}
