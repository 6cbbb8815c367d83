// HeapPortable replaces the Foundation calls heaplint made (issue 27); on Linux these tests hold each
// replacement to Foundation's own answer on the same inputs (tests may link Foundation; the binary does not).
import Foundation
import Testing
import HeapPortable

@Suite struct FoundationParityTests {
    /// A deterministic generator, so a failure reproduces.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// ASCII, as heaplint's keys are (JSONText documents its order as exact for ASCII).
    static let keyParts = ["a", "b", "B", "_", "end", "end_location", "location", "x1", "x10", "x2", "X2", "Z", "z", "9", "09", "-", "code", "url", ".", " ", "$", "~"]
    static let stringParts = ["plain", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{8}", "\u{c}", "\u{1}", "\u{1f}", "é", "→", "😀", "</script>", "%", ":"]

    func randomString(_ g: inout Generator, parts: [String], count: Int) -> String {
        (0..<count).map { _ in parts[g.next(parts.count)] }.joined()
    }

    /// The same tree twice: with JSONNull (ours) and NSNull (Foundation's).
    func randomTree(_ g: inout Generator, depth: Int) -> (ours: Any, theirs: Any) {
        switch depth > 3 ? g.next(5) : g.next(8) {
        case 0: let s = randomString(&g, parts: Self.stringParts, count: g.next(5)); return (s, s)
        case 1: let n = g.next(2_000_000) - 1_000_000; return (n, n)
        case 2: let d = Double(g.next(100_000)) / Double(1 + g.next(1000)); return (d, d)
        case 3: let b = g.next(2) == 0; return (b, b)
        case 4: return (JSONNull(), NSNull())
        case 5, 6:
            var ours: [String: Any] = [:], theirs: [String: Any] = [:]
            for _ in 0..<g.next(6) {
                let key = randomString(&g, parts: Self.keyParts, count: 1 + g.next(3))
                let (o, t) = randomTree(&g, depth: depth + 1)
                ours[key] = o; theirs[key] = t
            }
            return (ours, theirs)
        default:
            var ours: [Any] = [], theirs: [Any] = []
            for _ in 0..<g.next(5) {
                let (o, t) = randomTree(&g, depth: depth + 1)
                ours.append(o); theirs.append(t)
            }
            return (ours, theirs)
        }
    }

    @Test func jsonTextIsJSONSerializationsText() throws {
        var g = Generator(state: 27)
        let optionSets: [(JSONText.Options, JSONSerialization.WritingOptions)] = [
            ([.sortedKeys], [.sortedKeys]),
            ([.sortedKeys, .withoutEscapingSlashes], [.sortedKeys, .withoutEscapingSlashes]),
            ([.sortedKeys, .withoutEscapingSlashes, .prettyPrinted], [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]),
            ([.sortedKeys, .prettyPrinted], [.sortedKeys, .prettyPrinted]),
        ]
        for _ in 0..<400 {
            var (ours, theirs) = randomTree(&g, depth: 0)
            if g.next(2) == 0 { ours = ["root": ours]; theirs = ["root": theirs] }
            for (mine, foundation) in optionSets {
                let expected = String(decoding: try JSONSerialization.data(withJSONObject: theirs, options: foundation.union(.fragmentsAllowed)), as: UTF8.self)
                #expect(try JSONText.string(ours, options: mine) == expected)
            }
        }
    }

    @Test func sortedKeysFollowFoundationsOrder() throws {
        let keys = ["b", "B", "a_b", "ab", "a1", "a10", "a2", "A2", "_x", "x", "end_location", "end", "endx", "e", "z", "Z", "09", "9"]
            + (0x20...0x7E).map { "k" + String(UnicodeScalar(UInt8($0))) }
        let expected = try #require(String(data: JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) }),
                                                                        options: [.sortedKeys]), encoding: .utf8))
        #expect(try JSONText.string(Dictionary(uniqueKeysWithValues: keys.map { ($0, 1) as (String, Any) }), options: [.sortedKeys]) == expected)
    }

    @Test func parsingRoundTripsWhatFoundationReads() throws {
        var g = Generator(state: 9)
        for _ in 0..<200 {
            let (_, theirs) = randomTree(&g, depth: 0)
            let text = try JSONSerialization.data(withJSONObject: ["v": theirs], options: [.sortedKeys, .prettyPrinted])
            let parsed = try JSONText.parse([UInt8](text))
            #expect(try JSONText.data(parsed, options: [.sortedKeys, .prettyPrinted]) == [UInt8](text))
        }
        #expect(try JSONText.parse(Array("\"\\ud83d\\ude00 \\u00e9\"".utf8)) as? String == "😀 é")
        #expect(try JSONText.parse(Array(" 12 ".utf8)) as? Int == 12)
        // Foundation's reader takes a trailing comma; so does ours.
        for lenient in ["[1,]", "{\"a\": 1,}", "[1, 2 , ]"] {
            #expect((try? JSONSerialization.jsonObject(with: Data(lenient.utf8))) != nil)
            #expect((try? JSONText.parse(Array(lenient.utf8))) != nil)
        }
        #expect(try JSONText.parse(Array("-1.5e2".utf8)) as? Double == -150)
    }

    @Test func invalidJSONIsAnErrorWithAPlace() {
        for bad in ["{oops", "", "[,]", "[1,,]", "{,}", "{\"a\" 1}", "01", "\"\\x\"", "[1] 2", "\"\u{1}\"", "tru", "\"\\ud800\""] {
            #expect(throws: JSONError.self) { try JSONText.parse(Array(bad.utf8)) }
            #expect((try? JSONSerialization.jsonObject(with: Data(bad.utf8), options: [.fragmentsAllowed])) == nil, "\(bad)")
        }
        do { _ = try JSONText.parse(Array("{\n  oops".utf8)) } catch { #expect("\(error)".contains("line 2, column 3")) }
    }

    @Test func pathStringMatchesNSString() {
        let paths = ["/a/b", "/a/b/", "/a", "/", "a", "a/b", "a//b", "", ".", "./x.py", "dir/x.tar.gz", ".bashrc",
                     "/x/.hidden", "a/b.", "/usr//lib/", "x.py/", "//a", "a/./b", "/a/b//", "~/x"]
        for p in paths {
            // Foundation traps on a relative path of one component ("a", "a/"), which heaplint never gives it.
            if p.hasPrefix("/") || p.dropLast().contains("/") {
                #expect(PathString.deletingLastComponent(p) == (p as NSString).deletingLastPathComponent, "\(p)")
            }
            #expect(PathString.lastComponent(p) == (p as NSString).lastPathComponent, "\(p)")
            #expect(PathString.deletingExtension(p) == (p as NSString).deletingPathExtension, "\(p)")
            for c in ["c", "c.py", ".git", "d/e", "/c", "c/", "d//e", ""] {
                #expect(PathString.appending(p, c) == (p as NSString).appendingPathComponent(c), "\(p) + \(c)")
            }
        }
        for p in ["~", "~/x", "/abs", "rel", "~x"] where p != "~x" {
            #expect(PathString.expandingTilde(p) == (p as NSString).expandingTildeInPath, "\(p)")
        }
    }

    @Test func textHelpersMatchFoundation() {
        let samples = ["", " a b ", "\t x\t", "\n y \r\n", "\u{00A0}z\u{2003}", "a_b_c", "100%: a,b\r\n", "x|y", "__"]
        for s in samples {
            #expect(s.trimmingWhitespace() == s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)")
            #expect(s.trimmingWhitespaceAndNewlines() == s.trimmingCharacters(in: .whitespacesAndNewlines), "\(s.debugDescription)")
            for (a, b) in [("_", "-"), ("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), ("|", "\\|"), (" ", "-"), ("__", "_")] {
                #expect(s.replacingAll(a, with: b) == s.replacingOccurrences(of: a, with: b), "\(s.debugDescription) \(a)")
            }
            #expect(s.percentEncodedForURLPath() == s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed), "\(s.debugDescription)")
        }
        let label = "x (line 3) and line 12)"
        #expect(label.lastScalarRange(of: "line ").map { label[$0.lowerBound...] } == label.range(of: "line ", options: .backwards).map { label[$0.lowerBound...] })
        #expect("# -*- coding: utf-8 -*-".firstScalarRange(of: "coding").map(\.lowerBound) == "# -*- coding: utf-8 -*-".range(of: "coding")?.lowerBound)
        for scalar in ["a", "é", "_", "1", "٣", "Ⅳ", "\u{301}", "-", " ", "中"].map({ $0.unicodeScalars.first! }) {
            #expect(isLetterOrMark(scalar) == CharacterSet.letters.contains(scalar), "\(scalar)")
            #expect((isLetterOrMark(scalar) || isNumberCategory(scalar)) == CharacterSet.alphanumerics.contains(scalar), "\(scalar)")
        }
    }

    @Test func fixedDecimalIsPrintfs() {
        for v in [0.0, 0.05, 0.15, 1.25, 2.675, 12.3456, 999.95, 1e6 + 0.5, 123456.789] {
            for d in [1, 2, 3] {
                #expect(fixedDecimal(v, digits: d) == String(format: "%.\(d)f", v), "\(v) \(d)")
            }
        }
        #expect([7, 0, 59].map { zeroPadded($0, width: 2) } == ["07", "00", "59"])
    }

    @Test func aChildProcessGetsItsArgumentsAndEnvironmentAndItsExitStatusComesBack() throws {
        #expect(try Subprocess.runWithStdoutOnStderr("/bin/sh", arguments: ["-c", "exit 3"], environment: [:]) == 3)
        #expect(try Subprocess.runWithStdoutOnStderr("/bin/sh", arguments: ["-c", "test \"$X\" = yes"], environment: ["X": "yes"]) == 0)
        #expect(try Subprocess.runWithStdoutOnStderr("/bin/sh", arguments: ["-c", "kill -9 $$"], environment: [:]) == 128 + 9)
        #expect(throws: Subprocess.SpawnError.self) { try Subprocess.runWithStdoutOnStderr("/nonexistent/x", arguments: [], environment: [:]) }
    }

    @Test func aLockSerialisesAndADetachedThreadRuns() async {
        let lock = HeapPortable.Lock()
        final class Counter: @unchecked Sendable { var value = 0 }
        let counter = Counter()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            startDetachedThread(stackSize: 1 << 20) {
                for _ in 0..<1000 { lock.withLock { counter.value += 1 } }
                done.resume()
            }
        }
        #expect(lock.withLock { counter.value } == 1000)
    }
}
