import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapLintKit
import HeapPortable
import Dispatch
import HeapLintServer
import LSPTransport

#if canImport(Glibc)
import Glibc
#endif

/// `heaplint server`: the language server on stdin/stdout. This file only wires the transport to the
/// server; everything else lives in HeapLintServer.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "Run the language server (LSP 3.17 over stdin/stdout).")

    @Flag(help: "Accepted for editor compatibility; stdio is the only transport.") var stdio = false

    func run() throws {
        // A write to a closed pipe must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        // Every parse of a document is bounded (issue 26), so one document in a shape tree-sitter's error
        // recovery takes minutes on cannot freeze the server: it gets HL003 and the others are served.
        // A malformed variable must not keep the editor from starting the server: say so, keep the default.
        var options = ServerOptions()
        switch ParseBudget.fromEnvironment(ProcessInfo.processInfo.environment) {
        case .success(let budget): options.parseBudget = budget
        case .failure(let error): StandardStream.writeError("heaplint server: ignoring \(error.message)\n".utf8)
        }
        let writer = MessageWriter(fileDescriptor: STDOUT_FILENO)
        let events = MessageReader.events(fileDescriptor: STDIN_FILENO, writer: writer)
        let server = HeapLintServer(sink: writer, options: options)
        let done = DispatchSemaphore(value: 0)
        let code = ExitCodeBox()
        Task.detached {
            code.value = await server.run(events)
            done.signal()
        }
        done.wait()
        // Analyses still running for a vanished client must not keep the process alive.
        Glibc.exit(code.value)
    }
}

private final class ExitCodeBox: @unchecked Sendable {
    // Written once by the server task before the semaphore is signalled, read after the wait.
    var value: Int32 = 0
}
