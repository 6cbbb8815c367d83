import Foundation
import Testing
import HeapLintKit
import HeapRules

/// The preview gate (issue 14, as in ruff): preview rules run only with `--preview` / `preview = true`.
@Suite struct PreviewGateTests {
    let previewCode = "HL406"

    @Test func previewRulesAreOffByDefault() throws {
        #expect(RuleRegistry.rule(code: previewCode)?.metadata.status == .preview)
        let codes = Configuration.isolated().selectedCodes
        #expect(!codes.contains(previewCode))
        #expect(codes.contains("HL101") && codes.contains("HL301") && codes.contains("HL401"))
        // A prefix or ALL selects the stable rules only.
        var options = Options()
        options.select = ["HL4"]
        #expect(!Configuration.isolated().overlaid(with: options).selectedCodes.contains(previewCode))
        #expect(Configuration.isolated().overlaid(with: options).previewCodesSelectedWithoutPreview.isEmpty)
    }

    @Test func previewTurnsThemOnAndSetsPreviewBehaviour() {
        var options = Options()
        options.preview = true
        let configuration = Configuration.isolated().overlaid(with: options)
        #expect(configuration.selectedCodes.contains(previewCode))
        #expect(configuration.ruleSettings.preview)
        #expect(!Configuration.isolated().ruleSettings.preview)
    }

    @Test func selectingAPreviewCodeWithoutPreviewIsReported() {
        var options = Options()
        options.select = [previewCode, "HL401"]
        let configuration = Configuration.isolated().overlaid(with: options)
        #expect(configuration.selectedCodes == ["HL401"])
        #expect(configuration.previewCodesSelectedWithoutPreview == [previewCode])
        options.preview = true
        #expect(Configuration.isolated().overlaid(with: options).previewCodesSelectedWithoutPreview.isEmpty)
    }

    @Test func previewKeyIsReadFromTheConfigFile() throws {
        let directory = NSTemporaryDirectory() + "heaplint-preview-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/heaplint.toml"
        try "preview = true\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Configuration.load(file: file).isPreview)
        try "preview = \"yes\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try Configuration.load(file: file) }
    }
}
