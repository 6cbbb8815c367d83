#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable

/// A unified diff as `diff -u` prints it: the changed lines found by a shortest edit script (Myers),
/// grouped into one hunk per region with 3 lines of context, so fixes far apart print two small hunks
/// rather than everything between them. `patch -p0` and `git apply` accept the output.
public enum UnifiedDiff {
    public static let context = 3

    public static func make(old: String, new: String, path: String) -> String? {
        if old == new { return nil }
        let a = lines(old), b = lines(new)
        let script = editScript(a, b)
        guard script.contains(where: { $0 != .keep }) else { return nil }
        var out = "--- \(path)\n+++ \(path)\n"
        for hunk in hunks(script) {
            out += render(hunk: hunk, script: script, a: a, b: b)
        }
        return out
    }

    enum Edit: Equatable { case keep, delete, insert }

    /// One hunk: a range of `script` indices, and where it starts in each file (0-based line numbers).
    private struct Hunk {
        var range: Range<Int>
        var aStart: Int
        var bStart: Int
    }

    /// Groups the edits into hunks: changes closer than 2 × context unchanged lines share a hunk.
    private static func hunks(_ script: [Edit]) -> [Hunk] {
        // Line positions in a and b before each script index.
        var aAt = [Int](repeating: 0, count: script.count + 1)
        var bAt = [Int](repeating: 0, count: script.count + 1)
        for (i, edit) in script.enumerated() {
            aAt[i + 1] = aAt[i] + (edit == .insert ? 0 : 1)
            bAt[i + 1] = bAt[i] + (edit == .delete ? 0 : 1)
        }
        var result: [Hunk] = []
        var i = 0
        while i < script.count {
            guard script[i] != .keep else { i += 1; continue }
            let start = max(0, i - context)
            // Extend through changes separated by at most 2 × context kept lines.
            var end = i
            while end < script.count {
                if script[end] != .keep { end += 1; continue }
                var run = end
                while run < script.count, script[run] == .keep { run += 1 }
                if run == script.count || run - end > 2 * context {
                    end = min(script.count, end + context)
                    break
                }
                end = run
            }
            result.append(Hunk(range: start..<end, aStart: aAt[start], bStart: bAt[start]))
            i = end
        }
        return result
    }

    private static func render(hunk: Hunk, script: [Edit], a: [String], b: [String]) -> String {
        var body = ""
        var ai = hunk.aStart, bi = hunk.bStart
        var aCount = 0, bCount = 0
        for index in hunk.range {
            switch script[index] {
            case .keep:
                body += " " + terminated(a[ai]); ai += 1; bi += 1; aCount += 1; bCount += 1
            case .delete:
                body += "-" + terminated(a[ai]); ai += 1; aCount += 1
            case .insert:
                body += "+" + terminated(b[bi]); bi += 1; bCount += 1
            }
        }
        return "@@ -\(range(hunk.aStart, aCount)) +\(range(hunk.bStart, bCount)) @@\n" + body
    }

    /// The shortest edit script turning `a` into `b` (Myers' O(ND) algorithm), deletions before
    /// insertions within a change, after trimming the common prefix and suffix.
    static func editScript(_ a: [String], _ b: [String]) -> [Edit] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
              a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let x = Array(a[prefix..<(a.count - suffix)]), y = Array(b[prefix..<(b.count - suffix)])
        let middle = myers(x, y)
        return [Edit](repeating: .keep, count: prefix) + middle + [Edit](repeating: .keep, count: suffix)
    }

    private static func myers(_ a: [String], _ b: [String]) -> [Edit] {
        let n = a.count, m = b.count
        if n == 0 { return [Edit](repeating: .insert, count: m) }
        if m == 0 { return [Edit](repeating: .delete, count: n) }
        let max = n + m
        let offset = max
        var v = [Int](repeating: 0, count: 2 * max + 2)
        // trace[d] is v before round d, restricted to diagonals -d...d (all the walk back reads).
        var trace: [[Int]] = []
        var found = false
        // Past this many edits the files share little: print the region as removed and re-added.
        let limit = Swift.min(max, 4000)
        for d in 0...limit {
            trace.append(Array(v[(offset - d)...(offset + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]  // down: an insertion
                } else {
                    x = v[offset + k - 1] + 1  // right: a deletion
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n, y >= m { found = true; break }
            }
            if found { break }
        }
        guard found else { return [Edit](repeating: .delete, count: n) + [Edit](repeating: .insert, count: m) }
        // Walk back through the trace, collecting edits in reverse.
        var edits: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let vd = trace[d]
            let k = x - y
            let prevK: Int
            if k == -d || (k != d && vd[d + k - 1] < vd[d + k + 1]) {
                prevK = k + 1
            } else {
                prevK = k - 1
            }
            let prevX = d == 0 ? 0 : vd[d + prevK]
            let prevY = prevX - prevK
            while x > prevX, y > prevY { edits.append(.keep); x -= 1; y -= 1 }
            if d > 0 {
                if x == prevX { edits.append(.insert) } else { edits.append(.delete) }
                x = prevX; y = prevY
            }
        }
        return normalized(Array(edits.reversed()))
    }

    /// Within each run of changes, deletions first, then insertions, as `diff -u` prints them.
    private static func normalized(_ script: [Edit]) -> [Edit] {
        var result: [Edit] = []
        var i = 0
        while i < script.count {
            if script[i] == .keep { result.append(.keep); i += 1; continue }
            var deletes = 0, inserts = 0
            while i < script.count, script[i] != .keep {
                if script[i] == .delete { deletes += 1 } else { inserts += 1 }
                i += 1
            }
            result += [Edit](repeating: .delete, count: deletes) + [Edit](repeating: .insert, count: inserts)
        }
        return result
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    private static func terminated(_ line: String) -> String {
        line.hasSuffix("\n") ? line : line + "\n\\ No newline at end of file\n"
    }

    private static func lines(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" || character == "\r\n" {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
