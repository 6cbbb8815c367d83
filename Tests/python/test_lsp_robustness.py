"""`heaplint server` fed bad input through a raw pipe: garbage, wrong Content-Length, requests before
`initialize`, unknown methods, out-of-range edits, a 50 MB document and a client that vanishes. Each
must get the right JSON-RPC error or a clean exit, and the document state must survive."""
import json
import os
import queue
import subprocess
import threading
import time

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
# A safety net only: every wait ends on the specific message it expects; the machine may be loaded.
TIMEOUT = 60


class RawServer:
    """A server process and a reader thread that splits its stdout into JSON messages."""

    def __init__(self):
        self.proc = subprocess.Popen([BIN, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.messages = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = out.read(1)
                if not byte:
                    return
                header += byte
            length = int(header.split(b":")[1].strip().split(b"\r\n")[0])
            self.messages.put(json.loads(out.read(length)))

    def send_bytes(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj):
        body = json.dumps({"jsonrpc": "2.0", **obj}).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def wait_for(self, predicate, what):
        deadline = time.monotonic() + TIMEOUT
        for message in self.seen:
            if predicate(message):
                self.seen.remove(message)
                return message
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(message):
                return message
            self.seen.append(message)
        pytest.fail(f"timed out waiting for {what}; saw {self.seen[-5:]}")

    def response(self, id_):
        return self.wait_for(lambda m: m.get("id") == id_ and "method" not in m, f"response {id_}")

    def diagnostics(self, uri, version):
        return self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri and m["params"].get("version") == version,
                             f"diagnostics v{version}")["params"]["diagnostics"]

    def initialize(self, **params):
        self.send({"id": "init", "method": "initialize", "params": {"capabilities": {}, **params}})
        self.response("init")
        self.send({"method": "initialized", "params": {}})

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server():
    s = RawServer()
    yield s
    s.close()


URI = "file:///tmp/heaplint-robustness/a.py"


def open_doc(server, text, version=1):
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": URI, "languageId": "python", "version": version, "text": text}}})


def change(server, version, start, end, text):
    server.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": URI, "version": version},
        "contentChanges": [{"range": {"start": {"line": start[0], "character": start[1]},
                                      "end": {"line": end[0], "character": end[1]}}, "text": text}]}})


def test_request_before_initialize_is_server_not_initialized(server):
    server.send({"id": 1, "method": "textDocument/hover", "params": {}})
    assert server.response(1)["error"]["code"] == -32002
    server.initialize()  # and the server still initializes afterwards


def test_unknown_method_is_method_not_found(server):
    server.initialize()
    server.send({"id": 2, "method": "heaplint/doesNotExist", "params": {}})
    assert server.response(2)["error"]["code"] == -32601
    server.send({"method": "heaplint/unknownNotification", "params": {}})  # silently ignored
    server.send({"id": 4, "method": "textDocument/hover", "params": {"position": "nowhere"}})
    assert server.response(4)["error"]["code"] == -32602
    server.send({"id": 3, "method": "shutdown"})
    assert server.response(3)["result"] is None


