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
}
