/// The rules of this family, in code order.
public enum ProcessLifetimeRules {
    public static let all: [any Rule.Type] = [
        GrowingModuleCollection.self, CachedMethodPinsInstances.self, InstanceRegistry.self,
        MutatedMutableDefault.self, ProcessCallbackHoldsSelf.self, LargeImportTimeData.self, LargeCellResult.self,
    ]
}
