import Foundation
import Testing
import HeapLintKit

@Suite struct VenvInterpreterTests {
    @Test func readsVenvVirtualenvAndUvSpellings() {
        let venv = VenvInterpreter.parse("home = /usr/bin\nversion = 3.12.3\n", file: "p")
        #expect(venv?.target == .py312 && venv?.version == "3.12.3")
        #expect(VenvInterpreter.parse("implementation = CPython\nversion_info = 3.13.0.final.0\n", file: "p")?.target == .py313)
        #expect(VenvInterpreter.parse("version_info = 3.13.0.final.0\n", file: "p")?.version == "3.13.0")
        #expect(VenvInterpreter.parse("version = 3.14.1\nexecutable = /opt/bin/python3.14t\n", file: "p")?.target == .py314t)
    }

    @Test func namesNoTargetForOtherInterpreters() {
        #expect(VenvInterpreter.parse("implementation = PyPy\nversion_info = 3.10.14\n", file: "p") == nil)
        #expect(VenvInterpreter.parse("version = 3.7.9\n", file: "p") == nil)
        #expect(VenvInterpreter.parse("version = 3\n", file: "p") == nil)
        #expect(VenvInterpreter.parse("version = 3.12.1\nexecutable = /usr/bin/python3.12t\n", file: "p") == nil)
        #expect(VenvInterpreter.parse("", file: "p") == nil)
    }

    @Test func aConfiguredVersionBeatsTheVenv() throws {
        let root = NSTemporaryDirectory() + "heaplint-venv-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/.venv", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "version = 3.14.2\n".write(toFile: root + "/.venv/pyvenv.cfg", atomically: true, encoding: .utf8)
        let detected = Configuration(projectRoot: root).detectingVenv()
        #expect(detected.ruleSettings.targetVersion == .py314)
        #expect(Configuration(projectRoot: root).ruleSettings.targetVersion == .default)
        var options = Options()
        options.targetVersion = .py312
        #expect(detected.overlaid(with: options).ruleSettings.targetVersion == .py312)
        #expect(detected.overlaid(with: Options()).ruleSettings.targetVersion == .py314)
    }
}
