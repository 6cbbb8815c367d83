import Foundation
import Testing
import HeapLintKit
import HeapRules
import HeapSemantics
import HeapSyntax

/// Every rule's documented examples are tests: a triggering example must produce findings exactly at
/// its `↓` markers, a non-triggering one none; a `fixed` example must equal the source after its fixes.
@Suite struct RuleExampleTests {
    static let rulesWithExamples: [String] = RuleRegistry.all
        .filter { !$0.metadata.examples.isEmpty }
        .map { $0.metadata.code }

    @Test(arguments: rulesWithExamples)
    func examplesBehaveAsDocumented(code: String) throws {
        let rule = try #require(RuleRegistry.rule(code: code))
        let analyzer = Analyzer(rules: [rule])
        for (number, example) in rule.metadata.examples.enumerated() {
            let (text, markers) = example.strippedSource
            let result = analyzer.analyze(source: SourceText(text), path: "example.py")
            let findings = result.diagnostics.filter { $0.code == code }
            let label = "\(code) example #\(number + 1)"
            if example.isTriggering {
                #expect(!findings.isEmpty, "\(label) should trigger:\n\(text)")
                if !markers.isEmpty {
                    let starts = Set(findings.map { $0.finding.range.start })
                    #expect(starts == Set(markers), "\(label): findings at \(starts.sorted()), markers at \(markers)")
                }
                if let fixed = example.fixed {
                    var source = SourceText(text)
                    for finding in findings.reversed() {
                        if let fix = finding.fix { source = fix.applied(to: source) }
                    }
                    #expect(source.text(0..<source.byteCount) == fixed, "\(label): fix result differs")
                }
            } else {
                #expect(findings.isEmpty, "\(label) should not trigger, but found \(findings.map(\.message)):\n\(text)")
            }
        }
    }

    /// A triggering example turned into a comment must be silent (rules read code, not text).
    @Test(arguments: rulesWithExamples.filter { !$0.hasPrefix("HL0") })
    func commentedOutExampleIsSilent(code: String) throws {
        let rule = try #require(RuleRegistry.rule(code: code))
        let analyzer = Analyzer(rules: [rule])
        for example in rule.metadata.examples where example.isTriggering {
            let commented = example.strippedSource.text
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { "# " + $0 }.joined(separator: "\n")
            let result = analyzer.analyze(source: SourceText(commented), path: "example.py")
            #expect(result.diagnostics.filter { $0.code == code }.isEmpty)
        }
    }

    /// Behind a line of multi-byte text, findings land on the same (shifted) marker offsets.
    @Test(arguments: rulesWithExamples.filter { !$0.hasPrefix("HL0") })
    func multibytePrefixKeepsColumns(code: String) throws {
        let rule = try #require(RuleRegistry.rule(code: code))
        let analyzer = Analyzer(rules: [rule])
        let prefix = "s = 'héllo wörld 😀'\n"
        let shift = prefix.utf8.count
        for example in rule.metadata.examples where example.isTriggering {
            let (text, markers) = example.strippedSource
            guard !markers.isEmpty, !text.hasPrefix("from __future__") else { continue }
            let result = analyzer.analyze(source: SourceText(prefix + text), path: "example.py")
            let starts = Set(result.diagnostics.filter { $0.code == code }.map { $0.finding.range.start })
            #expect(starts == Set(markers.map { $0 + shift }))
        }
    }
}

@Suite struct RegistryTests {
    /// `Registry.generated.swift` is written in code order; every listing (`rule --all`, the README
    /// table, SARIF's rule list) relies on it. `test_register.py` checks the file is what the scan gives.
    @Test func registryIsInCodeOrder() {
        let codes = RuleRegistry.all.map { $0.metadata.code }
        #expect(codes == codes.sorted())
        #expect(codes.first == "HL001")
    }

