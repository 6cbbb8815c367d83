/// The rules of this family, in code order.
public enum EagerMaterializationRules {
    public static let all: [any Rule.Type] = [ListBuiltForOnePass.self, LoopOverBuiltList.self, LenOfBuiltList.self,
                                            LargeLocalOutlivesUse.self]
}
