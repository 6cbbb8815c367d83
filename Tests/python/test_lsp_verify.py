"""`heaplint server` marks the findings a `heaplint verify --write-report` run confirmed (issue 19): the
report is `.heaplint_cache/verify.json` in the project; a confirmed finding's message gets a suffix and a
related-information entry with the reference path seen at run time. The verify runs here are real (the
binary runs a short script under its harness); each LSP wait ends on the publication it expects."""
import json
import os
import subprocess
import sys

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from leaking_tree import TREE_AND_NODE
from test_lsp import BIN, client, codes, diagnostics_where, open_doc, uri_in  # noqa: F401 (client: fixture)

SUFFIX = " (confirmed at run time by heaplint verify)"


def write_report(tmp_path, source):
    (tmp_path / "tree.py").write_text(source)
    proc = subprocess.run([BIN, "verify", "--write-report", "--exit-zero", "tree.py", "--", sys.executable, "tree.py"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = tmp_path / ".heaplint_cache" / "verify.json"
    assert f"verify report written to {report}" in proc.stderr
    return json.loads(report.read_text())


def hl101(diags):
    return [d for d in diags if d.code == "HL101"]


def test_write_report_leaves_the_json_report_in_a_marked_cache_directory(tmp_path):
    report = write_report(tmp_path, TREE_AND_NODE + "\n\nbuild()\n")
    assert [item["code"] for item in report["confirmed"]] == ["HL101"]
    # The cache directory's marker: git ignores it and `heaplint clean` knows it is heaplint's.
    assert (tmp_path / ".heaplint_cache" / ".gitignore").read_text().startswith("# Automatically created by heaplint.")


@pytest.mark.asyncio
async def test_confirmed_finding_is_marked(client: LanguageClient, tmp_path):
    source = TREE_AND_NODE + "\n\nbuild()\n"
    report = write_report(tmp_path, source)
    (summary,) = [c["summary"] for c in report["confirmed"][0]["cycles"]]
    uri = uri_in(tmp_path, "tree.py")
    open_doc(client, uri, source)
    diags = await diagnostics_where(client, uri, lambda d: any(x.message.endswith(SUFFIX) for x in hl101(d)),
                                    "the confirmed HL101 marked")
    (marked,) = [d for d in hl101(diags) if d.message.endswith(SUFFIX)]
    assert marked.range.start.line + 1 == report["confirmed"][0]["location"]["row"]
    note = marked.related_information[-1]
    assert note.message == "confirmed at run time by heaplint verify: " + summary
    assert note.location.uri == (tmp_path / ".heaplint_cache" / "verify.json").as_uri()
    # The static path's related locations are still there, before the note.
    assert all(r.location.uri == uri for r in marked.related_information[:-1]) and len(marked.related_information) > 1


@pytest.mark.asyncio
async def test_finding_the_run_did_not_exercise_is_not_marked(client: LanguageClient, tmp_path):
    source = TREE_AND_NODE  # build() never called: the run confirms nothing
    report = write_report(tmp_path, source)
    assert report["confirmed"] == [] and [d["code"] for d in report["not_exercised"]] == ["HL101"]
    uri = uri_in(tmp_path, "tree.py")
    open_doc(client, uri, source)
    diags = await diagnostics_where(client, uri, lambda d: hl101(d) != [], "HL101")
    assert not any(d.message.endswith(SUFFIX) for d in diags)
    assert not any("heaplint verify" in r.message for d in diags for r in d.related_information or [])


@pytest.mark.asyncio
async def test_report_written_while_the_document_is_open_marks_it_at_the_next_analysis(client: LanguageClient, tmp_path):
    source = TREE_AND_NODE + "\n\nbuild()\n"
    uri = uri_in(tmp_path, "tree.py")
    open_doc(client, uri, source)
    diags = await diagnostics_where(client, uri, lambda d: hl101(d) != [], "HL101 before any report")
    assert not any(d.message.endswith(SUFFIX) for d in diags)
    write_report(tmp_path, source)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=source + "\n")]))
    await diagnostics_where(client, uri, lambda d: any(x.message.endswith(SUFFIX) for x in hl101(d)),
                            "the HL101 marked after the report appeared")


def test_write_report_does_not_follow_a_symlinked_cache_directory(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".heaplint_cache").symlink_to(elsewhere)  # a committed link must not send writes outside
    (project / "tree.py").write_text(TREE_AND_NODE + "\n\nbuild()\n")
    proc = subprocess.run([BIN, "verify", "--write-report", "--exit-zero", "--", sys.executable, "tree.py"],
                          capture_output=True, text=True, cwd=project, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "heaplint: warning: verify report not written: cache disabled:" in proc.stderr
    assert list(elsewhere.iterdir()) == []
