"""`heaplint server` with Jupyter notebooks through LSP 3.17 notebook-document sync, driven by a real
client (pytest-lsp): the Python cells are analysed as one module, diagnostics land on each cell's own
URI at cell-relative positions, and cell edits, inserts, deletes and close keep them right."""
import os

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_marks import marked, pair
from lsp_waits import codes, diagnostics_where

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

IMPORTS = "import os\n"
CHILD, CHILD_AT = marked("class Child:\n    def __init__(self, parent):\n        ⟦parent⟧self.parent = parent\n")
# The cycle's finding starts at `cycle`; `hover` is inside it; `arg` to `arg_end` is the argument that
# closes the cycle (replaced by `None` to fix it).
HOLDER, HOLDER_AT = marked(
    "class Holder:\n    def __init__(self):\n        ⟦cycle⟧self⟦hover⟧.child = Child(⟦arg⟧self⟦arg_end⟧)\n")
CYCLE = pair(HOLDER_AT["cycle"])
ARG = (pair(HOLDER_AT["arg"]), pair(HOLDER_AT["arg_end"]))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
    )
    lsp_client.init_result = await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def cell_uri(nb_uri, n):
    # VS Code's shape: the notebook's path under the `vscode-notebook-cell` scheme, a fragment per cell.
    return nb_uri.replace("file:", "vscode-notebook-cell:", 1) + f"#W{n}sZmlsZQ=="


def code_cell(uri):
    return types.NotebookCell(kind=types.NotebookCellKind.Code, document=uri)


def cell_item(uri, text, version=1):
    return types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)


def open_notebook(client, nb_uri, texts):
    uris = [cell_uri(nb_uri, i) for i in range(len(texts))]
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(uri=nb_uri, notebook_type="jupyter-notebook", version=1,
                                                 cells=[code_cell(u) for u in uris]),
        cell_text_documents=[cell_item(u, t) for u, t in zip(uris, texts)]))
    return uris


def change_notebook(client, nb_uri, version, structure=None, text_content=None):
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(version=version, uri=nb_uri),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
            structure=structure, text_content=text_content))))


def cell_edit(uri, version, start, end, text):
    return types.NotebookDocumentCellContentChanges(
        document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text)])


def notify_raw(client, method, params):
    """Sends a notification as given, bypassing the client's typed (validating) serializer."""
    client.protocol._send_data({"jsonrpc": "2.0", "method": method, "params": params})


def published(client, uri):
    """The diagnostics last pushed for `uri`, or None when none were."""
    return list(client.diagnostics[uri]) if uri in client.diagnostics else None


def start_of(d):
    return (d.range.start.line, d.range.start.character)


@pytest.mark.asyncio
async def test_initialize_advertises_notebook_sync_for_python_cells(client: LanguageClient):
    sync = client.init_result.capabilities.notebook_document_sync
    assert sync is not None
    selector = sync.notebook_selector[0]
    assert selector.notebook == "jupyter-notebook"
    assert [c.language for c in selector.cells] == ["python"]


