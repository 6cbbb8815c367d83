import Testing
@testable import HeapLintKit

/// `UnifiedDiff` hunks: applying them to the old text gives the new text, context is 3 lines,
/// and far-apart changes get separate hunks.
@Suite struct UnifiedDiffTests {
    /// Applies a unified diff as `patch` would (exact context, hunks in order).
    func apply(_ diff: String, to old: String) throws -> String {
        var oldLines = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if oldLines.last == "" { oldLines.removeLast() }
        var result: [String] = []
        var cursor = 0
        var lines = diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropFirst(2)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            if line.hasPrefix("@@") {
                let numbers = line.split(whereSeparator: { !"0123456789".contains($0) }).compactMap { Int($0) }
                let start = numbers[1] == 0 ? numbers[0] : numbers[0] - 1
                try #require(start >= cursor)
                result += oldLines[cursor..<start]
                cursor = start
            } else if line.hasPrefix(" ") || line.hasPrefix("-") {
                try #require(oldLines[cursor] == String(line.dropFirst()), "context or removal does not match line \(cursor + 1)")
                if line.hasPrefix(" ") { result.append(oldLines[cursor]) }
                cursor += 1
            } else if line.hasPrefix("+") {
                result.append(String(line.dropFirst()))
            }
        }
        result += oldLines[cursor...]
        return result.map { $0 + "\n" }.joined()
    }

    @Test(arguments: 0..<40)
    func randomEditsRoundTrip(seed: Int) throws {
        var rng = DiffRandom(seed: UInt64(seed))
        let old = (0..<Int(rng.next() % 60)).map { _ in "line \(rng.next() % 8)\n" }
        var new = old
        for _ in 0..<Int(rng.next() % 6) {
            let at = new.isEmpty ? 0 : Int(rng.next() % UInt64(new.count + 1))
            switch rng.next() % 3 {
            case 0: new.insert("added \(rng.next() % 5)\n", at: at)
            case 1: if at < new.count { new.remove(at: at) }
            default: if at < new.count { new[at] = "changed \(rng.next() % 5)\n" }
            }
        }
        let a = old.joined(), b = new.joined()
        guard let diff = UnifiedDiff.make(old: a, new: b, path: "x.py") else {
            #expect(a == b)
            return
        }
        #expect(try apply(diff, to: a) == b)
    }

    @Test func farApartChangesGetTwoHunksWithThreeLinesOfContext() throws {
        let old = (1...100).map { "v\($0)\n" }.joined()
        let new = old.replacingOccurrences(of: "v10\n", with: "w10\n").replacingOccurrences(of: "v90\n", with: "w90\n")
        let diff = try #require(UnifiedDiff.make(old: old, new: new, path: "x.py"))
        #expect(diff.hasPrefix("--- x.py\n+++ x.py\n@@ -7,7 +7,7 @@\n v7\n v8\n v9\n-v10\n+w10\n v11\n v12\n v13\n@@ -87,7 +87,7 @@\n"))
        #expect(try apply(diff, to: old) == new)
    }

    @Test func changesSixLinesApartShareAHunk() throws {
        let old = (1...30).map { "v\($0)\n" }.joined()
        let new = old.replacingOccurrences(of: "v10\n", with: "w10\n").replacingOccurrences(of: "v17\n", with: "w17\n")
        let diff = try #require(UnifiedDiff.make(old: old, new: new, path: "x.py"))
        #expect(diff.components(separatedBy: "@@ -").count == 2)
        #expect(diff.contains("@@ -7,14 +7,14 @@\n"))
    }

    @Test func insertionIntoAnEmptyFileAndMissingFinalNewline() throws {
        let diff = try #require(UnifiedDiff.make(old: "", new: "a\n", path: "x.py"))
        #expect(diff == "--- x.py\n+++ x.py\n@@ -0,0 +1,1 @@\n+a\n")
        let noNewline = try #require(UnifiedDiff.make(old: "a\nb", new: "a\nc", path: "x.py"))
        #expect(noNewline.hasSuffix("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"))
    }
}

struct DiffRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
