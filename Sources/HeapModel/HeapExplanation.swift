import HeapSemantics
import HeapSyntax

/// Why the heap model says a finding matters: the chain of references that forms the cycle or keeps
/// the data alive, what it costs, which CPython mechanism frees it (if any), and how to avoid it.
/// A structured value, rendered by each front end in its own way.
public struct HeapExplanation: Sendable, Hashable, Codable {
    public var path: [ReferenceStep]
    public var estimate: ByteEstimate?
    /// Which CPython mechanism reclaims it: "the cyclic garbage collector (generation 2 pass)", ...
    public var mechanism: String
    /// The structural fix in words: "hold the parent through weakref.ref", ...
    public var remedy: String
    /// Other statements that close the same cycle (one finding per cycle: they are shown with it).
    public var alsoClosedAt: [ClosingSite]
    /// How often the program makes the cycle (per call, per instance, once per process, error path), set by
    /// the analyzer for cycle and finalizer findings; nil for other findings.
    public var lifetime: CycleLifetime?

    public init(path: [ReferenceStep], estimate: ByteEstimate? = nil, mechanism: String, remedy: String,
                alsoClosedAt: [ClosingSite] = [], lifetime: CycleLifetime? = nil) {
        self.path = path
        self.lifetime = lifetime
        self.estimate = estimate
        self.mechanism = mechanism
        self.remedy = remedy
        self.alsoClosedAt = alsoClosedAt
    }

    private enum CodingKeys: String, CodingKey { case path, estimate, mechanism, remedy, alsoClosedAt, lifetime }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        path = try container.decode([ReferenceStep].self, forKey: .path)
        estimate = try container.decodeIfPresent(ByteEstimate.self, forKey: .estimate)
        mechanism = try container.decode(String.self, forKey: .mechanism)
        remedy = try container.decode(String.self, forKey: .remedy)
        // Absent in entries written before cycles were merged.
        alsoClosedAt = try container.decodeIfPresent([ClosingSite].self, forKey: .alsoClosedAt) ?? []
        lifetime = try container.decodeIfPresent(CycleLifetime.self, forKey: .lifetime)
    }

    /// `Tree.children (line 7) → list → Node; Node.parent (line 3) → Tree` style one-liner.
    /// Consecutive steps that continue from the previous object are chained (`→ Node`), a step
    /// through a named attribute starts a new clause after `; `.
    public var pathSummary: String { pathSummary(lineLabel: { "line \($0)" }) }

    /// Whether the path runs through a Python frame object: a traceback's `tb_frame`, a generator's
    /// `gi_frame`, or a frame's `f_locals`. Code compiled to C (mypyc, Cython) makes no such frame for its
    /// functions, so these cycles exist only where the source itself runs; cycles among the objects the
    /// code builds (instances, containers, bound methods, closures) are built by the compiled code too.
    public var runsThroughFrame: Bool {
        path.contains { $0.via == "tb_frame" || $0.via == "gi_frame" || $0.via.hasPrefix("f_locals") }
    }

    /// `pathSummary` with each 1-based line written by `lineLabel` (a notebook writes `cell 2, line 3`).
    public func pathSummary(lineLabel: (Int) -> String) -> String {
        var text = ""
        var previousTarget: String?
        for step in path {
            if let previous = previousTarget, previous == step.from, step.via.isEmpty {
                text += " → \(step.to)"
            } else if let previous = previousTarget, previous == step.from, text.isEmpty == false, step.via.hasPrefix("[") {
                text += " → \(step.to)"
            } else {
                if !text.isEmpty { text += "; " }
                text += step.summary(lineLabel: lineLabel)
            }
            previousTarget = step.to
        }
        return text
    }
}

/// A statement that closes a cycle already reported at another statement: `Owner._on_done → bound method`.
public struct ClosingSite: Sendable, Hashable, Codable {
    public var site: SourceRange
    /// 1-based line of `site`, for text renderings.
    public var line: Int
    /// The reference it stores, as a path step reads (`Owner._on_done → bound method`).
    public var summary: String

    public init(site: SourceRange, line: Int, summary: String) {
        self.site = site
        self.line = line
        self.summary = summary
    }
}

/// One edge of a reference path: `from` holds `to` through `via`, created at `site`.
public struct ReferenceStep: Sendable, Hashable, Codable {
    public var from: String
    public var via: String
    public var to: String
    /// Where in the source the edge is created (an assignment, an append, a call).
    public var site: SourceRange?
    /// 1-based line of `site`, for text renderings.
    public var line: Int?
    /// 1-based lines of the expressions that allocated `from` and `to`, when the model saw them made
    /// (`ReferenceGraph` puts them on its nodes): a cycle closed at `root.next = root` names the line of
    /// `root = Link()` too. Nil when unknown; absent from entries cached before they existed.
    public var fromAllocatedAt: Int?
    public var toAllocatedAt: Int?

    public init(from: String, via: String, to: String, site: SourceRange? = nil, line: Int? = nil) {
        self.from = from
        self.via = via
        self.to = to
        self.site = site
        self.line = line
    }

    public var summary: String { summary(lineLabel: { "line \($0)" }) }

    public func summary(lineLabel: (Int) -> String) -> String {
        let at = line.map { " (\(lineLabel($0)))" } ?? ""
        return via.isEmpty ? "\(from)\(at) → \(to)" : "\(from).\(via)\(at) → \(to)"
    }
}

/// A size in bytes for one CPython version: exact, a range, or unbounded (size depends on input).
public struct ByteEstimate: Sendable, Hashable, Codable {
    public var lowerBytes: Int
    /// Nil when unbounded.
    public var upperBytes: Int?
    public var version: TargetVersion
    /// What was counted: "2 instances with __dict__", "list of ~10,000,000 ints".
    public var basis: String

    public init(lowerBytes: Int, upperBytes: Int?, version: TargetVersion, basis: String) {
        self.lowerBytes = lowerBytes
        self.upperBytes = upperBytes
        self.version = version
        self.basis = basis
    }

    public var isUnbounded: Bool { upperBytes == nil }

    /// The same bytes, described differently.
    public func withBasis(_ basis: String) -> ByteEstimate {
        ByteEstimate(lowerBytes: lowerBytes, upperBytes: upperBytes, version: version, basis: basis)
    }

    /// "~688 B", "1.2–4.5 kB", "≥ 40 MB (unbounded)".
    public var summary: String {
        guard let upper = upperBytes else {
            // An empty container's few bytes are no floor worth stating ("at least 0 B").
            return lowerBytes < 1_000 ? "grows with input" : "at least \(Self.format(lowerBytes)), grows with input"
        }
        if upper == lowerBytes { return "~\(Self.format(lowerBytes))" }
        return "\(Self.format(lowerBytes))–\(Self.format(upper))"
    }

    public static func format(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            let value = Double(bytes) / scale
            // One format at every scale: whole units from 10 up (`41 MB`, `410 MB`), one decimal below (`9.2 MB`).
            if value >= 10 { return "\(Int(value.rounded())) \(unit)" }
            let tenths = Int((value * 10).rounded())
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(bytes) B"
    }
}