def test_garbage_and_wrong_lengths_get_parse_errors_and_the_loop_goes_on(server):
    server.initialize()
    open_doc(server, "x = 1\n")
    assert server.diagnostics(URI, 1) == []
    server.send_bytes(b"this is not a header\r\n\r\n")
    assert server.wait_for(lambda m: m.get("error", {}).get("code") == -32700 and m.get("id") is None, "parse error")
    server.send_bytes(b"\x00\xff\xfe binary junk")
    server.send_bytes(b"Content-Length: 7\r\n\r\n{\"id\": 5, \"method\": \"shutdown\"}")  # too short
    assert server.wait_for(lambda m: m.get("error", {}).get("code") == -32700, "parse error for truncated body")
    body = b'{"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{"textDocument":{"uri":"%s"},"position":{"line":0,"character":0}}}' % URI.encode()
    server.send_bytes(b"Content-Length: %d\r\n\r\n" % (len(body) + 40) + body)  # too long
    server.send({"id": 7, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": URI}}})
    # The over-long frame is recovered when the next header shows up; both requests are answered.
    assert "error" not in server.response(6)
    report = server.response(7)["result"]
    assert report["kind"] == "full" and report["items"] == []
    # Valid JSON that is not a request object.
    server.send_bytes(b"Content-Length: 2\r\n\r\n[]")
    server.send_bytes(b"Content-Length: 2\r\n\r\n{}")
    # The document state survived: an edit still lands where it should.
    change(server, 2, (0, 4), (0, 5), "(")
    assert [d["code"] for d in server.diagnostics(URI, 2)] == ["HL001"]


def test_out_of_range_edits_are_clamped(server):
    server.initialize()
    open_doc(server, "def f():\n    pass\n")
    assert server.diagnostics(URI, 1) == []
    change(server, 2, (0, 99), (0, 120), "  # tail")      # past the end of the line
    change(server, 3, (40, 0), (50, 3), "y = 2\n")        # past the end of the file
    change(server, 4, (1, 4), (0, 0), "")                 # reversed range: treated as empty
    change(server, 5, (-1, -1), (0, 0), "")               # negative positions
    assert server.diagnostics(URI, 5) == []
    # The text is now "def f():  # tail\n    pass\ny = 2\n": break line 2 and check where.
    change(server, 6, (2, 0), (2, 1), ")")
    diags = server.diagnostics(URI, 6)
    assert [d["range"]["start"]["line"] for d in diags] == [2]


def test_long_error_runs_reached_through_edits_keep_the_server_alive(server):
    """Issue 26: Debian's tree-sitter 0.20.7 aborted the server when a document reached a long run of
    tokens it cannot reduce (here `x = ` + 32,768 x `1: `, then 70,000 x `* `), also through incremental
    re-parses. The compiled-in 0.23.2 runtime parses them: HL001 each time, and the server goes on."""
    server.initialize()
    open_doc(server, "x = 1\n")
    assert server.diagnostics(URI, 1) == []
    change(server, 2, (0, 4), (0, 5), "1: " * 32_768)
    assert {d["code"] for d in server.diagnostics(URI, 2)} == {"HL001"}
    change(server, 3, (0, 0), (0, 0), "* " * 70_000 + "\n")
    assert {d["code"] for d in server.diagnostics(URI, 3)} == {"HL001"}
    change(server, 4, (0, 0), (2, 0), "x = 1\n")
    assert server.diagnostics(URI, 4) == []
    server.send({"id": 9, "method": "shutdown"})
    assert server.response(9)["result"] is None
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=TIMEOUT) == 0


def test_large_document_keeps_the_server_responsive(server):
    server.initialize()
    line = "value = [1, 2, 3]  # padding padding padding padding padding padding padding\n"
    text = line * (50_000_000 // len(line) + 1)
    assert len(text) >= 50_000_000
    open_doc(server, text)
    # Over the analysis limit: kept in sync, not analysed, and the user is told why.
    assert server.diagnostics(URI, 1) == []
    log = server.wait_for(lambda m: m.get("method") == "window/logMessage" and "limit" in m["params"]["message"], "log")
    assert "MB" in log["params"]["message"]
    change(server, 2, (0, 0), (0, 0), "# first line\n")
    server.send({"id": 8, "method": "shutdown"})
    assert server.response(8)["result"] is None
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=TIMEOUT) == 0


def test_client_vanishing_ends_the_server_cleanly(server):
    server.initialize()
    open_doc(server, "def f(:\n")
    server.proc.stdin.close()
    assert server.proc.wait(timeout=TIMEOUT) == 0


def test_exit_without_shutdown_exits_with_1(server):
    server.initialize()
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=TIMEOUT) == 1


def test_cancelled_request_gets_exactly_one_answer(server):
    server.initialize()
    open_doc(server, "def f(:\n")
    server.send({"id": 9, "method": "workspace/diagnostic", "params": {"previousResultIds": []}})
    server.send({"method": "$/cancelRequest", "params": {"id": 9}})
    first = server.response(9)
    assert ("result" in first) != ("error" in first)
    if "error" in first:
        assert first["error"]["code"] == -32800
    server.send({"id": 10, "method": "shutdown"})
    server.response(10)
    assert not [m for m in server.seen if m.get("id") == 9]