@pytest.mark.asyncio
async def test_cycle_across_cells_edit_insert_delete_close(client: LanguageClient, tmp_path):
    nb = (tmp_path / "nb.ipynb").as_uri()
    c0, c1, c2 = open_notebook(client, nb, [IMPORTS, CHILD, HOLDER])
    # `Child` is defined in cell 2 and instantiated in cell 3: one module, one cycle, shown on cell 3.
    diags = await diagnostics_where(client, c2, lambda d: "HL101" in codes(d), "HL101 on the third cell")
    assert [start_of(d) for d in diags if d.code == "HL101"] == [CYCLE]
    related = {(r.location.uri, r.location.range.start.line) for d in diags for r in d.related_information or []}
    assert (c1, CHILD_AT["parent"].line) in related, related  # Child.parent, in the second cell
    assert all(uri in (c1, c2) for uri, _ in related)
    assert published(client, c0) == [] and published(client, c1) == []
    assert nb not in client.diagnostics  # never on the notebook's own URI

    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=c2), position=HOLDER_AT["hover"]))
    assert hover is not None and "HL101" in hover.contents.value
    assert pair(hover.range.start) == CYCLE

    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=c2),
        range=types.Range(start=HOLDER_AT["cycle"], end=HOLDER_AT["cycle"]),
        context=types.CodeActionContext(diagnostics=[])))
    noqa = [a for a in actions if "noqa" in a.title]
    assert noqa, [a.title for a in actions]
    assert list(noqa[0].edit.changes) == [c2]
    (edit,) = noqa[0].edit.changes[c2]
    assert edit.range.start.line == HOLDER_AT["cycle"].line and edit.new_text == "  # noqa: HL101"

    # Fix it in the cell: `Child(self)` → `Child(None)`.
    change_notebook(client, nb, 2, text_content=[cell_edit(c2, 2, *ARG, "None")])
    await diagnostics_where(client, c2, lambda d: d == [], "HL101 cleared after the fix")

    # Insert a two-line cell before the class cells: positions stay relative to each cell.
    inserted = cell_uri(nb, 9)
    change_notebook(client, nb, 3, structure=types.NotebookDocumentCellChangeStructure(
        array=types.NotebookCellArrayChange(start=1, delete_count=0, cells=[code_cell(inserted)]),
        did_open=[cell_item(inserted, "x = 1\ny = 2\n")]))
    change_notebook(client, nb, 4, text_content=[cell_edit(c2, 3, *ARG, "self")])
    diags = await diagnostics_where(client, c2, lambda d: "HL101" in codes(d), "HL101 back after the insert")
    assert [start_of(d) for d in diags if d.code == "HL101"] == [CYCLE]
    # Cells are published one notification each (sorted by URI, so the inserted cell's may come after
    # the third cell's): wait for it rather than read it at once.
    await diagnostics_where(client, inserted, lambda d: d == [], "no diagnostics on the inserted cell")

    # Delete the cell holding the finding: its diagnostics are cleared.
    change_notebook(client, nb, 5, structure=types.NotebookDocumentCellChangeStructure(
        array=types.NotebookCellArrayChange(start=3, delete_count=1),
        did_close=[types.TextDocumentIdentifier(uri=c2)]))
    await diagnostics_where(client, c2, lambda d: d == [], "deleted cell cleared")

    # Put it back at the top (the cycle does not depend on the order of the classes).
    change_notebook(client, nb, 6, structure=types.NotebookDocumentCellChangeStructure(
        array=types.NotebookCellArrayChange(start=0, delete_count=0, cells=[code_cell(c2)]),
        did_open=[cell_item(c2, HOLDER)]))
    diags = await diagnostics_where(client, c2, lambda d: "HL101" in codes(d), "HL101 on the re-added cell")
    assert [start_of(d) for d in diags if d.code == "HL101"] == [CYCLE]
    # Move it to the end as clients do: one splice over the moved range, no reopen; it keeps its text.
    change_notebook(client, nb, 7, structure=types.NotebookDocumentCellChangeStructure(
        array=types.NotebookCellArrayChange(start=0, delete_count=4,
                                            cells=[code_cell(u) for u in (c0, inserted, c1, c2)])))
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=c2)))
    assert [(d.code, start_of(d)) for d in report.items] == [("HL101", CYCLE)]
    related = {(r.location.uri, r.location.range.start.line) for d in report.items for r in d.related_information or []}
    assert (c1, CHILD_AT["parent"].line) in related, related

    client.notebook_document_did_save(types.DidSaveNotebookDocumentParams(
        notebook_document=types.NotebookDocumentIdentifier(uri=nb)))
    client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
        notebook_document=types.NotebookDocumentIdentifier(uri=nb),
        cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in (c0, inserted, c1, c2)]))
    for u in (c0, inserted, c1, c2):
        await diagnostics_where(client, u, lambda d: d == [], f"{u} cleared on close")