    @Test func readmeTableHasOneRowPerRuleInRegistryOrder() {
        let rules = RuleRegistry.all.map { $0.metadata }  // a key path on `any Rule.Type` crashes Swift 6.3.1 SILGen
        let rows = RuleMetadata.readmeTable(rules).split(separator: "\n").dropFirst(2)
        #expect(rows.map { String($0.dropFirst(2).prefix(5)) } == rules.map(\.code))
        #expect(rows.contains("| HL002 | unused-suppression | Meta (HL0) | yes | A `# noqa` comment suppresses no heaplint finding. |"))
    }

    @Test func codesAndNamesAreUnique() {
        let codes = RuleRegistry.all.map { $0.metadata.code }
        let names = RuleRegistry.all.map { $0.metadata.name }
        #expect(Set(codes).count == codes.count, "duplicate codes: \(codes)")
        #expect(Set(names).count == names.count, "duplicate names: \(names)")
    }

    @Test func codesSitInTheirFamilyRange() {
        for rule in RuleRegistry.all {
            let metadata = rule.metadata
            #expect(metadata.code.hasPrefix(metadata.family.codePrefix), "\(metadata.code) is not in \(metadata.family)")
            #expect(metadata.code.count == 5 && Int(metadata.code.dropFirst(2)) != nil, "\(metadata.code) is malformed")
        }
    }

    @Test func docsHaveEveryRequiredSection() {
        for rule in RuleRegistry.all {
            let doc = rule.metadata.doc
            for (section, text) in [("what", doc.whatItFinds), ("why", doc.whyItMatters), ("example", doc.example),
                                    ("use instead", doc.useInstead), ("when it's fine", doc.whenItsFine)] {
                #expect(!text.isEmpty, "\(rule.metadata.code) doc misses \(section)")
            }
            if rule.metadata.fix != .never {
                #expect(doc.fixSafety != nil, "\(rule.metadata.code) has fixes but no Fix safety section")
            }
        }
    }

    /// Every analysis rule (not meta) has at least 6 triggering and 6 non-triggering examples.
    @Test func analysisRulesHaveEnoughExamples() {
        for rule in RuleRegistry.all where rule.metadata.family != .meta {
            let examples = rule.metadata.examples
            #expect(examples.filter(\.isTriggering).count >= 6, "\(rule.metadata.code) needs 6 triggering examples")
            #expect(examples.filter { !$0.isTriggering }.count >= 6, "\(rule.metadata.code) needs 6 non-triggering examples")
        }
    }

    @Test func prefixSelection() {
        #expect(RuleRegistry.rules(matching: "HL0").map { $0.metadata.code }.contains("HL001"))
        #expect(RuleRegistry.rules(matching: "HL001").count == 1)
        #expect(RuleRegistry.rules(matching: "ALL").count == RuleRegistry.all.count)
    }
}

/// The documented triggering examples of the cycle rules stay in the default output: the examples are what a
/// user reads as "this is a leak", so none may be graded once per process (and so hidden by default).
@Suite struct RuleExampleLifetimeTests {
    static let cycleRules: [String] = RuleRegistry.all
        .filter { LifetimeGrading.grades(code: $0.metadata.code) && !$0.metadata.examples.isEmpty }
        .map { $0.metadata.code }

    @Test(arguments: cycleRules)
    func triggeringExamplesAreShownByDefault(code: String) throws {
        let rule = try #require(RuleRegistry.rule(code: code))
        let analyzer = Analyzer(rules: [rule])
        for (number, example) in rule.metadata.examples.enumerated() where example.isTriggering {
            let (text, _) = example.strippedSource
            let findings = analyzer.analyze(source: SourceText(text), path: "example.py").diagnostics.filter { $0.code == code }
            for finding in findings {
                let lifetime = try #require(finding.explanation?.lifetime, "\(code) example #\(number + 1) has no lifetime")
                #expect(lifetime.kind != .oncePerProcess,
                        "\(code) example #\(number + 1) is graded \(lifetime.summary), hidden by default:\n\(text)")
            }
        }
    }
}