def test_slow_analysis_never_blocks_shutdown(server):
    server.send({"id": "init", "method": "initialize", "params": {
        "capabilities": {}, "initializationOptions": {"maxFileBytes": 1e300, "debounceMs": -5}}})
    server.response("init")
    server.send({"method": "initialized", "params": {}})
    # ~8 MB of code: seconds of parsing and analysis, all off the message loop.
    line = "def f(x):\n    return [i * x for i in range(10) if i % 2]\n"
    open_doc(server, line * (8_000_000 // len(line)))
    server.send({"id": 11, "method": "shutdown"})
    response = server.response(11)
    assert response["result"] is None
    # The shutdown answer did not wait for the analysis to publish.
    assert not [m for m in server.seen if m.get("method") == "textDocument/publishDiagnostics"]
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=TIMEOUT) == 0


def disk_files(root):
    """One file per way a path on disk can fail to be Python source, and a valid latin-1 one."""
    (root / "latin.py").write_bytes(b"# -*- coding: latin-1 -*-\nclass Caf\xe9:\n    pass\n")
    (root / "nul.py").write_bytes(b"x = 1\n\x00\n")
    (root / "bad_utf8.py").write_bytes(b"x = '\xff'\n")
    (root / "utf16.py").write_bytes("x = 1\n".encode("utf-16"))
    (root / "dir.py").mkdir()
    (root / "dangling.py").symlink_to(root / "missing.py")
    return {"latin.py": [], "nul.py": ["HL003"], "bad_utf8.py": ["HL003"], "utf16.py": ["HL003"],
            "dir.py": ["HL003"], "dangling.py": ["HL003"]}


def test_pulled_diagnostics_for_unopened_files_use_the_cli_loader(server, tmp_path):
    expected = disk_files(tmp_path)
    server.initialize()
    for name, codes in expected.items():
        server.send({"id": name, "method": "textDocument/diagnostic",
                     "params": {"textDocument": {"uri": (tmp_path / name).as_uri()}}})
        report = server.response(name)["result"]
        assert [d["code"] for d in report["items"]] == codes, name
    # The message says why, as `heaplint check` does.
    server.send({"id": "m", "method": "textDocument/diagnostic",
                 "params": {"textDocument": {"uri": (tmp_path / "nul.py").as_uri()}}})
    assert "NUL byte" in server.response("m")["result"]["items"][0]["message"]


def test_workspace_diagnostics_use_the_cli_loader(server, tmp_path):
    expected = disk_files(tmp_path)
    server.initialize(rootUri=tmp_path.as_uri())
    server.send({"id": "ws", "method": "workspace/diagnostic", "params": {"previousResultIds": []}})
    items = {item["uri"]: item for item in server.response("ws")["result"]["items"]}
    del expected["dir.py"]  # a real directory is walked into, as `heaplint check` does
    for name, codes in expected.items():
        item = items[(tmp_path / name).as_uri()]
        assert [d["code"] for d in item["items"]] == codes, name


def test_workspace_diagnostics_leave_notebooks_to_notebook_sync(server, tmp_path):
    # `heaplint check` reads notebooks by their cells. A notebook on disk has no cell URIs (the client
    # makes them up when it opens it, through notebook sync), and rows of the joined cells would land
    # on the wrong lines of the `.ipynb` file: open notebooks are reported per cell instead
    # (test_lsp_notebooks.py).
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": ["class A:\n", "    def __init__(self):\n", "        self.cb = self.run\n",
                    "    def run(self):\n", "        pass\n"]}]}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    (tmp_path / "m.py").write_text("x = 1\n")
    server.initialize(rootUri=tmp_path.as_uri())
    server.send({"id": "ws", "method": "workspace/diagnostic", "params": {"previousResultIds": []}})
    uris = {item["uri"] for item in server.response("ws")["result"]["items"]}
    assert uris == {(tmp_path / "m.py").as_uri()}