@pytest.mark.asyncio
async def test_pull_diagnostics_for_a_cell(client: LanguageClient, tmp_path):
    nb = (tmp_path / "nb.ipynb").as_uri()
    c0, c1, c2 = open_notebook(client, nb, [IMPORTS, CHILD, HOLDER])
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=c2)))
    assert [(d.code, start_of(d)) for d in report.items] == [("HL101", CYCLE)]
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=c0)))
    assert list(report.items) == []


@pytest.fixture
def child_module_on_disk(tmp_path):
    (tmp_path / "a.py").write_text(CHILD)
    return tmp_path


@pytest.mark.asyncio
async def test_notebook_sees_the_project_index(child_module_on_disk, client: LanguageClient, tmp_path):
    # `Child` comes from a.py on disk (the workspace index); the notebook itself never joins the index.
    nb = (tmp_path / "nb.ipynb").as_uri()
    c0, c1 = open_notebook(client, nb, ["from a import Child\n", HOLDER])
    diags = await diagnostics_where(client, c1, lambda d: "HL101" in codes(d), "HL101 through the project index")
    assert [start_of(d) for d in diags if d.code == "HL101"] == [CYCLE]


@pytest.mark.asyncio
async def test_magics_are_masked_without_moving_lines(client: LanguageClient, tmp_path):
    nb = (tmp_path / "nb.ipynb").as_uri()
    magic = "%load_ext autoreload\n!pip install attrs\nfiles = !ls\n"
    holder = "%time x = 1\n" + HOLDER  # the cycle now starts on the cell's fourth line
    c0, c1, c2 = open_notebook(client, nb, [magic, CHILD, holder])
    diags = await diagnostics_where(client, c2, lambda d: "HL101" in codes(d), "HL101 after a magic")
    assert [start_of(d) for d in diags if d.code == "HL101"] == [(CYCLE[0] + 1, CYCLE[1])]
    assert published(client, c0) == []  # no syntax error from the magics


@pytest.mark.asyncio
async def test_cell_rules_see_the_synced_cells(client: LanguageClient, tmp_path):
    # HL407 (preview) needs the cell boundaries: the large value ends cell 1, not the module.
    (tmp_path / "pyproject.toml").write_text("[tool.heaplint]\npreview = true\n")
    nb = (tmp_path / "nb.ipynb").as_uri()
    c0, c1 = open_notebook(client, nb, ["squares = [i * i for i in range(10**6)]\nsquares\n", "print(1)\n"])
    diags = await diagnostics_where(client, c0, lambda d: "HL407" in codes(d), "HL407 on the first cell")
    assert [start_of(d) for d in diags if d.code == "HL407"] == [(1, 0)]
    assert "HL407" not in codes(published(client, c1) or [])


@pytest.mark.asyncio
async def test_workspace_diagnostics_report_open_notebooks_per_cell(client: LanguageClient, tmp_path):
    import json
    source = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": text}
        for text in (IMPORTS, CHILD, HOLDER)]}
    (tmp_path / "nb.ipynb").write_text(json.dumps(source))
    (tmp_path / "m.py").write_text("x = 1\n")
    nb = (tmp_path / "nb.ipynb").as_uri()
    c0, c1, c2 = open_notebook(client, nb, [IMPORTS, CHILD, HOLDER])
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: item for item in report.items}
    # The `.ipynb` file itself is never reported on (its JSON lines are not the module's); its cells are.
    assert set(by_uri) == {(tmp_path / "m.py").as_uri(), c0, c1, c2}
    assert [(d.code, start_of(d)) for d in by_uri[c2].items] == [("HL101", CYCLE)]
    assert list(by_uri[c0].items) == [] and list(by_uri[c1].items) == []
    again = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(
        previous_result_ids=[types.PreviousResultId(uri=u, value=by_uri[u].result_id) for u in (c0, c1, c2)]))
    assert {item.uri: item.kind for item in again.items if item.uri != (tmp_path / "m.py").as_uri()} == {
        c0: "unchanged", c1: "unchanged", c2: "unchanged"}


