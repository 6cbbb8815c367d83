import Foundation
import Testing
import HeapLintKit
import HeapRules

@Suite struct ConfigurationTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "heaplint-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func defaultSelectionLeavesOutHL002() {
        let codes = Configuration.isolated().selectedCodes
        #expect(codes.contains("HL001"))
        #expect(!codes.contains("HL002"))
    }

    @Test func selectionByPrefixAndAll() throws {
        var options = Options()
        options.select = ["ALL"]
        #expect(Configuration.isolated().overlaid(with: options).selectedCodes.contains("HL002"))
        options.select = ["HL0"]
        options.ignore = ["HL003", "HL004"]
        #expect(Configuration.isolated().overlaid(with: options).selectedCodes == ["HL001", "HL002"])
    }

    @Test func commandLineSelectStartsOver() {
        var file = Options()
        file.ignore = ["HL001"]
        var cli = Options()
        cli.select = ["HL001"]
        let configuration = Configuration.isolated().overlaid(with: file).overlaid(with: cli)
        #expect(configuration.selectedCodes == ["HL001"])
    }

    @Test func theMostSpecificFixabilitySelectorDecides() {
        var options = Options()
        options.unfixable = ["HL3"]
        options.extendFixable = ["HL302"]
        let fixable = Configuration.isolated().overlaid(with: options).fixableCodes
        #expect(fixable.contains("HL302") && !fixable.contains("HL301") && fixable.contains("HL101"))
        // Equally specific: unfixable wins.
        var tie = Options()
        tie.fixable = ["HL301"]
        tie.unfixable = ["HL301"]
        #expect(Configuration.isolated().overlaid(with: tie).fixableCodes.isEmpty)
    }

    @Test func aHigherFixableStartsOverAndUnfixableAddsUp() {
        var file = Options()
        file.unfixable = ["HL301"]
        var more = Options()
        more.unfixable = ["HL302"]
        let added = Configuration.isolated().overlaid(with: file).overlaid(with: more).fixableCodes
        #expect(!added.contains("HL301") && !added.contains("HL302"))
        var restart = Options()
        restart.fixable = ["HL3"]
        let restarted = Configuration.isolated().overlaid(with: file).overlaid(with: restart).fixableCodes
        #expect(restarted.contains("HL301") && !restarted.contains("HL101"))
    }

    @Test func perFileIgnoresReplaceAndExtensionsAddUp() {
        var file = Options()
        file.perFileIgnores = [PerFileIgnore(pattern: "tests/*", codes: ["HL101"])]
        file.extendPerFileIgnores = [PerFileIgnore(pattern: "gen/*", codes: ["HL3"])]
        var cli = Options()
        cli.perFileIgnores = [PerFileIgnore(pattern: "tests/*", codes: ["HL102"])]
        cli.extendPerFileIgnores = [PerFileIgnore(pattern: "gen/*", codes: ["HL1"])]
        let merged = Configuration(projectRoot: "/p").overlaid(with: file).overlaid(with: cli)
        #expect(merged.perFileIgnores == [PerFileIgnore(pattern: "tests/*", codes: ["HL102"]),
                                          PerFileIgnore(pattern: "gen/*", codes: ["HL3", "HL1"])])
        #expect(merged.ignoredCodes(forPath: "/p/tests/t.py") == ["HL102"])
    }

    @Test func inlineOverridesAreCheckedLikeFileKeys() throws {
        let options = try Configuration.inlineOverride(#"per-file-ignores."tests/*" = ["HL101"]"#)
        #expect(options.perFileIgnores == [PerFileIgnore(pattern: "tests/*", codes: ["HL101"])])
        #expect(throws: ConfigError.unknownKey(key: "selct", file: "--config 'selct = []'")) {
            try Configuration.inlineOverride("selct = []")
        }
        #expect(throws: ConfigError.self) { try Configuration.inlineOverride("preview = 1") }
        // Unlike a file's, an override's cache-dir may be anywhere: the user chose it.
        #expect(try Configuration.inlineOverride(#"cache-dir = "/elsewhere/cache""#).cacheDir == "/elsewhere/cache")
    }

    @Test func unknownSelectorsAreRejected() {
        #expect(throws: ConfigError.self) { try Configuration.validatedSelector("HL999", key: "select", file: "x") }
        #expect(throws: ConfigError.self) { try Configuration.validatedSelector("E501", key: "select", file: "x") }
        #expect((try? Configuration.validatedSelector("hl1", key: "select", file: "x")) == "HL1")
    }

    @Test func pyprojectIsDiscoveredWalkingUp() throws {
        let root = try temporaryDirectory()
        try write("[tool.heaplint]\nselect = [\"HL001\"]\ntarget-version = \"py312\"\nlarge-threshold = 5\n",
                  to: root + "/pyproject.toml")
        try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        let configuration = try Configuration.load(forPath: root + "/a/b")
        #expect(configuration.configFile?.hasSuffix("pyproject.toml") == true)
        #expect(configuration.selectedCodes == ["HL001"])
        #expect(configuration.ruleSettings.targetVersion == .py312)
        #expect(configuration.ruleSettings.largeThreshold == 5)
        #expect(Analyzer(configuration: configuration).rules.map { $0.metadata.code } == ["HL001"])
    }

    @Test func errorsNameTheFileAndKey() throws {
        let root = try temporaryDirectory()
        try write("selct = []\n", to: root + "/heaplint.toml")
        #expect(throws: ConfigError.unknownKey(key: "selct", file: root + "/heaplint.toml")) {
            try Configuration.load(file: root + "/heaplint.toml")
        }
        try write("target-version = \"py27\"\n", to: root + "/heaplint.toml")
        do {
            _ = try Configuration.load(file: root + "/heaplint.toml")
            Issue.record("expected an error")
        } catch let error as ConfigError {
            #expect(error.description.contains("target-version"))
            #expect(error.description.contains("heaplint.toml"))
        }
    }

    @Test func perFileIgnoresMatchRelativePaths() throws {
        let root = try temporaryDirectory()
        try write("[per-file-ignores]\n\"tests/*.py\" = [\"HL001\"]\n\"conftest.py\" = [\"HL0\"]\n", to: root + "/heaplint.toml")
        let configuration = try Configuration.load(file: root + "/heaplint.toml")
        #expect(configuration.ignoredCodes(forPath: root + "/tests/t.py") == ["HL001"])
        #expect(configuration.ignoredCodes(forPath: root + "/src/t.py").isEmpty)
        #expect(configuration.ignoredCodes(forPath: root + "/pkg/conftest.py").contains("HL003"))
    }

    @Test func discoveryAgreesWithIsExcludedOnEveryFile() throws {
        // The walk checks a child of an already-checked directory by its name and whole path only;
        // the answer must be the one `isExcluded(path:)` gives for the full path, for every file.
        let root = try temporaryDirectory()
        let files = ["a/b/c/1.py", "a/b/2.py", "a/3.py", "sub/x/4.py", "sub/5.py", "build/y/6.py", "keep/deep/er/7.py",
                     "keep/8_pb2.py", "gen/9.pyi", "top.py", "keep/deep/10.py", "x/build/11.py", "x/y/z/12.py"]
        for file in files {
            let path = root + "/" + file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try write("x = 1\n", to: path)
        }
        try write("[tool.heaplint]\nextend-exclude = [\"a/b\", \"sub/*\", \"*_pb2.py\", \"keep/deep/er\", \"gen/*.pyi\", \"x/y/z\"]\n",
                  to: root + "/pyproject.toml")
        let configuration = try Configuration.load(file: root + "/pyproject.toml")
        let found = Set(FileDiscovery(configuration: configuration).files(in: [root]).map(\.path))
        let expected = Set(files.map { root + "/" + $0 }.filter { !configuration.isExcluded(path: $0) })
        #expect(found == expected)
        #expect(found.count == 3)  // a/3.py, keep/deep/10.py, top.py
        for sub in ["a", "keep", "x"] {
            let inner = Set(FileDiscovery(configuration: configuration).files(in: [root + "/" + sub]).map(\.path))
            #expect(inner == expected.filter { $0.hasPrefix(root + "/" + sub + "/") })
        }
    }

    @Test func globs() {
        #expect(Glob.matches("build", path: "a/build/x.py"))
        #expect(Glob.matches("*_pb2.py", path: "a/b/m_pb2.py"))
        #expect(Glob.matches("tests/fixtures", path: "tests/fixtures/x.py"))
        #expect(!Glob.matches("tests/fixtures", path: "src/tests/fixtures/x.py"))
    }
}

