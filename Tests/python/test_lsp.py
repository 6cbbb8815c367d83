"""`heaplint server` driven by a real LSP client (pytest-lsp): push and pull diagnostics, incremental
edits, hover, code actions, settings. Each test gets a fresh server process."""
import json
import os
import re
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_marks import marked
from lsp_waits import codes, diagnostics_where

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(
            window=types.WindowClientCapabilities(work_done_progress=True),
        ),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.init_result = result
    yield
    await lsp_client.shutdown_session()


def uri_in(tmp_path, name="a.py"):
    return (tmp_path / name).as_uri()


def open_doc(client, uri, text, version=1):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))


def edit(client, uri, version, start, end, text):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(*start), end=types.Position(*end)), text=text)]))


def position_of(text, byte_offset):
    """(line, utf-16 column) of a byte offset, as LSP counts by default."""
    prefix = text.encode()[:byte_offset].decode()
    line = prefix.count("\n")
    column = prefix.rsplit("\n", 1)[-1]
    return line, len(column.encode("utf-16-le")) // 2


def rule_example(code):
    """The first triggering example of a rule (the rule must exist and have one)."""
    proc = subprocess.run([BIN, "rule", code, "--output-format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    example = next((e for e in doc["examples"] if e["triggering"]), None)
    assert example is not None, f"{code} has no triggering example"
    return example


@pytest.mark.asyncio
async def test_initialize_advertises_incremental_sync_and_utf16(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.hover_provider
    assert caps.diagnostic_provider.workspace_diagnostics


@pytest.mark.asyncio
async def test_syntax_error_appears_then_disappears(client: LanguageClient, tmp_path):
    uri = uri_in(tmp_path)
    open_doc(client, uri, "def f():\n    return 1\n")
    await diagnostics_where(client, uri, lambda d: d == [], "no diagnostics on open")
    edit(client, uri, 2, (0, 6), (0, 7), "")  # delete `)`
    diags = await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001 after the edit")
    d = diags[0]
    assert d.source == "heaplint"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start.line == 0
    assert d.code_description.href.endswith("/docs/rules/HL001.md")
    edit(client, uri, 3, (0, 6), (0, 6), ")")  # put it back
    await diagnostics_where(client, uri, lambda d: d == [], "diagnostics cleared after the fix")


@pytest.mark.asyncio
async def test_cycle_appears_then_disappears(client: LanguageClient, tmp_path):
    example = rule_example("HL101")
    uri = uri_in(tmp_path)
    open_doc(client, uri, "")
    await diagnostics_where(client, uri, lambda d: d == [], "empty file is clean")
    source = example["source"]
    edit(client, uri, 2, (0, 0), (0, 0), source)
    expected = {position_of(source, m) for m in example["markers"]}
    diags = await diagnostics_where(client, uri, lambda d: "HL101" in codes(d), "HL101 after inserting a cycle")
    starts = {(d.range.start.line, d.range.start.character) for d in diags if d.code == "HL101"}
    assert starts == expected
    # The reference path comes along as related locations inside the document.
    for d in diags:
        if d.code == "HL101":
            assert d.related_information
            assert all(r.location.uri == uri for r in d.related_information)
    lines = source.count("\n") + (0 if source.endswith("\n") else 1)
    edit(client, uri, 3, (0, 0), (lines + 1, 0), "")
    await diagnostics_where(client, uri, lambda d: "HL101" not in codes(d), "HL101 gone after removing it")


@pytest.mark.asyncio
async def test_hover_explains_the_diagnostic(client: LanguageClient, tmp_path):
    uri = uri_in(tmp_path)
    text, at = marked("x⟦away⟧ = 1\ndef f(:\n    pass\n")
    open_doc(client, uri, text)
    diags = await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=diags[0].range.start))
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "HL001" in hover.contents.value
    assert diags[0].message in hover.contents.value
    assert hover.range.start == diags[0].range.start
    # Away from any finding there is nothing to say.
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at["away"]))
    assert nothing is None


