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

/// `textDocument/hover`: the explanation of the finding under the cursor.
extension HeapLintServer {
    func hover(_ params: TextDocumentPositionParams) async -> Hover? {
        if let notebook = store.notebookURI(ofCell: params.textDocument.uri) {
            let cell = params.textDocument.uri
            guard let result = await currentAnalysis(notebook), let layout = result.notebook,
                  let position = layout.modulePosition(params.position, inCell: cell) else { return nil }
            let offset = mapping.positions.byteOffset(position, in: result.text)
            guard var hover = mapping(for: notebook).hover(at: offset, diagnostics: result.diagnostics, source: result.text)
            else { return nil }
            hover.range = hover.range.flatMap { layout.cellRange($0, source: result.text, positions: mapping.positions)?.range }
            return hover
        }
        guard let result = await currentAnalysis(params.textDocument.uri) else { return nil }
        let offset = mapping.positions.byteOffset(params.position, in: result.text)
        return mapping(for: params.textDocument.uri).hover(at: offset, diagnostics: result.diagnostics, source: result.text)
    }
}
