/// Every rule heaplint knows. `all` is in `Registry.generated.swift`, which `heaplint-dev register`
/// (`make register`) writes from the rule types it finds under `Sources/HeapRules/`: a rule file is the
/// whole registration, and `test_register.py` fails when the generated list is not what the sources give.
/// `RegistryTests` check that codes and names are unique and that each code sits in its family's range.
public enum RuleRegistry {
    public static func rule(code: String) -> (any Rule.Type)? {
        all.first { $0.metadata.code == code }
    }

    /// Rules whose code starts with `prefix` (`HL1`, `HL10`, `HL101`); `ALL` selects every rule.
    public static func rules(matching prefix: String) -> [any Rule.Type] {
        if prefix == "ALL" { return all }
        return all.filter { $0.metadata.code.hasPrefix(prefix) }
    }
}
