/// The rules of this family, in code order.
public enum CollectorControlRules {
    public static let all: [any Rule.Type] = [CollectorLeftDisabled.self, CollectInLoop.self]
}
