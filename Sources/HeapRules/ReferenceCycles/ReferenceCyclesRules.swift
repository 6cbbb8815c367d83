/// The rules of this family, in code order.
public enum ReferenceCyclesRules {
    public static let all: [any Rule.Type] = [
        InstanceAttributeCycle.self,
        BoundMethodStoredOnSelf.self,
        FrameKeptInLocal.self,
        SelfReferentialStructure.self,
        RecursiveClosureRule.self,
        ExceptionStoredOnObject.self,
        GeneratorStoredOnObject.self,
        ClassDefinedPerCall.self,
    ]
}
