/// The rules of this family, in code order.
public enum FinalizersRules {
    public static let all: [any Rule.Type] = [
        FinalizerInCycle.self,
        FinalizerResurrectsSelf.self,
        CycleBrokenOnlyInFinalizer.self,
    ]
}
