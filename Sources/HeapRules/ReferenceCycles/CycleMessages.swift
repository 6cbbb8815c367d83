import HeapModel

/// Wording shared by the cycle rules: who holds whom, in the reader's names.
enum CycleMessages {
    static func participants(_ cycle: CycleWitness) -> String {
        var names: [String] = []
        for object in cycle.objects {
            let name: String
            switch object.kind {
            case .instance(let className): name = className ?? object.label
            case .container(let kind): name = kind
            case .callable: name = object.label
            }
            if !names.contains(name) { names.append(name) }
        }
        return names.map { "`\($0)`" }.joined(separator: ", ")
    }

    static func attributes(_ cycle: CycleWitness) -> String {
        var vias: [String] = []
        for edge in cycle.edges where edge.kind == .attribute && !vias.contains(edge.via) { vias.append(edge.via) }
        return vias.map { "`\($0)`" }.joined(separator: " and ")
    }
}