@pytest.mark.asyncio
async def test_malformed_notebook_notifications_are_ignored(client: LanguageClient, tmp_path):
    nb = (tmp_path / "nb.ipynb").as_uri()
    bad = [
        ("notebookDocument/didOpen", {"notebookDocument": 5}),
        ("notebookDocument/didOpen", {"notebookDocument": {"uri": nb, "notebookType": "jupyter-notebook",
                                                           "version": 1, "cells": [
            {"kind": 2, "document": "cell:a"}, {"kind": 2, "document": "cell:a"}]}, "cellTextDocuments": []}),
        ("notebookDocument/didChange", {"notebookDocument": {"uri": "file:///nope.ipynb", "version": 2},
                                        "change": {}}),
        ("notebookDocument/didClose", {"notebookDocument": {"uri": "file:///nope.ipynb"}, "cellTextDocuments": []}),
        ("notebookDocument/didChange", None),
        ("notebookDocument/didOpen", {"notebookDocument": {"uri": nb, "notebookType": "x", "version": 1.5,
                                                           "cells": [{"kind": "code", "document": 3}]},
                                      "cellTextDocuments": "nope"}),
        ("notebookDocument/didSave", {"notebookDocument": []}),
        ("notebookDocument/didClose", {}),
    ]
    for method, params in bad:
        notify_raw(client, method, params)
    c0, c1, c2 = open_notebook(client, nb, [IMPORTS, CHILD, HOLDER])
    await diagnostics_where(client, c2, lambda d: "HL101" in codes(d), "HL101 after the garbage")
    # A structure change that does not fit the notebook is rejected whole; the notebook is unchanged.
    notify_raw(client, "notebookDocument/didChange", {
        "notebookDocument": {"uri": nb, "version": 2},
        "change": {"cells": {"structure": {"array": {"start": 7, "deleteCount": 3}},
                             "textContent": [{"document": {"uri": c2, "version": 2},
                                              "changes": [{"text": ""}]}]}}})
    for start, count in [(2**63, 1), (1, 2**63 - 1), (-(2**63), 0), (10**30, 0)]:
        notify_raw(client, "notebookDocument/didChange", {
            "notebookDocument": {"uri": nb, "version": 3},
            "change": {"cells": {"structure": {"array": {"start": start, "deleteCount": count}}}}})
    notify_raw(client, "notebookDocument/didChange", {
        "notebookDocument": {"uri": nb, "version": 3},
        "change": {"cells": {"textContent": [{"document": {"uri": "cell:unknown", "version": 2},
                                              "changes": [{"text": ""}]}]}}})
    # Notebook and cell metadata changes are accepted and ignored.
    notify_raw(client, "notebookDocument/didChange", {
        "notebookDocument": {"uri": nb, "version": 4},
        "change": {"metadata": {"kernelspec": {"name": "python3"}},
                   "cells": {"data": [{"kind": 2, "document": c1, "metadata": {"tags": ["x"]}}]}}})
    # Still alive and still in sync: a real edit is analysed against the untouched cells.
    change_notebook(client, nb, 5, text_content=[cell_edit(c2, 2, *ARG, "None")])
    await diagnostics_where(client, c2, lambda d: d == [], "the fix analysed after the rejected changes")
    warnings = [m.message for m in client.log_messages if m.type == types.MessageType.Warning]
    assert any("notebookDocument/didChange" in w and "does not fit" in w for w in warnings), warnings
    assert any("not a cell" in w for w in warnings), warnings
    assert any("appears twice" in w for w in warnings), warnings


