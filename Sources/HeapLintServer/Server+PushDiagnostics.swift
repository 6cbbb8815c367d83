#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HeapPortable
import HeapDiagnostics
import HeapLintKit
import HeapSyntax
import LSPProtocol
import LSPTransport

/// Pushed diagnostics (`textDocument/publishDiagnostics`), for clients that do not pull: one
/// publication per document, or per analysed cell of a notebook.
extension HeapLintServer {
    func clearDiagnostics(_ cells: [String], of notebook: String?) {
        if let notebook { publishedCells[notebook]?.subtract(cells) }
        guard pushesDiagnostics else { return }
        for cell in cells {
            sink.sendNotification("textDocument/publishDiagnostics",
                                  PublishDiagnosticsParams(uri: cell, version: nil, diagnostics: []))
        }
    }

    /// Each analysed cell gets its own diagnostics (empty when clean); cells that had some and are no
    /// longer analysed (deleted, turned into markdown) are cleared.
    func publishCells(_ notebook: String, _ byCell: [String: [LSPDiagnostic]]) {
        let stale = (publishedCells[notebook] ?? []).subtracting(byCell.keys)
        clearDiagnostics(stale.sorted(), of: notebook)
        publishedCells[notebook] = Set(byCell.keys)
        for (cell, items) in byCell.sorted(by: { $0.key < $1.key }) {
            sink.sendNotification("textDocument/publishDiagnostics",
                                  PublishDiagnosticsParams(uri: cell, version: nil, diagnostics: items))
        }
    }

    func publish(_ uri: String, _ result: AnalysisResult) {
        // A newer analysis is already waiting: skip the stale push, it follows shortly.
        guard pushesDiagnostics, let document = store[uri], !document.isQueued else { return }
        let items = verifyConfirmations.mark(
            result.diagnostics.map { mapping(for: uri).lspDiagnostic($0, uri: uri, source: result.text) },
            path: document.path, configuration: configuration(forPath: document.path))
        if let layout = result.notebook {
            publishCells(uri, layout.diagnosticsByCell(items, source: result.text, positions: mapping.positions))
        } else {
            sink.sendNotification("textDocument/publishDiagnostics",
                                  PublishDiagnosticsParams(uri: uri, version: result.version, diagnostics: items))
        }
        if trace != "off" {
            let total = fixedDecimal(result.elapsedSeconds * 1000, digits: 2)
            let parse = fixedDecimal(result.parseSeconds * 1000, digits: 2)
            sink.sendNotification("$/logTrace", LogTraceParams(
                message: "heaplint: analysed \(document.path) v\(result.version) in \(total) ms (parse \(parse) ms), \(items.count) diagnostics"))
        }
    }
}
