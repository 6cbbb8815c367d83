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

/// `textDocument/codeAction`: fixes and `# noqa` comments for the findings in a range.
extension HeapLintServer {
    func codeActions(_ params: CodeActionParams) async -> [CodeAction] {
        let uri = params.textDocument.uri
        if let notebook = store.notebookURI(ofCell: uri) {
            guard let result = await currentAnalysis(notebook), let layout = result.notebook,
                  let start = layout.modulePosition(params.range.start, inCell: uri),
                  let end = layout.modulePosition(params.range.end, inCell: uri) else { return [] }
            let range = mapping.positions.byteRange(LSPRange(start: start, end: end), in: result.text)
            let actions = CodeActionBuilder(mapping: mapping(for: notebook)).actions(
                uri: notebook, range: range, only: params.context.only, diagnostics: result.diagnostics, source: result.text)
            return actions.compactMap { layout.cellAction($0, source: result.text, positions: mapping.positions) }
        }
        guard let result = await currentAnalysis(uri) else { return [] }
        let range = mapping.positions.byteRange(params.range, in: result.text)
        return CodeActionBuilder(mapping: mapping(for: uri)).actions(uri: uri, range: range, only: params.context.only,
                                                           diagnostics: result.diagnostics, source: result.text)
    }
}
