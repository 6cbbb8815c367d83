import HeapSyntax
import LSPProtocol
import Testing
@testable import HeapLintServer

/// A stand-in for an analysis in flight: it ends only when cancelled.
private func analysisInFlight() -> Task<Void, Never> {
    Task { try? await Task.sleep(for: .seconds(3600)) }
}

@Suite struct DocumentStoreTests {
    let uri = "file:///tmp/heaplint-store/a.py"

    @Test func reopeningStartsANewGenerationAndCancelsTheRunningAnalysis() async throws {
        var store = DocumentStore()
        store.open(uri: uri, version: 1, text: SourceText("x = 1\n"))
        let first = try #require(store[uri])
        let running = analysisInFlight()
        store[uri]?.tail = running
        store.open(uri: uri, version: 7, text: SourceText("y = 2\n"))
        let second = try #require(store[uri])
        // A result of the first open's analysis is dropped by its generation when it arrives.
        #expect(second.generation != first.generation)
        #expect(second.version == 7)
        #expect(second.path == "/tmp/heaplint-store/a.py")
        #expect(String(decoding: second.text.bytes, as: UTF8.self) == "y = 2\n")
        #expect(running.isCancelled)
    }

    @Test func closingRemovesTheDocumentAndCancelsItsAnalysis() async throws {
        var store = DocumentStore()
        store.open(uri: uri, version: 1, text: SourceText("x = 1\n"))
        let running = analysisInFlight()
        store[uri]?.tail = running
        #expect(store.close(uri)?.version == 1)
        #expect(!store.isOpen(uri))
        #expect(running.isCancelled)
        #expect(store.close(uri) == nil)
    }

    @Test func aNotebookIsTheDocumentOfItsURIAndOwnsItsCells() throws {
        var store = DocumentStore()
        let notebook = try OpenNotebook(uri: "file:///nb.ipynb", version: 3, cells: [
            .init(uri: "cell-a", kind: NotebookCellKind.code, text: SourceText("x = 1\n")),
            .init(uri: "cell-md", kind: NotebookCellKind.markup, text: nil),
        ])
        store.setNotebook(notebook)
        let (text, layout) = notebook.joined()
        store.open(uri: notebook.uri, version: notebook.version, text: text, notebook: layout)
        #expect(store.notebookURI(ofCell: "cell-md") == notebook.uri)
        #expect(store.notebookURI(ofCell: "elsewhere") == nil)
        #expect(store[notebook.uri]?.notebook == layout)
        #expect(store.closeNotebook(notebook.uri) == ["cell-a", "cell-md"])
        #expect(!store.isOpen(notebook.uri))
        #expect(store.notebookURI(ofCell: "cell-a") == nil)
    }
}
