/// HeapLintServer: the language server. It orders incoming messages, keeps the open documents (each
/// re-parsed incrementally), runs HeapLintKit's `Analyzer` off the reading loop, and maps heaplint's
/// diagnostics, explanations and fixes onto LSP diagnostics, hovers and code actions. It never walks a
/// syntax tree itself.
import HeapLintKit
import HeapModel
import HeapRules
import LSPProtocol

/// One layer of settings: each field set here overrides the layer below. Layers, lowest first:
/// built-in defaults, the workspace's `[tool.heaplint]`, the editor's settings.
public struct SettingsLayer: Sendable, Hashable {
    public var select: [String]?
    public var extendSelect: [String]?
    public var ignore: [String]?
    public var targetVersion: TargetVersion?

    public init(select: [String]? = nil, extendSelect: [String]? = nil, ignore: [String]? = nil,
                targetVersion: TargetVersion? = nil) {
        self.select = select
        self.extendSelect = extendSelect
        self.ignore = ignore
        self.targetVersion = targetVersion
    }

    /// Reads editor settings: `{"select": [...], "ignore": [...], "targetVersion": "py312"}`, either at
    /// the top level or under a `heaplint` key (VS Code style). kebab-case and snake_case keys are
    /// accepted too, as they are spelled in pyproject.toml. Unknown values become warnings.
    public static func fromEditor(_ json: JSONValue?) -> (layer: SettingsLayer, warnings: [String]) {
        guard var json else { return (SettingsLayer(), []) }
        if let nested = json["heaplint"] { json = nested }
        var layer = SettingsLayer()
        var warnings: [String] = []
        func value(_ names: String...) -> JSONValue? {
            for name in names { if let v = json[name], v != .null { return v } }
            return nil
        }
        func codes(_ v: JSONValue?, _ key: String) -> [String]? {
            guard let v else { return nil }
            guard let list = v.stringList else { warnings.append("`\(key)` must be a list of rule codes"); return nil }
            let upper = list.map { $0.uppercased() }
            for code in upper where RuleRegistry.rules(matching: code).isEmpty {
                warnings.append("`\(key)`: `\(code)` matches no heaplint rule")
            }
            return upper
        }
        layer.select = codes(value("select"), "select")
        layer.extendSelect = codes(value("extendSelect", "extend-select", "extend_select"), "extendSelect")
        layer.ignore = codes(value("ignore"), "ignore")
        if let v = value("targetVersion", "target-version", "target_version") {
            if let name = v.stringValue, let version = TargetVersion(rawValue: name.lowercased()) {
                layer.targetVersion = version
            } else {
                warnings.append("`targetVersion` must be one of \(TargetVersion.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        return (layer, warnings)
    }
}

/// Where a workspace's own configuration comes from. The Kit's pyproject loader plugs in here after
/// merge; until then `NoProjectConfiguration` reports nothing and only editor settings apply.
public protocol ProjectConfigurationSource: Sendable {
    /// The `[tool.heaplint]` settings for the workspace folder at `rootPath`, or nil when there are none.
    func settings(forWorkspaceRoot rootPath: String) throws -> SettingsLayer?
}

public struct NoProjectConfiguration: ProjectConfigurationSource {
    public init() {}
    public func settings(forWorkspaceRoot rootPath: String) throws -> SettingsLayer? { nil }
}

/// The settings in force for one document: its folder's project layer under the editor layer.
public struct ServerSettings: Sendable, Hashable {
    public var select: [String] = ["ALL"]
    public var extendSelect: [String] = []
    public var ignore: [String] = []
    public var targetVersion: TargetVersion = .default

    /// Rules that run only when named explicitly (not by `ALL` or a prefix): HL002 needs the noqa pass.
    static let explicitOnly: Set<String> = ["HL002"]

    public init() {}

    public init(layers: [SettingsLayer]) {
        for layer in layers {
            if let select = layer.select { self.select = select; self.extendSelect = [] }
            if let extend = layer.extendSelect { self.extendSelect += extend }
            if let ignore = layer.ignore { self.ignore = ignore }
            if let version = layer.targetVersion { self.targetVersion = version }
        }
    }

    /// The selected rules, in registry order: selected by a prefix in `select`/`extendSelect`, and not
    /// ignored, where a longer (more specific) prefix wins as in ruff.
    public var rules: [any Rule.Type] {
        RuleRegistry.all.filter { rule in
            let code = rule.metadata.code
            let selectedBy = (select + extendSelect).filter { Self.matches($0, code) }.map(Self.specificity).max()
            guard let selectedBy else { return false }
            if Self.explicitOnly.contains(code) && selectedBy < code.count { return false }
            let ignoredBy = ignore.filter { Self.matches($0, code) }.map(Self.specificity).max()
            if let ignoredBy, ignoredBy >= selectedBy { return false }
            return true
        }
    }

    public var analyzer: Analyzer {
        Analyzer(rules: rules, ruleSettings: RuleSettings(targetVersion: targetVersion))
    }

    private static func matches(_ selector: String, _ code: String) -> Bool {
        selector == "ALL" || code.hasPrefix(selector)
    }

    private static func specificity(_ selector: String) -> Int { selector == "ALL" ? 0 : selector.count }
}
