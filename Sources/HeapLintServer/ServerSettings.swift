/// HeapLintServer: the language server. It orders incoming messages, keeps the open documents (each
/// re-parsed incrementally), runs HeapLintKit's `Analyzer` off the reading loop, and maps heaplint's
/// diagnostics, explanations and fixes onto LSP diagnostics, hovers and code actions. It never walks a
/// syntax tree itself.
import HeapLintKit
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

/// Where a file's project configuration comes from: by default the Kit's loader, which walks up from
/// the file to the nearest `heaplint.toml`, `.heaplint.toml` or `pyproject.toml` with `[tool.heaplint]`
/// (so nested projects and every folder of a multi-root workspace get their own settings).
public protocol ProjectConfigurationSource: Sendable {
    func configuration(forFile path: String) throws -> Configuration
}

public struct KitProjectConfiguration: ProjectConfigurationSource {
    public init() {}
    public func configuration(forFile path: String) throws -> Configuration {
        try Configuration.load(forPath: path).detectingVenv()
    }
}

extension SettingsLayer {
    /// The editor layer as Kit options, laid over the project's configuration exactly as CLI flags are.
    var options: Options {
        var options = Options()
        options.select = select
        options.extendSelect = extendSelect
        options.ignore = ignore
        options.targetVersion = targetVersion
        return options
    }
}
