// swift-tools-version:6.0
// heaplint: a static analyzer that finds memory problems in Python code from a model of CPython's heap.
//
// Targets flow one way: Syntax -> Semantics -> HeapModel -> Rules -> Diagnostics -> Kit -> front ends.
// docs/modules.md's import graph is the one list of what each target may import (Tests/python/test_module_graph.py).
// The tree-sitter runtime and grammar targets compile sources fetched by grammars/fetch-python.sh
// (run `make grammar` first).
import PackageDescription

let package = Package(
    name: "heaplint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "heaplint", targets: ["heaplint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // The tree-sitter 0.23.2 runtime, from its pinned sdist: lib.c is the upstream amalgamation (it
        // #includes every other .c of src/). Built here rather than linked from Debian's libtree-sitter
        // 0.20.7, which corrupts its heap and aborts on long runs of error tokens (issue 26); being
        // compiled in, it also leaves the release binary no tree-sitter shared library to need.
        .target(
            name: "CTreeSitter",
            path: "grammars/tree-sitter",
            sources: ["src/lib.c"],
            publicHeadersPath: "include",
            cSettings: [.headerSearchPath("src"), .unsafeFlags(["-O2", "-w"])]
        ),
        .target(
            name: "CTreeSitterPython",
            path: "grammars/python",
            sources: ["parser.c", "scanner.c"],
            publicHeadersPath: "include",
            cSettings: [.headerSearchPath("."), .unsafeFlags(["-O2", "-w"])]
        ),
        // heaplint's own C: the flattening walk over the tree-sitter tree (the syntax layer's hot loop).
        .target(name: "CHeapSyntax", dependencies: ["CTreeSitter"], cSettings: [.unsafeFlags(["-O2"])]),
        // The few Foundation services beyond FoundationEssentials (locks, threads, standard streams, JSON trees,
        // paths, a child process), so the binary links no Foundation and no ICU data (issue 27).
        .target(name: "HeapPortable"),
        // heaplint's own TOML 1.0 reader (pyproject.toml, heaplint.toml): plain Swift, no Foundation (issue 27).
        .target(name: "HeapTOML"),
        .target(name: "HeapSyntax", dependencies: ["CTreeSitter", "CTreeSitterPython", "CHeapSyntax"]),
        .target(name: "HeapSemantics", dependencies: ["HeapPortable", "HeapSyntax"]),
        .target(name: "HeapModel", dependencies: ["HeapSyntax", "HeapSemantics"]),
        .target(name: "HeapRules", dependencies: ["HeapPortable", "HeapSyntax", "HeapSemantics", "HeapModel"]),
        .target(name: "HeapDiagnostics", dependencies: ["HeapPortable", "HeapSyntax", "HeapSemantics", "HeapModel", "HeapRules"]),
        .target(
            name: "HeapLintKit",
            dependencies: ["HeapPortable", "HeapTOML", "HeapSyntax", "HeapSemantics", "HeapModel", "HeapRules", "HeapDiagnostics"],
            // Only what a file imports is visible in it, so no dependency's Foundation import can lend this
            // target Foundation members (such as String.range(of:)), which would link ICU data (issue 27).
            swiftSettings: [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        .target(name: "LSPProtocol"),
        .target(name: "LSPTransport", dependencies: ["LSPProtocol", "HeapPortable"]),
        .target(
            name: "HeapLintServer",
            dependencies: ["HeapPortable", "LSPProtocol", "LSPTransport", "HeapLintKit", "HeapDiagnostics", "HeapSyntax"]
        ),
        .executableTarget(
            name: "heaplint",
            dependencies: ["HeapPortable", "HeapLintKit", "HeapDiagnostics", "HeapLintServer", "LSPTransport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The developer tool (`heaplint-dev register`, `new-rule`): not a product, so `make dist` and the
        // wheel, which build `--product heaplint`, never build or ship it.
        .executableTarget(
            name: "heaplint-dev",
            dependencies: ["HeapRules", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "HeapSyntaxTests", dependencies: ["HeapSyntax"]),
        .testTarget(name: "HeapPortableTests", dependencies: ["HeapPortable"]),
        .testTarget(name: "HeapTOMLTests", dependencies: ["HeapTOML"]),
        .testTarget(name: "HeapRulesTests", dependencies: ["HeapLintKit", "HeapDiagnostics", "HeapRules", "HeapSemantics", "HeapSyntax"],
                    exclude: []),
        .testTarget(name: "LSPProtocolTests", dependencies: ["LSPProtocol"]),
        .testTarget(name: "LSPTransportTests", dependencies: ["LSPTransport", "LSPProtocol"]),
        .testTarget(name: "HeapLintServerTests",
                    dependencies: ["HeapLintServer", "LSPProtocol", "LSPTransport", "HeapSyntax",
                                   "HeapDiagnostics", "HeapModel", "HeapRules", "HeapLintKit", "HeapSemantics"]),
        .testTarget(name: "HeapDiagnosticsTests", dependencies: ["HeapDiagnostics", "HeapRules", "HeapSyntax"]),
        .testTarget(name: "HeapLintKitTests", dependencies: ["HeapLintKit", "HeapDiagnostics", "HeapRules", "HeapSyntax"]),
        .testTarget(name: "HeapSemanticsTests", dependencies: ["HeapSemantics", "HeapSyntax"]),
        .testTarget(name: "HeapModelTests", dependencies: ["HeapModel", "HeapSemantics", "HeapSyntax"]),
    ]
)