def test_size_cap_is_by_the_symlink_target_and_reported_as_hl003(server, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big.py").write_text("x = 1\n" * 1000)  # 6,000 bytes, over the cap of 1,000
    (tmp_path / "link.py").symlink_to(outside / "big.py")  # the link itself is a few dozen bytes
    (tmp_path / "small.py").write_text("x = 1\n")
    # A sparse 59 MB file under the default cap: refused by its size before any of it is read.
    huge = tmp_path / "huge.py"
    with open(huge, "wb") as f:
        f.truncate(59_000_000)
    server.initialize(initializationOptions={"maxFileBytes": 1000})
    for name in ["link.py", "small.py", "huge.py"]:
        server.send({"id": name, "method": "textDocument/diagnostic",
                     "params": {"textDocument": {"uri": (tmp_path / name).as_uri()}}})
    for name in ["link.py", "huge.py"]:
        items = server.response(name)["result"]["items"]
        assert [d["code"] for d in items] == ["HL003"], name
        assert "limit" in items[0]["message"], name
    assert server.response("small.py")["result"]["items"] == []


@pytest.mark.parametrize("padding, indexed", [(100, True), (5000, False)])
def test_workspace_index_skips_files_over_the_cap(server, tmp_path, padding, indexed):
    # b.py's cycle goes through a.Child, which only the index of a.py on disk knows about.
    (tmp_path / "a.py").write_text("class Child:\n    def __init__(self, parent):\n        self.parent = parent\n"
                                   + "#" * padding + "\n")
    user = "from a import Child\n\n\nclass Holder:\n    def __init__(self):\n        self.child = Child(self)\n"
    (tmp_path / "b.py").write_text(user)
    server.initialize(rootUri=tmp_path.as_uri(), initializationOptions={"maxFileBytes": 2000})
    # The index is merged (and logged) before the document is opened, so v1 is analysed with it.
    server.wait_for(lambda m: m.get("method") == "window/logMessage" and "project index" in m["params"]["message"],
                    "the project index")
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": (tmp_path / "b.py").as_uri(), "languageId": "python", "version": 1, "text": user}}})
    codes = [d["code"] for d in server.diagnostics((tmp_path / "b.py").as_uri(), 1)]
    assert ("HL101" in codes) == indexed


def test_lone_surrogate_in_an_edit_is_applied_as_replacement_character(server):
    server.initialize()
    open_doc(server, "s = '\ud800'\n")  # json.dumps sends the escape "\ud800" as a client would
    assert server.diagnostics(URI, 1) == []
    change(server, 2, (0, 5), (0, 6), "")                    # s = ''
    change(server, 3, (0, 5), (0, 5), "\udc00")               # s = '\ufffd' (one UTF-16 unit)
    assert server.diagnostics(URI, 3) == []
    # In sync only if v3 was applied: this deletes the replacement character, not the closing quote.
    change(server, 4, (0, 5), (0, 6), "")
    assert server.diagnostics(URI, 4) == []
    # A proper pair is kept as one character (two UTF-16 units).
    change(server, 5, (0, 5), (0, 5), "\U0001F600")
    change(server, 6, (0, 5), (0, 7), "")
    assert server.diagnostics(URI, 6) == []
    change(server, 7, (0, 5), (0, 6), "")                    # now the closing quote: a syntax error
    assert [d["code"] for d in server.diagnostics(URI, 7)] == ["HL001"]


@pytest.mark.parametrize("bad_id", [1.5, True, {"a": 1}, [1]])
def test_request_with_an_invalid_id_gets_invalid_request_with_null_id(server, bad_id):
    server.initialize()
    server.send({"id": bad_id, "method": "shutdown"})
    error = server.wait_for(lambda m: "error" in m, "the Invalid Request error")
    assert error["id"] is None and error["error"]["code"] == -32600
    # Not handled as a shutdown: the server keeps serving.
    open_doc(server, "def f(:\n")
    assert [d["code"] for d in server.diagnostics(URI, 1)] == ["HL001"]
    server.send({"id": 12, "method": "shutdown"})
    assert server.response(12)["result"] is None