SNIPPETS = [
    IMPORTS, CHILD, HOLDER, "%matplotlib inline\nimport gc\ngc.disable()\n", "def f(:\n    pass\n",
    "cache = {}\n\ndef remember(k, v):\n    cache[k] = v\n", "!ls\nx = [i for i in range(10)]\n", "",
    "class Node:\n    def __init__(self):\n        self.me = self\n",
]


@pytest.mark.asyncio
@pytest.mark.parametrize("seed", [18, 7, 2026, 31337])
async def test_random_cell_operations_match_heaplint_check(client: LanguageClient, tmp_path, seed):
    """After a seeded run of inserts, deletes, moves and edits, each cell's diagnostics are what
    `heaplint check` reports for a notebook with the same cells (cell, row, column, code)."""
    import json
    import random
    import subprocess
    rng = random.Random(seed)
    nb = (tmp_path / "nb.ipynb").as_uri()
    texts = [SNIPPETS[0], SNIPPETS[1], SNIPPETS[2]]
    uris = open_notebook(client, nb, texts)
    fresh = iter(range(100, 10_000))
    version = 1
    for _ in range(40):
        version += 1
        op = rng.choice(["insert", "insert", "delete", "move", "edit", "edit", "replace"])
        if op == "insert" or not uris:
            at, uri, text = rng.randint(0, len(uris)), cell_uri(nb, next(fresh)), rng.choice(SNIPPETS)
            change_notebook(client, nb, version, structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=at, delete_count=0, cells=[code_cell(uri)]),
                did_open=[cell_item(uri, text)]))
            uris.insert(at, uri)
            texts.insert(at, text)
        elif op == "delete":
            at = rng.randrange(len(uris))
            change_notebook(client, nb, version, structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=at, delete_count=1),
                did_close=[types.TextDocumentIdentifier(uri=uris[at])]))
            del uris[at], texts[at]
        elif op == "move":
            a, b = rng.randrange(len(uris)), rng.randrange(len(uris))
            order = list(range(len(uris)))
            order.insert(b, order.pop(a))
            uris, texts = [uris[i] for i in order], [texts[i] for i in order]
            change_notebook(client, nb, version, structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=0, delete_count=len(uris),
                                                    cells=[code_cell(u) for u in uris])))
        elif op == "edit":
            # Insert a snippet at the start of a random line of a cell (an incremental edit).
            at = rng.randrange(len(uris))
            lines = texts[at].split("\n")
            line = rng.randrange(len(lines))
            snippet = rng.choice(["y = 1\n", "    ", "#", ""])
            change_notebook(client, nb, version, text_content=[cell_edit(uris[at], version, (line, 0), (line, 0), snippet)])
            lines[line] = snippet + lines[line]
            texts[at] = "\n".join(lines)
        else:
            at, text = rng.randrange(len(uris)), rng.choice(SNIPPETS)
            change_notebook(client, nb, version, text_content=[types.NotebookDocumentCellContentChanges(
                document=types.VersionedTextDocumentIdentifier(uri=uris[at], version=version),
                changes=[types.TextDocumentContentChangeWholeDocument(text=text)])])
            texts[at] = text

    server = []
    for number, uri in enumerate(uris, start=1):
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        server += [(d.code, number, d.range.start.line + 1, d.range.start.character + 1) for d in report.items]

    disk = tmp_path / "check" / "nb.ipynb"
    disk.parent.mkdir()
    disk.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": t} for t in texts]}))
    proc = subprocess.run([BIN, "check", "--isolated", "--output-format", "json", "--exit-zero", str(disk)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    cli = [(d["code"], d["cell"], d["location"]["row"], d["location"]["column"]) for d in json.loads(proc.stdout)]
    assert sorted(server) == sorted(cli)
    assert cli, "the run should end with some findings to compare"
    print(f"seed {seed}: {len(uris)} cells, {len(cli)} findings: {sorted(set(c for c, *_ in cli))}")
