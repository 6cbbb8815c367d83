import Foundation
import HeapLintKit
import Testing
@testable import HeapLintServer

/// A project whose config file is broken until `fixed`, counting how often it is read.
private final class CountingSource: ProjectConfigurationSource, @unchecked Sendable {
    struct Broken: Error, CustomStringConvertible { let description = "pyproject.toml: expected `=`" }
    private let lock = NSLock()
    private var _reads = 0
    private var _fixed = false
    var reads: Int { lock.withLock { _reads } }
    func fix() { lock.withLock { _fixed = true } }

    func configuration(forFile path: String) throws -> Configuration {
        try lock.withLock {
            _reads += 1
            guard _fixed else { throw Broken() }
            return Configuration(projectRoot: "/proj", options: Options())
        }
    }
}

@Suite struct ProjectConfigurationsTests {
    @Test func aBrokenConfigIsReportedOnceAndReadOncePerDirectory() {
        let source = CountingSource()
        var configurations = ProjectConfigurations()
        let first = configurations.configuration(forPath: "/proj/pkg/a.py", from: source)
        #expect(first.newError == "pyproject.toml: expected `=`")
        // The defaults, rooted at the file's directory, apply until the file is fixed.
        #expect(first.configuration.projectRoot == "/proj/pkg")
        #expect(configurations.configuration(forPath: "/proj/pkg/b.py", from: source).newError == nil)
        #expect(source.reads == 1)
        // Another directory reads its own configuration; the same error is not reported again.
        #expect(configurations.configuration(forPath: "/proj/other/c.py", from: source).newError == nil)
        #expect(source.reads == 2)
    }

    @Test func reloadRereadsAfterAConfigFileChanged() {
        let source = CountingSource()
        var configurations = ProjectConfigurations()
        _ = configurations.configuration(forPath: "/proj/a.py", from: source)
        source.fix()
        configurations.reload()
        let fixed = configurations.configuration(forPath: "/proj/a.py", from: source)
        #expect(fixed.newError == nil)
        #expect(fixed.configuration.projectRoot == "/proj")
        #expect(source.reads == 2)
    }
}
