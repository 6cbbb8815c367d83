import ArgumentParser
import Foundation
import HeapRules

/// `heaplint-dev new-rule HL109 GeneratorHoldsSelf --family reference-cycles`: the rule file from the
/// template, an empty fixture, and the registry regenerated so the rule runs from the next build on.
struct NewRule: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-rule",
        abstract: "Write a rule file skeleton and an empty fixture, and register the rule.")

    @Argument(help: "The rule's code, the next free one of its family (HL109).") var code: String
    @Argument(help: "The rule's type name, naming the pattern (GeneratorHoldsSelf).") var name: String
    @Option(help: "The family: \(RuleFamily.allCases.map(\.rawValue).joined(separator: ", ")).") var family: String
    @Option(help: "The repository root.") var root = "."

    func validate() throws {
        guard let family = RuleFamily(rawValue: family) else {
            throw ValidationError("unknown family `\(family)`; one of \(RuleFamily.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard code.wholeMatch(of: #/HL\d{3}/#) != nil, code.hasPrefix(family.codePrefix) else {
            throw ValidationError("`\(code)` is not a \(family.rawValue) code (\(family.codePrefix)nn)")
        }
        guard name.wholeMatch(of: #/[A-Z][A-Za-z0-9]*/#) != nil else {
            throw ValidationError("`\(name)` is not an UpperCamelCase type name")
        }
    }

    func run() throws {
        guard let family = RuleFamily(rawValue: family) else { return }  // validate() already refused it
        let rootURL = URL(fileURLWithPath: root)
        let existing = try RuleScanner(root: rootURL).scan()
        if let taken = existing.first(where: { $0.code == code || $0.typeName == name }) {
            throw ValidationError("\(taken.code) \(taken.typeName) already exists (\(taken.file))")
        }
        let ruleFile = "\(RuleScanner.rulesFolder)/\(Self.folder(of: family))/\(name).swift"
        let fixture = "Tests/Fixtures/\(family.codePrefix)/\(code).py"
        for path in [ruleFile, fixture] where FileManager.default.fileExists(atPath: rootURL.appendingPathComponent(path).path) {
            throw ValidationError("\(path) already exists")
        }
        let kebab = Self.kebabCase(name)
        try write(Self.ruleSource(code: code, type: name, kebab: kebab, family: family), to: ruleFile, under: rootURL)
        // No marker spelled out in the header: FixtureTests would read it as one and expect a finding on line 1.
        try write("""
            # \(code) \(kebab): realistic code. End each line the rule must flag with an `# expect:`
            # comment naming the code, and keep hard negatives (look-alikes it must leave alone) unmarked.

            """, to: fixture, under: rootURL)
        let registered = try RuleScanner(root: rootURL).scan()
        try write(GeneratedFiles.registrySource(registered), to: GeneratedFiles.registry, under: rootURL)
        print("""
            wrote \(ruleFile)
            wrote \(fixture)
            registered \(code) in \(GeneratedFiles.registry)
            next: write the doc, the examples and check(_:), then `make register` (docs/rules, README table)
            """)
    }

    func write(_ text: String, to path: String, under root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    /// `referenceCycles` → `ReferenceCycles`: the family folders are the case names, capitalised.
    static func folder(of family: RuleFamily) -> String {
        let caseName = String(describing: family)
        return caseName.prefix(1).uppercased() + caseName.dropFirst()
    }

    /// `GeneratorHoldsSelf` → `generator-holds-self`, the name users write in suppressions and selections.
    static func kebabCase(_ typeName: String) -> String {
        var result = ""
        for character in typeName {
            if character.isUppercase && !result.isEmpty { result += "-" }
            result += character.lowercased()
        }
        return result
    }

    /// The style guide's rule file order: metadata, doc, examples, check. New rules ship as `.preview`.
    static func ruleSource(code: String, type: String, kebab: String, family: RuleFamily) -> String {
        let q = "\"\"\""
        return """
        import HeapModel
        import HeapSemantics
        import HeapSyntax

        /// \(code): TODO one sentence naming the pattern this rule finds.
        public struct \(type): Rule {
            public static let metadata = RuleMetadata(
                code: "\(code)", name: "\(kebab)", family: .\(String(describing: family)), status: .preview,
                severity: .warning, fix: .never,
                summary: "TODO: one line for listings and SARIF.",
                doc: RuleDoc(
                    whatItFinds: \(q)
                    TODO: the code shape the rule reports.
                    \(q),
                    whyItMatters: \(q)
                    TODO: the CPython mechanism (reference counts, the cyclic GC, finalizer order) that makes it a problem.
                    \(q),
                    example: \(q)
                    ```python
                    # TODO
                    ```
                    \(q),
                    useInstead: \(q)
                    TODO: what to write instead.
                    \(q),
                    whenItsFine: \(q)
                    TODO: the look-alikes the rule skips on purpose (each one is also a non-triggering example).
                    \(q),
                    references: []),
                examples: [
                    // `↓` goes before each token a finding must start at; 6 of each kind before the rule leaves preview.
                    .triggering(\(q)
                    # TODO: code the rule flags, ↓marked
                    \(q)),
                    .nonTriggering(\(q)
                    # TODO: a look-alike the rule must leave alone
                    \(q)),
                ])

            public init() {}

            public func check(_ context: AnalysisContext) -> [Finding] {
                // Read `context.semantics` / `context.heap`; a fact they lack belongs in HeapSemantics or
                // HeapModel with its own test, not in a rule-local workaround.
                []
            }
        }

        """
    }
}