@Suite struct SourceLoaderTests {
    func text(_ result: LoadedSource) -> String? {
        if case let .text(source, _) = result { return source.text(0..<source.byteCount) }
        return nil
    }

    @Test func utf8AndBOM() {
        #expect(text(SourceLoader.decode(Array("x = 'é'\n".utf8))) == "x = 'é'\n")
        let bom = SourceLoader.decode([0xEF, 0xBB, 0xBF] + Array("x = 1\n".utf8))
        #expect(text(bom) == "x = 1\n")
        if case let .text(_, encoding) = bom { #expect(encoding == .utf8WithBOM) }
    }

    @Test func codingCookieTranscodes() {
        let latin1: [UInt8] = Array("# -*- coding: latin-1 -*-\nx = '".utf8) + [0xE9] + Array("'\n".utf8)
        #expect(text(SourceLoader.decode(latin1)) == "# -*- coding: latin-1 -*-\nx = 'é'\n")
        let secondLine: [UInt8] = Array("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '".utf8) + [0x80] + Array("'\n".utf8)
        #expect(text(SourceLoader.decode(secondLine))?.contains("€") == true)
    }

    @Test func invalidInputIsUnreadable() {
        if case .text = SourceLoader.decode(Array("x = '".utf8) + [0xE9] + Array("'\n".utf8)) { Issue.record("latin-1 without cookie") }
        if case .text = SourceLoader.decode([0x78, 0x00, 0x79]) { Issue.record("NUL byte") }
        if case .text = SourceLoader.decode(Array("# coding: no-such-codec\n".utf8)) { Issue.record("unknown codec") }
        if case .text = SourceLoader.load(path: NSTemporaryDirectory()) { Issue.record("directory") }
        if case .text = SourceLoader.load(path: "/nonexistent/x.py") { Issue.record("missing file") }
    }

    @Test func cookieOnlyOnFirstTwoLines() {
        let third: [UInt8] = Array("x = 1\ny = 2\n# coding: latin-1\nz = '".utf8) + [0xE9] + Array("'\n".utf8)
        if case .text = SourceLoader.decode(third) { Issue.record("cookie on line 3 must be ignored") }
    }
}
