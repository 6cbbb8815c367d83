import Foundation
import Testing
@testable import HeapSyntax

/// The flat tree's derived structure (subtree ends, first children, the kind index) against what a
/// plain walk of parent and sibling links says, on real code and on broken code.
@Suite struct KindIndexTests {
    static let samples = [
        "import os\nfrom a import b as c\nclass A(B):\n    def f(self, x=1):\n        return [y for y in x if y]\n\ndef g(*a, **k):\n    lambda q: q\n",
        "def f(:\n    pass\nx = (1,\n",
        "",
        "x = " + String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300) + "\n",
    ]

    @Test func ordinalsFollowDeclarationOrder() {
        for (position, kind) in SyntaxKind.allCases.enumerated() {
            #expect(Int(kind.ordinal) == position, "\(kind)")
        }
        #expect(SyntaxKind.ordinalCount == SyntaxKind.allCases.count)
    }

    @Test func nodesOfKindEqualsFilteringEveryNode() {
        for text in Self.samples {
            let tree = PythonParser().parse(SourceText(text))
            for kind in SyntaxKind.allCases {
                let expected = Array(tree.allNodes.filter { $0.kind == kind }.map(\.index))
                #expect(tree.nodes(ofKind: kind).map(\.index) == expected, "\(kind)")
            }
            let mixed = tree.nodes(ofKinds: .call, .identifier, .comment).map(\.index)
            #expect(mixed == Array(tree.allNodes.filter { [.call, .identifier, .comment].contains($0.kind) }.map(\.index)))
        }
    }

    @Test func subtreeStructureMatchesLinks() {
        for text in Self.samples {
            let tree = PythonParser().parse(SourceText(text))
            for node in tree.allNodes {
                // The subtree ends at the next sibling of the nearest ancestor-or-self that has one.
                var end = tree.nodeCount
                var current: Node? = node
                while let candidate = current {
                    if let sibling = candidate.nextSibling { end = Int(sibling.index); break }
                    current = candidate.parent
                }
                #expect(node.subtreeEnd == end)
                let children = node.children.map(\.index)
                #expect(children.allSatisfy { tree.node($0).parent == node })
                #expect(node.firstChild?.index == children.first)
                for kind in [SyntaxKind.identifier, .call, .block, .token] {
                    let expected = Array(node.descendants.filter { $0.kind == kind }.map(\.index))
                    #expect(node.descendants(ofKind: kind).map(\.index) == expected)
                }
            }
        }
    }

    @Test func textEqualsComparesBytes() throws {
        let tree = PythonParser().parse(SourceText("naïve = other\n"))
        let names = Array(tree.nodes(ofKind: .identifier))
        #expect(names.count == 2)
        #expect(names[0].textEquals("naïve" as String))
        #expect(!names[0].textEquals("naive" as String))
        #expect(names[1].textEquals("other" as String))
        #expect(!names[1].textEquals("othe" as String))
    }
}

/// Children of collections and argument lists get no field without asking tree-sitter (flatten.c's
/// fieldless parents); the nodes inside them keep theirs.
@Suite struct FieldlessParentTests {
    @Test func fieldsInsideCollectionsAreKept() throws {
        let text = "x = [f(a=1), {k: v}, (p, q.r), {s}, g(*t)[0]]\ny = 1, h(b=2)\n"
        let tree = PythonParser().parse(SourceText(text))
        #expect(tree.syntaxErrors.isEmpty)
        let calls = tree.allNodes.filter { $0.kind == .call }
        #expect(calls.count == 3)
        for call in calls {
            #expect(call.child(.function) != nil && call.child(.arguments) != nil)
        }
        let keywords = tree.allNodes.filter { $0.kind == .keywordArgument }
        #expect(keywords.count == 2 && keywords.allSatisfy { $0.child(.name) != nil && $0.child(.value) != nil })
        let pair = try #require(tree.allNodes.first { $0.kind == .pair })
        #expect(pair.child(.key) != nil && pair.child(.value) != nil)
        let attribute = try #require(tree.allNodes.first { $0.kind == .attribute })
        #expect(attribute.child(.object) != nil && attribute.child(.attribute) != nil)
        // The collections' own children: no field.
        for list in tree.allNodes where [.list, .tuple, .set, .dictionary, .argumentList, .expressionList].contains(list.kind) {
            #expect(list.children.allSatisfy { $0.field == .none })
        }
    }
}

/// An ERROR node's children get no field (flatten.c: error recovery nests one hidden error_repeat
/// node per skipped token, and asking tree-sitter for each child's field walked that chain: a run
/// of N error tokens cost N²/2 steps). The nodes inside those children keep theirs.
@Suite struct ErrorChildrenFieldTests {
    @Test func longErrorRunFlattensWithoutFields() throws {
        let text = "x = (" + Array(repeating: "1", count: 5_000).joined(separator: " ") + "\n"
        let tree = PythonParser().parse(SourceText(text))
        let error = try #require(tree.allNodes.first { $0.kind == .error })
        #expect(error.children.filter { $0.kind == .integer }.count == 5_000)
        #expect(error.children.allSatisfy { $0.field == .none })
    }

    @Test func fieldsInsideAnErrorsChildrenAreKept() throws {
        let tree = PythonParser().parse(SourceText("class C:\n    def f(self):\n        g(\n        self.x = self\n"))
        let attribute = try #require(tree.allNodes.first { $0.kind == .attribute && $0.parent?.kind == .error })
        #expect(attribute.field == .none)
        #expect(attribute.child(.object)?.text == "self" && attribute.child(.attribute)?.text == "x")
    }
}