@pytest.mark.asyncio
async def test_rule_links_follow_rule_url_base(client: LanguageClient, tmp_path):
    (tmp_path / "heaplint.toml").write_text('rule-url-base = "https://mirror.example.org/rules/"\n')
    uri = uri_in(tmp_path)
    open_doc(client, uri, "def f(:\n    pass\n")
    diags = await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001")
    assert diags[0].code_description.href == "https://mirror.example.org/rules/HL001.md"
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=diags[0].range.start))
    assert "(https://mirror.example.org/rules/HL001.md)" in hover.contents.value


@pytest.mark.asyncio
async def test_noqa_code_action_applied(client: LanguageClient, tmp_path):
    uri = uri_in(tmp_path)
    text, at = marked("x = 1\n⟦def⟧def⟦def_end⟧ f(:⟦line_end⟧\n    pass\n")
    open_doc(client, uri, text)
    diags = await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diags[0].range,
        context=types.CodeActionContext(diagnostics=diags)))
    noqa = [a for a in actions if "noqa" in a.title]
    assert len(noqa) == 1
    (change,) = noqa[0].edit.changes[uri]
    assert change.new_text == "  # noqa: HL001"
    assert change.range.start == at["line_end"]
    # Apply it as an editor would, then ask again: the line already carries the suppression.
    edit(client, uri, 2, (change.range.start.line, change.range.start.character),
         (change.range.end.line, change.range.end.character), change.new_text)
    # The suppression works (the Kit's noqa pass runs in the server too).
    await diagnostics_where(client, uri, lambda d: d == [], "HL001 suppressed by the applied noqa")
    again = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=at["def"], end=at["def_end"]),
        context=types.CodeActionContext(diagnostics=[])))
    assert not [a for a in (again or []) if "noqa" in a.title]
    # Only source actions asked for: no quick fixes come back.
    only = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diags[0].range,
        context=types.CodeActionContext(diagnostics=diags, only=[types.CodeActionKind.SourceFixAll])))
    assert all(a.kind.startswith("source.fixAll") for a in (only or []))


@pytest.mark.asyncio
async def test_pull_diagnostics_for_a_document(client: LanguageClient, tmp_path):
    uri = uri_in(tmp_path)
    open_doc(client, uri, "def f(:\n    pass\n")
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert report.kind == "full"
    assert codes(report.items) == ["HL001"]
    same = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id))
    assert same.kind == "unchanged"
    edit(client, uri, 2, (0, 6), (0, 6), ")")
    fixed = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id))
    assert fixed.kind == "full"
    assert list(fixed.items) == []


@pytest.mark.asyncio
async def test_workspace_diagnostics_scan_disk_with_progress(client: LanguageClient, tmp_path):
    (tmp_path / "bad.py").write_text("def g(:\n")
    (tmp_path / "good.py").write_text("x = 1\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "ignored.py").write_text("def h(:\n")
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: item for item in report.items}
    assert set(by_uri) == {(tmp_path / "bad.py").as_uri(), (tmp_path / "good.py").as_uri()}
    assert codes(by_uri[(tmp_path / "bad.py").as_uri()].items) == ["HL001"]
    assert list(by_uri[(tmp_path / "good.py").as_uri()].items) == []
    kinds = [r.kind for reports in client.progress_reports.values() for r in reports]
    assert kinds[0] == "begin" and kinds[-1] == "end"


@pytest.mark.asyncio
async def test_settings_change_rediagnoses_open_files(client: LanguageClient, tmp_path):
    uri = uri_in(tmp_path)
    open_doc(client, uri, "def f(:\n    pass\n")
    await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"heaplint": {"ignore": ["HL001"]}}))
    await diagnostics_where(client, uri, lambda d: d == [], "HL001 ignored by settings")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"heaplint": {"select": ["HL0"]}}))
    await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001 selected again")


@pytest.mark.asyncio
async def test_excluded_files_get_no_diagnostics(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.heaplint]\nextend-exclude = ["generated"]\n')
    (tmp_path / "generated").mkdir()
    excluded = (tmp_path / "generated" / "g.py").as_uri()
    included = uri_in(tmp_path, "kept.py")
    open_doc(client, excluded, "def f(:\n")
    open_doc(client, included, "def f(:\n")
    await diagnostics_where(client, included, lambda d: codes(d) == ["HL001"], "HL001 in the kept file")
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=excluded)))
    assert list(report.items) == []


