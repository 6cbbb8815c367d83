/// The rules of this family, in code order.
public enum MetaRules {
    public static let all: [any Rule.Type] = [SyntaxErrorRule.self, UnusedSuppression.self, UnreadableFile.self, RuntimeOnlyCycle.self]
}
