// HeapTOML against Python's tomllib: the expected values in Tests/Fixtures/toml/valid/*.json are tomllib's
// reading of each fixture (Tests/python/test_toml.py holds them to it), and every invalid fixture must fail
// at the LINE:COLUMN in its .where file. Tests may link Foundation (for JSON and files); the binary does not.
import Foundation
import Testing
import HeapTOML

private let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/toml")

private func files(_ folder: String, _ suffix: String) -> [String] {
    let directory = fixtures.appendingPathComponent(folder).path
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
        .filter { $0.hasSuffix(suffix) }.sorted().map { directory + "/" + $0 }
}

private func text(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// tomllib's datetime.isoformat() of a TOML date-time as written: `T` between date and time, `+00:00` for Z.
private func isoFormat(_ written: String) -> String {
    var scalars = Array(written)
    if scalars.count > 10, scalars[10] == " " || scalars[10] == "t" { scalars[10] = "T" }
    var result = String(scalars)
    if result.hasSuffix("Z") || result.hasSuffix("z") { result = String(result.dropLast()) + "+00:00" }
    return result
}

/// Where `actual` differs from tomllib's typed JSON `expected` (nil when equal).
private func difference(_ actual: TOMLValue, _ expected: Any, at path: String) -> String? {
    if let object = expected as? [String: Any], object["type"] is String, object["value"] is String, actual.table == nil {
        let type = object["type"] as! String, value = object["value"] as! String
        switch (type, actual) {
        case ("string", .string(let s)) where s == value: return nil
        case ("integer", .integer(let i)) where String(i) == value: return nil
        case ("bool", .boolean(let b)) where String(b) == value: return nil
        case ("datetime", .dateTime(let d)) where isoFormat(d) == value: return nil
        case ("float", .float(let f)):
            if value == "nan" ? f.isNaN : f == Double(value) { return nil }
        default: break
        }
        return "\(path): \(actual) is not tomllib's \(type) \(value)"
    }
    if let object = expected as? [String: Any] {
        guard let table = actual.table else { return "\(path): \(actual) is not a table" }
        guard Set(table.keys) == Set(object.keys) else {
            return "\(path): keys \(table.keys.sorted()) are not tomllib's \(object.keys.sorted())"
        }
        for key in table.keys.sorted() {
            if let problem = difference(table[key]!, object[key]!, at: path + "." + key) { return problem }
        }
        return nil
    }
    if let list = expected as? [Any] {
        guard let array = actual.array, array.count == list.count else { return "\(path): \(actual) is not \(list)" }
        for (offset, pair) in zip(array, list).enumerated() {
            if let problem = difference(pair.0, pair.1, at: "\(path)[\(offset)]") { return problem }
        }
        return nil
    }
    return "\(path): unexpected expectation \(expected)"
}

@Suite struct TOMLFixtureTests {
    @Test func thereAreFixtures() {
        #expect(files("valid", ".toml").count >= 5)
        #expect(files("invalid", ".toml").count >= 30)
    }

    @Test(arguments: files("valid", ".toml"))
    func validFixtureMatchesTomllib(_ path: String) throws {
        let document = try TOMLDocument.parse(try text(path))
        let expectedPath = String(path.dropLast(".toml".count)) + ".json"
        let expected = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: expectedPath)),
                                                        options: [.fragmentsAllowed])
        let problem = difference(.table(document), expected, at: (path as NSString).lastPathComponent)
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test(arguments: files("invalid", ".toml"))
    func invalidFixtureFailsWhereExpected(_ path: String) throws {
        let where_ = try text(String(path.dropLast(".toml".count)) + ".where")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").map { Int($0)! }
        do {
            let document = try TOMLDocument.parse(try text(path))
            Issue.record("\(path) parsed as \(document)")
        } catch let error as TOMLError {
            #expect([error.line, error.column] == where_, "\((path as NSString).lastPathComponent): \(error)")
            #expect(!error.message.isEmpty)
        }
    }

    /// Seeded mutations of every fixture (bytes deleted, duplicated or replaced by TOML's own punctuation):
    /// each either parses or throws a placed TOMLError; none may crash. A failure reproduces from the seed.
    @Test func mutatedFixturesNeverCrash() throws {
        var state: UInt64 = 0x5EED_70A1
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("[]{}\"'=.,#\\\n\r\t _-+:0xe1TZ".utf8)
        var parsed = 0, rejected = 0
        for path in files("valid", ".toml") + files("invalid", ".toml") {
            let original = Array(try text(path).utf8)
            guard !original.isEmpty else { continue }
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + next(4)) {
                    let at = next(bytes.count + 1)
                    switch next(3) {
                    case 0 where at < bytes.count: bytes.remove(at: at)
                    case 1: bytes.insert(alphabet[next(alphabet.count)], at: at)
                    default: if at < bytes.count { bytes[at] = alphabet[next(alphabet.count)] }
                    }
                }
                do {
                    _ = try TOMLDocument.parse(String(decoding: bytes, as: UTF8.self))
                    parsed += 1
                } catch let error as TOMLError {
                    #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
                    rejected += 1
                }
            }
        }
        #expect(parsed > 0 && rejected > 0)
    }
}