@pytest.mark.asyncio
async def test_close_clears_diagnostics(client: LanguageClient, tmp_path):
    uri = uri_in(tmp_path)
    open_doc(client, uri, "def f(:\n")
    await diagnostics_where(client, uri, lambda d: codes(d) == ["HL001"], "HL001")
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await diagnostics_where(client, uri, lambda d: d == [], "cleared on close")


CHILD = "class Child:\n    def __init__(self, parent):\n        self.parent = parent\n"
USER = "from a import Child\n\n\nclass Holder:\n    def __init__(self):\n        self.child = Child(self)\n"


@pytest.fixture
def project_on_disk(tmp_path):
    (tmp_path / "a.py").write_text(CHILD)
    (tmp_path / "b.py").write_text(USER)
    return tmp_path


@pytest.mark.asyncio
async def test_project_index_from_disk_finds_a_cross_module_cycle(project_on_disk, client: LanguageClient, tmp_path):
    # Only b.py is open: Child's constructor is known from the workspace scan of a.py on disk.
    uri = uri_in(tmp_path, "b.py")
    open_doc(client, uri, USER)
    await diagnostics_where(client, uri, lambda d: "HL101" in codes(d), "HL101 through a.Child from the disk index")


@pytest.mark.asyncio
async def test_editing_a_dependency_reanalyses_its_dependents(client: LanguageClient, tmp_path):
    a, b = uri_in(tmp_path, "a.py"), uri_in(tmp_path, "b.py")
    open_doc(client, b, USER)
    open_doc(client, a, CHILD)
    await diagnostics_where(client, b, lambda d: "HL101" in codes(d), "HL101 once a.py is open")
    # Child no longer keeps its parent: b.py is analysed again, unchanged, and its cycle is gone.
    edit(client, a, 2, (2, 22), (2, 28), "str(parent)")
    await diagnostics_where(client, b, lambda d: "HL101" not in codes(d), "HL101 gone after the edit of a.py")


@pytest.mark.asyncio
async def test_hover_escapes_markdown_outside_code_spans(client: LanguageClient, tmp_path):
    """`__defaults__` in prose must not render as bold "defaults" (issue 27)."""
    uri = uri_in(tmp_path)
    source = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"
    open_doc(client, uri, source)
    diags = await diagnostics_where(client, uri, lambda d: "HL404" in codes(d), "HL404")
    d = next(d for d in diags if d.code == "HL404")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=d.range.start))
    assert hover is not None
    md = hover.contents.value
    assert "\\_\\_defaults\\_\\_" in md, md
    # Nothing outside a code span is left for markdown to read as emphasis.
    outside = re.sub(r"(`+)(?:(?!\1).)+?\1", "", md.replace("\\_", "").replace("\\*", ""))
    outside = outside.replace("**", "")  # the hover's own bold labels
    assert "_" not in outside and "*" not in outside, outside
    # Code spans stay as written (no backslashes inside them).
    for span in re.findall(r"`([^`]+)`", md):
        assert "\\" not in span, span


@pytest.mark.asyncio
async def test_unfixable_rules_offer_no_fix_in_the_editor(client: LanguageClient, tmp_path):
    # `unfixable` acts in the Analyzer, so the server drops those fixes as `--fix` does.
    (tmp_path / "heaplint.toml").write_text('unfixable = ["HL301"]\n')
    uri = uri_in(tmp_path)
    open_doc(client, uri, "N = 10**7\n\n\ndef total():\n    return sum([i * i for i in range(N)])\n\n\n"
                          "def lines(path):\n    with open(path) as fh:\n        for line in fh.readlines():\n"
                          "            print(line)\n")
    diags = await diagnostics_where(client, uri, lambda d: sorted(codes(d)) == ["HL301", "HL302"], "HL301 and HL302")
    fixes = {}
    for diag in diags:
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix])))
        fixes[diag.code] = [a.title for a in (actions or []) if "noqa" not in a.title]
    assert fixes["HL301"] == [] and fixes["HL302"], fixes
