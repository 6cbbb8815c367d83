import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapLintKit

/// What `heaplint check` shows while files are being checked: each file's findings as it finishes
/// (`stream`), and on a terminal a progress line on stderr once the run has taken `progressDelay`.
/// All writes go through one lock, so a streamed report and the progress line never interleave.
final class LiveOutput: @unchecked Sendable {
    private let lock = Lock()
    private let total: Int
    private let stream: Bool
    private let format: OutputFormat
    private let colored: Bool
    private let showProgress: Bool
    private let progressDelay: Double
    private let started = ContinuousClock.now
    private var done = 0
    private var progressShown = false
    private var timer: DispatchSourceTimer?
    /// Headlines already printed, per headline (a file may report the same one twice).
    private var printed: [String: Int] = [:]

    init(total: Int, stream: Bool, format: OutputFormat, colored: Bool, showProgress: Bool, progressDelay: Double) {
        self.total = total
        self.stream = stream
        self.format = format
        self.colored = colored
        self.showProgress = showProgress
        self.progressDelay = progressDelay
        if showProgress {
            // Redraws while a long file holds every worker (no file finishes to trigger a draw).
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + max(0, progressDelay), repeating: 0.25)
            timer.setEventHandler { [weak self] in self?.tick() }
            timer.resume()
            self.timer = timer
        }
    }

    /// The default delay before a progress line: runs shorter than about a second show none.
    /// `HEAPLINT_PROGRESS_DELAY` (seconds) overrides it, for tests.
    static func progressDelay(environment: [String: String]) -> Double {
        environment["HEAPLINT_PROGRESS_DELAY"].flatMap(Double.init) ?? 1.0
    }

    var isStreaming: Bool { stream }

    func fileDone(_ result: FileResult) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if stream, !result.diagnostics.isEmpty {
            clearProgress()
            let report = DiagnosticReport(results: [result])
            writeStdout(Renderer.render(report, as: format, colored: colored))
            for d in report.diagnostics { printed[Renderer.headline(d), default: 0] += 1 }
        }
        drawProgressIfDue()
    }

    /// Ends the progress line; returns the final diagnostics not yet printed (findings the
    /// cross-module pass added), in report order.
    func finish(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        timer?.cancel()
        timer = nil
        clearProgress()
        var remaining = printed
        return diagnostics.filter { d in
            let key = Renderer.headline(d)
            if let n = remaining[key], n > 0 { remaining[key] = n - 1; return false }
            return true
        }
    }

    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private func tick() {
        lock.lock()
        defer { lock.unlock() }
        guard timer != nil else { return }
        drawProgressIfDue()
    }

    private func drawProgressIfDue() {
        guard showProgress, elapsedSeconds >= progressDelay else { return }
        let line = "Checking files… \(done)/\(total)"
        StandardStream.writeError("\r\u{1B}[K\(line)".utf8)
        progressShown = true
    }

    private func clearProgress() {
        guard progressShown else { return }
        StandardStream.writeError("\r\u{1B}[K".utf8)
        progressShown = false
    }
}
