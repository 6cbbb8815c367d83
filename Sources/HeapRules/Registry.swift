/// Every rule heaplint knows. Each family lists its own rules in its folder's `<Family>Rules.swift`,
/// so adding a rule touches its own file and its family's list. `RegistryTests` check that codes and
/// names are unique and that each code sits in its family's range.
public enum RuleRegistry {
    public static let all: [any Rule.Type] =
        MetaRules.all + ReferenceCyclesRules.all + FinalizersRules.all
        + EagerMaterializationRules.all + ProcessLifetimeRules.all + CollectorControlRules.all

    public static func rule(code: String) -> (any Rule.Type)? {
        all.first { $0.metadata.code == code }
    }

    /// Rules whose code starts with `prefix` (`HL1`, `HL10`, `HL101`); `ALL` selects every rule.
    public static func rules(matching prefix: String) -> [any Rule.Type] {
        if prefix == "ALL" { return all }
        return all.filter { $0.metadata.code.hasPrefix(prefix) }
    }
}
