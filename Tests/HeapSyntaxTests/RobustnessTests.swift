import Testing
@testable import HeapSyntax

/// The syntax layer under bad input (issue 8): positions on any bytes, lone CR line endings.
@Suite struct RobustnessTests {
    /// The column rule before the ASCII fast path: scan from the line start, count lead bytes, and
    /// count a continuation byte only when no lead byte within 3 bytes covers it.
    static func referencePosition(_ bytes: [UInt8], _ offset: Int) -> (line: Int, scalars: Int, utf16: Int) {
        var line = 0, start = 0, i = 0
        while i < offset {
            if bytes[i] == 0x0A { line += 1; start = i + 1 }
            else if bytes[i] == 0x0D {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                    if i + 1 < offset { i += 1 } else { break }
                }
                line += 1; start = i + 1
            }
            i += 1
        }
        var scalars = 0, utf16 = 0
        for k in start..<offset {
            let b = bytes[k]
            if b & 0xC0 != 0x80 {
                scalars += 1; utf16 += b >= 0xF0 ? 2 : 1
                continue
            }
            var covered = false
            var j = k - 1, steps = 1
            while j >= start && steps <= 3 {
                let lead = bytes[j]
                if lead & 0xC0 != 0x80 {
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                    covered = length > steps
                    break
                }
                j -= 1; steps += 1
            }
            if !covered { scalars += 1; utf16 += 1 }
        }
        return (line, scalars, utf16)
    }

    @Test func positionsMatchTheReferenceOnRandomBytes() {
        var rng = SplitMix(seed: 8)
        let alphabet: [[UInt8]] = [[0x61], [0x20], [0x0A], [0x0D], [0x0D, 0x0A], [0xC3, 0xA9], [0xE2, 0x82, 0xAC],
                                   [0xF0, 0x9F, 0x90, 0x8D], [0x80], [0xBF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F], [0xFF]]
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 60) { bytes += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let source = SourceText(bytes: bytes)
            for offset in 0...bytes.count {
                let p = source.position(of: offset)
                let r = Self.referencePosition(bytes, offset)
                #expect(p.byteOffset == offset)
                #expect(p.line == r.line, "line at \(offset) of \(bytes)")
                #expect(p.scalarColumn == r.scalars && p.utf16Column == r.utf16, "columns at \(offset) of \(bytes)")
                #expect(p.utf8Column == offset - source.lineIndex.lineStarts[p.line])
            }
        }
    }

    @Test func asciiAndNonASCIILinesInOneFile() {
        let source = SourceText("x = 1\ns = 'é𝄞'; t\nend\n")
        let t = Array("x = 1\ns = 'é𝄞'; ".utf8).count
        #expect(source.position(of: t).scalarColumn == 10)
        #expect(source.position(of: t).utf16Column == 11)
        #expect(source.position(of: 3).scalarColumn == 3)
        let end = Array("x = 1\ns = 'é𝄞'; t\n".utf8).count + 2
        #expect(source.position(of: end).line == 2 && source.position(of: end).scalarColumn == 2)
    }

    @Test func loneCarriageReturnEndsALine() {
        let source = SourceText("import os\rdef f(a):\r    return a\r")
        let tree = PythonParser().parse(source)
        #expect(!tree.hasErrors)
        #expect(tree.allNodes.filter { $0.kind == .functionDefinition }.count == 1)
        // the tree keeps the original bytes: node text still holds the CRs
        #expect(tree.root.text.contains("\r"))
        let bad = PythonParser().parse(SourceText("x = 1\rdef f(:\r"))
        #expect(bad.syntaxErrors.map { bad.source.position(of: $0.range.start).line } == [1])
        #expect(PythonParser.loneCarriageReturnsAsNewlines(Array("a\r\nb\rc\r".utf8)) == Array("a\r\nb\nc\n".utf8))
        #expect(PythonParser.loneCarriageReturnsAsNewlines(Array("a\r\nb".utf8)) == nil)
    }

    @Test func deepNestingOfManyKindsParsesWithoutRecursion() {
        // Brackets deeper than CPython's 200 are capped before parsing (ParseTests), so the deep trees
        // come from the constructs without brackets.
        for (open, close) in [("-", ""), ("~", ""), ("not ", ""), ("lambda: ", "")] {
            let text = "x = " + String(repeating: open, count: 10_000) + "1" + String(repeating: close, count: 10_000) + "\n"
            let tree = PythonParser().parse(SourceText(text))
            #expect(tree.nodeCount > 10_000)
            // the innermost node's ancestor chain is walked iteratively
            let innermost = tree.allNodes.reversed().first { $0.kind == .integer }
            #expect((innermost?.ancestors.reduce(0) { n, _ in n + 1 } ?? 0) >= 10_000)
        }
    }
}

/// A tiny seeded generator (SplitMix64), so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct LongLinePositionTests {
    @Test func checkpointedColumnsMatchTheReferenceOnLongNonASCIILines() {
        var rng = SplitMix(seed: 97)
        let pieces: [[UInt8]] = [Array("ab".utf8), [0xC3, 0xA9], [0xF0, 0x9F, 0x90, 0x8D], [0x80], [0xE2, 0x82], [0x0A]]
        var bytes: [UInt8] = Array("x = 1\n".utf8)
        for _ in 0..<8000 {
            let k = Int(rng.next() % 1000)
            bytes += k < 1 ? pieces[5] : pieces[k % 5]  // lines of a few thousand bytes
        }
        let source = SourceText(bytes: bytes)
        #expect(!source.lineIndex.checkpoints.isEmpty)
        for offset in stride(from: 0, through: bytes.count, by: 7) {
            let p = source.position(of: offset)
            let r = RobustnessTests.referencePosition(bytes, offset)
            #expect(p.line == r.line && p.scalarColumn == r.scalars && p.utf16Column == r.utf16, "at \(offset)")
        }
    }
}
