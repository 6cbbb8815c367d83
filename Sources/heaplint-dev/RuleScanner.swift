import Foundation

/// A rule type found in the sources: what `Registry.generated.swift` lists.
struct RuleDeclaration: Equatable, Comparable {
    let typeName: String
    let code: String
    /// Relative to the repository root, for error messages.
    let file: String

    /// Code order, as the registry and every listing show rules; the type name only breaks a tie that
    /// `RuleScanner.scan` reports as an error anyway.
    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.code, lhs.typeName) < (rhs.code, rhs.typeName) }
}

/// What `register` cannot generate from, said with the file to fix.
struct ScanError: Error, CustomStringConvertible {
    let description: String
}

/// Finds rule types by one convention, so the generator needs no compiler and no reflection:
///
/// - a rule is a top-level `struct` whose conformance list names `Rule` (`public struct CollectInLoop: Rule {`),
///   in a `.swift` file anywhere under `Sources/HeapRules/`;
/// - below that line, in the same file, the first `code: "HLnnn"` is its code (the `RuleMetadata(code:…)`
///   the style guide puts first in a rule file).
///
/// Lines inside `"""` literals are skipped: rule examples hold Python, which could look like anything.
struct RuleScanner {
    let root: URL

    static let rulesFolder = "Sources/HeapRules"
    private static var declaration: Regex<(Substring, Substring, Substring)> {
        #/^(?:public\s+|internal\s+)?struct\s+(\w+)\s*:\s*([^{]*)\{/#
    }
    private static var codeField: Regex<(Substring, Substring)> { #/code:\s*"(HL\d{3})"/# }

    func scan() throws -> [RuleDeclaration] {
        let folder = root.appendingPathComponent(Self.rulesFolder)
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else {
            throw ScanError(description: "\(folder.path) not found: run from the repository root or pass --root")
        }
        let files = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
        var found: [RuleDeclaration] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            found += try Self.declarations(in: text, file: "\(Self.rulesFolder)/\(file)")
        }
        found.sort()
        try Self.checkUnique(found)
        return found
    }

    static func declarations(in text: String, file: String) throws -> [RuleDeclaration] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var result: [RuleDeclaration] = []
        var inString = false
        for (index, line) in lines.enumerated() {
            defer { if line.components(separatedBy: "\"\"\"").count % 2 == 0 { inString.toggle() } }
            guard !inString, let match = line.prefixMatch(of: declaration) else { continue }
            let (_, name, conformances) = match.output
            let protocols = conformances.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard protocols.contains("Rule") else { continue }
            let below = lines[(index + 1)...].lazy.compactMap { $0.firstMatch(of: codeField)?.output.1 }
            guard let code = below.first else {
                throw ScanError(description: "\(file):\(index + 1): rule \(name) has no `code: \"HLnnn\"` below its declaration")
            }
            result.append(RuleDeclaration(typeName: String(name), code: String(code), file: file))
        }
        return result
    }

    static func checkUnique(_ rules: [RuleDeclaration]) throws {
        for (a, b) in zip(rules, rules.dropFirst()) where a.code == b.code {
            throw ScanError(description: "\(a.code) is claimed by \(a.typeName) (\(a.file)) and \(b.typeName) (\(b.file))")
        }
        var seen: [String: RuleDeclaration] = [:]
        for rule in rules {
            if let other = seen[rule.typeName] {
                throw ScanError(description: "two rules are named \(rule.typeName): \(other.file) and \(rule.file)")
            }
            seen[rule.typeName] = rule
        }
    }
}
