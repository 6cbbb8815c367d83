import HeapModel

/// Wording shared by the cycle rules: who holds whom, in the reader's names.
enum CycleMessages {
    /// "holds itself" when one instance is the whole cycle (`self.me = self`), else "hold each other".
    static func holdVerb(_ cycle: CycleWitness) -> String {
        let instances = cycle.objects.filter { object in
            if case .instance = object.kind { return true }
            return false
        }
        return instances.count == 1 ? "holds itself" : "hold each other"
    }

    static func participants(_ cycle: CycleWitness) -> String {
        let instances = cycle.objects.compactMap { object -> String? in
            if case .instance(let className) = object.kind { return className ?? object.label }
            return nil
        }
        if !instances.isEmpty {
            var unique: [String] = []
            for name in instances where !unique.contains(name) { unique.append(name) }
            let containers = cycle.objects.compactMap(\.containerKind)
            let through = containers.isEmpty ? "" : " (through a \(containers[0]))"
            if unique.count == 1 && instances.count > 1 { return "`\(unique[0])` objects\(through)" }
            return unique.map { "`\($0)`" }.joined(separator: " and ") + through
        }
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
        // Several objects of one kind are "`list` objects" (plural: they "hold each other").
        if names.count == 1 && cycle.objects.count > 1 { return "`\(names[0])` objects" }
        return list(names.map { "`\($0)`" })
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }

    static func attributes(_ cycle: CycleWitness) -> String {
        var vias: [String] = []
        for edge in cycle.edges where edge.kind == .attribute && !vias.contains(edge.via) { vias.append(edge.via) }
        return vias.map { "`\($0)`" }.joined(separator: " and ")
    }

    /// "only the cyclic garbage collector can free it", or, for a cycle the model knows to be temporary,
    /// when it ends.
    static func reclaim(_ cycle: CycleWitness, pronoun: String) -> String {
        if let when = cycle.breaksWhen {
            return "it lasts until \(when) (asyncio then drops its done-callbacks); otherwise only the cyclic garbage collector can free \(pronoun)"
        }
        return "only the cyclic garbage collector can free \(pronoun)"
    }
}
