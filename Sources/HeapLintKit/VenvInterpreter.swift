#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapModel

/// The interpreter of the project's virtual environment, as its `pyvenv.cfg` describes it: the target
/// version when neither `--target-version` nor a configuration file names one. The interpreter is never
/// run (checking a repository must not execute anything it contains); `pyvenv.cfg` is plain text that
/// `python -m venv`, virtualenv and uv all write at the environment's root.
public struct VenvInterpreter: Sendable, Equatable {
    /// The `pyvenv.cfg` it was read from.
    public let configFile: String
    /// The version as written there: `3.12.3`.
    public let version: String
    public let target: TargetVersion

    /// The environment directories looked for at the project root, in this order.
    public static let directoryNames = [".venv", "venv"]

    /// The first of `.venv/pyvenv.cfg`, `venv/pyvenv.cfg` under `root` that names a CPython version
    /// heaplint models; nil when there is none.
    public static func find(in root: String) -> VenvInterpreter? {
        for name in directoryNames {
            let file = PathString.appending(PathString.appending(root, name), "pyvenv.cfg")
            guard FileManager.default.isReadableFile(atPath: file),
                  let text = try? String(contentsOfFile: file, encoding: .utf8),
                  let found = parse(text, file: file) else { continue }
            return found
        }
        return nil
    }

    /// Reads `key = value` lines. The version is `version` (venv) or `version_info` (virtualenv, uv:
    /// `3.12.3.final.0`); a free-threaded build shows in the interpreter's name (`python3.13t`), which
    /// venv writes as `executable` (and in `command`). Another implementation (`implementation = PyPy`)
    /// has a different heap, so it names no target.
    public static func parse(_ text: String, file: String) -> VenvInterpreter? {
        var values: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingWhitespaceAndNewlines().lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingWhitespaceAndNewlines()
            if values[key] == nil { values[key] = value }
        }
        if let implementation = values["implementation"], implementation.lowercased() != "cpython" { return nil }
        guard let raw = values["version"] ?? values["version_info"] else { return nil }
        let numbers = raw.split(separator: ".").prefix(3)
        guard numbers.count >= 2, numbers[0] == "3", let minor = Int(numbers[1]) else { return nil }
        let freeThreaded = [values["executable"], values["command"]].contains { path in
            guard let path else { return false }
            let program = PathString.lastComponent(String(path.split(separator: " ").first ?? ""))
            return program.hasPrefix("python3.") && program.hasSuffix("t")
        }
        guard let target = TargetVersion(minor: minor, freeThreaded: freeThreaded) else { return nil }
        return VenvInterpreter(configFile: file, version: numbers.joined(separator: "."), target: target)
    }
}
