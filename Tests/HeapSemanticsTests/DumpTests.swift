import Foundation
import Testing
import HeapSyntax

/// Development aid: `HEAPLINT_DUMP='python source' swift test --filter dumpTree` prints the tree.
@Suite struct DumpTests {
    @Test func dumpTree() {
        guard let text = ProcessInfo.processInfo.environment["HEAPLINT_DUMP"] else { return }
        let tree = PythonParser().parse(SourceText(text))
        var stack: [(Node, Int)] = [(tree.root, 0)]
        while let (node, depth) = stack.popLast() {
            if node.isNamed {
                print(String(repeating: "  ", count: depth) + "\(node.kind.rawValue) [\(node.field.rawValue)] \(node.kind == .identifier ? node.text : "")")
            }
            for child in node.children.array.reversed() { stack.append((child, depth + 1)) }
        }
    }
}
