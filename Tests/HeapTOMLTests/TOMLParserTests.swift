// The parser's values and messages, one TOML rule at a time.
import Testing
import HeapTOML

private func parse(_ text: String) throws -> [String: TOMLValue] { try TOMLDocument.parse(text) }

private func failure(_ text: String) -> TOMLError? {
    do {
        _ = try TOMLDocument.parse(text)
        return nil
    } catch let error as TOMLError {
        return error
    } catch {
        return TOMLError(line: 0, column: 0, message: "not a TOMLError: \(error)")
    }
}

@Suite struct TOMLParserTests {
    @Test func scalars() throws {
        #expect(try parse("s = \"a\\tb\"\n") == ["s": .string("a\tb")])
        #expect(failure("i = -0x1\n") != nil)  // a sign only on decimal numbers
        let numbers = try parse("a = 1_000\nb = 0o17\nc = 0b11\nd = 0xff\ne = 1.5e3\nf = -inf\ng = nan\nh = +0.0\n")
        #expect(numbers["a"] == .integer(1000))
        #expect(numbers["b"] == .integer(15))
        #expect(numbers["c"] == .integer(3))
        #expect(numbers["d"] == .integer(255))
        #expect(numbers["e"] == .float(1500))
        #expect(numbers["f"] == .float(-.infinity))
        #expect(numbers["g"]?.double?.isNaN == true)
        #expect(numbers["h"] == .float(0))
        #expect(try parse("t = true\nf = false\n") == ["t": .boolean(true), "f": .boolean(false)])
        #expect(try parse("max = 9_223_372_036_854_775_807\n") == ["max": .integer(.max)])
        #expect(failure("a = 9223372036854775808\n")?.message == "integer `9223372036854775808` does not fit in 64 bits")
        #expect(failure("a = 0x1_0000_0000_0000_0000\n")?.message == "integer `0x1_0000_0000_0000_0000` does not fit in 64 bits")
        #expect(failure("a = 1\rb = 2\n")?.message
                == "expected a newline or a comment after the value, found a carriage return without a newline after it")
    }

    @Test func dateTimesAreKeptAsWritten() throws {
        let doc = try parse("a = 1979-05-27 07:32:00Z\nb = 07:32:00.5\nc = 2000-02-29\nd = 1979-05-27T00:32:00-07:00 # note\n")
        #expect(doc["a"] == .dateTime("1979-05-27 07:32:00Z"))
        #expect(doc["b"] == .dateTime("07:32:00.5"))
        #expect(doc["c"] == .dateTime("2000-02-29"))
        #expect(doc["d"] == .dateTime("1979-05-27T00:32:00-07:00"))
        #expect(failure("a = 1900-02-29\n")?.message.contains("day 29") == true)
        #expect(failure("a = 1979-05-27T07:32\n") != nil)  // TOML 1.0 requires the seconds
    }

    @Test func accessorsMatchOnlyTheirType() throws {
        let doc = try parse("n = 5\nx = 5.0\nl = [1, \"two\"]\nt = {}\n")
        #expect(doc["n"]?.int == 5 && doc["n"]?.double == nil)
        #expect(doc["x"]?.double == 5 && doc["x"]?.int == nil)
        #expect(doc["l"]?.array == [.integer(1), .string("two")])  // mixed arrays are TOML 1.0
        #expect(doc["t"]?.table == [:])
        #expect(doc["n"]?.string == nil && doc["n"]?.bool == nil && doc["n"]?.table == nil)
    }

    @Test func dottedKeysAndHeadersBuildOneTree() throws {
        let doc = try parse("""
            [tool.heaplint]
            select = ["HL1"]
            per-file-ignores."tests/*.py" = ["HL101"]
            [tool.heaplint.more]
            x = 1

            """)
        let heaplint = doc["tool"]?.table?["heaplint"]?.table
        #expect(heaplint?["select"] == .array([.string("HL1")]))
        #expect(heaplint?["per-file-ignores"]?.table?["tests/*.py"] == .array([.string("HL101")]))
        #expect(heaplint?["more"]?.table?["x"] == .integer(1))
    }

    @Test func redefinitionsNameTheKey() {
        #expect(failure("a = 1\na = 2\n")?.message == "key `a` is defined twice")
        #expect(failure("[x.y]\n[x.y]\n")?.message == "table `x.y` is defined twice")
        #expect(failure("[\"a b\"]\n[\"a b\"]\n")?.message == "table `\"a b\"` is defined twice")
        #expect(failure("[f]\na.b = 1\n[f.a]\n")?.message
                == "table `f.a` was already defined by dotted keys; it cannot get a [header] too")
        #expect(failure("a = [1]\n[[a]]\n")?.message
                == "cannot append to `a` with [[...]]: it is already an array value")
        #expect(failure("a = {b = 1}\na.c = 2\n")?.message
                == "cannot add keys to `a`: it is already an inline table (inline tables are complete as written)")
        #expect(failure("[a.b]\n[a]\nb.c = 1\n")?.message
                == "table `a.b` was defined by a [header]; dotted keys cannot add to it")
    }

    @Test func errorsCountColumnsInCharacters() {
        let error = failure("name = \"Zoë\" x\n")
        #expect(error?.line == 1)
        #expect(error?.column == 14)
        #expect(error?.description == "line 1, column 14: expected a newline or a comment after the value, found `x`")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = "a = " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        #expect(failure(deep)?.message.contains("nest more than") == true)
        let deepInline = "a = " + String(repeating: "{b = ", count: 5_000) + "1" + String(repeating: "}", count: 5_000)
        #expect(failure(deepInline)?.message.contains("nest more than") == true)
        let longKey = Array(repeating: "k", count: 100_000).joined(separator: ".") + " = 1\n"
        #expect(failure(longKey)?.message == "a dotted key may have at most 32 parts")
        #expect(failure("[" + Array(repeating: "k", count: 100_000).joined(separator: ".") + "]\n") != nil)
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        #expect(try parse("\u{FEFF}a = 1\n") == ["a": .integer(1)])
    }
}
