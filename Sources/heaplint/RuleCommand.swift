import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapLintKit

/// `heaplint rule HL101` prints a rule's documentation; `--all` every rule; JSON for tools and the
/// oracle tests (which run each rule's examples under CPython); `--out-dir` writes the pages of
/// `docs/rules/` (one per rule with its examples, and an index), which `test_docs.py` keeps current.
struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule", abstract: "Show the documentation of a rule (or of all rules).")

    enum Format: String, ExpressibleByArgument { case text, markdown, json }

    @Argument(help: "A rule code, such as HL101.") var code: String?
    @Flag(help: "Show every rule.") var all = false
    @Option(name: .customLong("output-format"), help: "text (markdown; `markdown` is the same) or json.") var outputFormat: Format = .text
    @Option(name: .customLong("out-dir"),
            help: ArgumentHelp("Write one markdown page per rule (HLxxx.md, with its examples) and README.md, the index, into this directory.", valueName: "DIR"))
    var outDir: String?

    func validate() throws {
        if code == nil && !all { throw ValidationError("give a rule code (such as HL101) or --all") }
        if let code, all { throw ValidationError("give a rule code (\(code)) or --all, not both") }
        if outDir != nil && outputFormat == .json { throw ValidationError("--out-dir writes markdown pages; it cannot be used with --output-format json") }
    }

    func run() throws {
        let rules: [any Rule.Type]
        if all {
            rules = RuleRegistry.all
        } else if let code, let rule = RuleRegistry.rule(code: code.uppercased()) {
            rules = [rule]
        } else {
            StandardStream.writeError("heaplint: error: unknown rule code `\(code ?? "")`; `heaplint rule --all` lists them\n".utf8)
            throw ExitCode(2)
        }
        if let outDir {
            try writePages(rules.map { $0.metadata }, to: outDir)
            return
        }
        switch outputFormat {
        case .text, .markdown:
            print(rules.map { $0.metadata.markdown }.joined(separator: "\n---\n\n"), terminator: "")
        case .json:
            let documents = rules.map { RuleDocument($0.metadata) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(all ? AnyEncodable(documents) : AnyEncodable(documents[0]))
            print(String(decoding: data, as: UTF8.self))
        }
    }
}

extension RuleCommand {
    /// Writes the pages and drops stale `HL*.md` pages of rules no longer listed, so the directory is
    /// exactly what the registry gives (a renamed code leaves no orphan page behind).
    func writePages(_ rules: [RuleMetadata], to directory: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files = RuleMetadata.pages(rules)
        if all {
            for name in try manager.contentsOfDirectory(atPath: directory)
            where name.hasPrefix("HL") && name.hasSuffix(".md") && files[name] == nil {
                try manager.removeItem(atPath: PathString.appending(directory, name))
            }
        } else {
            files["README.md"] = nil  // one rule's page must not replace the index with a one-row one
        }
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: PathString.appending(directory, name)))
        }
        print("Wrote \(files.count) page\(files.count == 1 ? "" : "s") to \(directory)")
    }
}

/// The JSON shape of a rule, as `heaplint rule --output-format json` prints it.
struct RuleDocument: Encodable {
    struct Example: Encodable {
        let source: String
        let triggering: Bool
        let fixed: String?
        /// Byte offsets where findings must start (the `↓` markers).
        let markers: [Int]
        /// The CPython oracle's driver (`prelude`, `call`) or the reason it cannot run the example.
        let oracle: Oracle?
    }

    struct Oracle: Encodable {
        let prelude: String?
        let call: String?
        let unconfirmable: String?
    }

    let code, name, family, status, severity, fix, summary, url, documentation: String
    let examples: [Example]

    init(_ metadata: RuleMetadata) {
        code = metadata.code
        name = metadata.name
        family = metadata.family.rawValue
        status = metadata.status.rawValue
        severity = metadata.severity.rawValue
        fix = metadata.fix.rawValue
        summary = metadata.summary
        url = metadata.url
        documentation = metadata.markdown
        examples = metadata.examples.map { example in
            let stripped = example.strippedSource
            return Example(source: stripped.text, triggering: example.isTriggering, fixed: example.fixed,
                           markers: stripped.markerOffsets,
                           oracle: example.oracle.map { Oracle(prelude: $0.prelude, call: $0.call,
                                                               unconfirmable: $0.unconfirmable) })
        }
    }
}

struct AnyEncodable: Encodable {
    let encodeTo: (Encoder) throws -> Void
    init<T: Encodable>(_ value: T) { encodeTo = value.encode }
    func encode(to encoder: Encoder) throws { try encodeTo(encoder) }
}
