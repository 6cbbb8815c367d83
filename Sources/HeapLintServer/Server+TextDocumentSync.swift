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

/// Text document sync (`textDocument/didOpen`, `didChange`, `didSave`, `didClose`): the open
/// documents' text kept current edit by edit, each change scheduling an analysis.
extension HeapLintServer {
    func didOpen(_ params: DidOpenTextDocumentParams) {
        let item = params.textDocument
        store.open(uri: item.uri, version: item.version, text: SourceText(item.text))
        scheduleAnalysis(item.uri)
    }

    func didChange(_ params: DidChangeTextDocumentParams) {
        let uri = params.textDocument.uri
        guard var document = store[uri] else {
            log(.warning, "heaplint: didChange for \(uri), which is not open; ignored")
            return
        }
        if params.contentChanges.count == 1, let range = params.contentChanges[0].range {
            let edit = TextEdit(range: mapping.positions.byteRange(range, in: document.text),
                                replacement: params.contentChanges[0].text)
            if let result = CommentEdit.shiftedResult(document, edit, version: params.textDocument.version) {
                document.text = result.text
                document.pending.append(edit)
                document.version = params.textDocument.version
                document.latest = result
                store[uri] = document
                publish(uri, result)
                return
            }
        }
        for change in params.contentChanges {
            if let range = change.range {
                let bytes = mapping.positions.byteRange(range, in: document.text)
                let edit = TextEdit(range: bytes, replacement: change.text)
                document.text = edit.applied(to: document.text)
                // Kept even before the first tree is stored: a running analysis will store a tree for
                // the text before these edits, and they apply on top of it.
                document.pending.append(edit)
            } else {
                // A full replacement: drop the tree; the next analysis parses from scratch.
                document.generation = store.newGeneration()
                document.text = SourceText(change.text)
                document.base = nil
                document.pending = []
            }
        }
        document.version = params.textDocument.version
        document.isDirty = true
        store[uri] = document
        scheduleAnalysis(uri)
    }

    func didSave(_ params: DidSaveTextDocumentParams) {
        // Content is already in sync; a save matters for a pyproject.toml the client does not watch.
        if Self.isConfigFile(params.textDocument.uri) {
            loadProjectConfiguration()
            settingsChanged()
        }
    }

    func didClose(_ params: DidCloseTextDocumentParams) {
        let uri = params.textDocument.uri
        let closed = store.close(uri)
        if let closed, workspaceIndex.update(module: closed.module, interface: nil) {
            indexGeneration += 1
            reanalyseDependents(of: closed.module.name)
        }
        guard pushesDiagnostics else { return }
        sink.sendNotification("textDocument/publishDiagnostics",
                              PublishDiagnosticsParams(uri: uri, version: nil, diagnostics: []))
    }
}
