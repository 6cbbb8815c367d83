"""Issue 26: every tree-sitter parse has a budget. tree-sitter 0.23.2's error recovery takes minutes on
some broken code (`[` then 40,000 `1: `), which stalled a whole `heaplint check` and would freeze the
language server. A parse that reaches its budget is reported as HL003 for that file, and the run (or the
server) goes on with the others.

The budget here is HEAPLINT_PARSE_BUDGET_OPS, a count of tree-sitter's parse actions, so the cut-off is
the same on every machine: 20,000 actions stop the pathological file long before its end (it has 80,000
tokens, each at least one action) and leave a ten-line module far below it."""
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from test_lsp_robustness import TIMEOUT, RawServer  # noqa: E402

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
PATHOLOGICAL = "[" + "1: " * 40_000 + "\n"
NORMAL = ("class Node:\n    def __init__(self, parent=None):\n        self.parent = parent\n        self.children = []\n\n"
          "    def add(self):\n        child = Node(self)\n        self.children.append(child)\n        return child\n")
TINY = {"HEAPLINT_PARSE_BUDGET_OPS": "20000"}


def run(args, cwd, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEAPLINT_PARSE")}
    env.update(extra_env or {})
    return subprocess.run([BIN, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def findings(stdout):
    return sorted((d["filename"].rsplit("/", 1)[-1], d["code"]) for d in json.loads(stdout))


@pytest.fixture
def project(tmp_path):
    (tmp_path / "broken.py").write_text(PATHOLOGICAL)
    (tmp_path / "tree.py").write_text(NORMAL)
    return tmp_path


def test_cli_reports_the_cut_off_file_as_hl003_and_checks_the_others(project):
    result = run(["check", "--isolated", "--no-cache", "--output-format", "json", "."], project, TINY)
    assert result.returncode == 1, result.stderr
    got = findings(result.stdout)
    assert ("broken.py", "HL003") in got
    assert [f for f in got if f[0] == "broken.py"] == [("broken.py", "HL003")]  # nothing else: not analysed
    assert ("tree.py", "HL101") in got
    message = next(d["message"] for d in json.loads(result.stdout) if d["code"] == "HL003")
    assert "parsing stopped at its budget of 20000 parse actions" in message
    assert "--parse-timeout" in message


def test_cli_text_output_names_the_file_and_the_reason(project):
    result = run(["check", "--isolated", "--no-cache", "broken.py"], project, TINY)
    assert result.returncode == 1
    assert result.stdout.startswith("broken.py:1:1: HL003 Not analysed: parsing stopped at its budget")


def test_a_cut_off_result_is_never_cached(tmp_path):
    # Valid and fast to parse without a budget, but well over 20,000 parse actions.
    (tmp_path / "long.py").write_text("x = []\n" * 20_000)
    (tmp_path / "tree.py").write_text(NORMAL)
    cut = run(["check", "--isolated", "--output-format", "json", "."], tmp_path, TINY)
    assert ("long.py", "HL003") in findings(cut.stdout)
    # Without the budget the same cache must not replay the cut-off: the file is analysed now.
    full = run(["check", "--isolated", "--output-format", "json", "."], tmp_path)
    assert ("long.py", "HL003") not in findings(full.stdout)
    assert ("tree.py", "HL101") in findings(full.stdout)


def test_fix_leaves_a_cut_off_file_untouched(project):
    result = run(["check", "--isolated", "--no-cache", "--fix", "--unsafe-fixes", "."], project, TINY)
    assert "broken.py:1:1: HL003" in result.stdout
    assert (project / "broken.py").read_text() == PATHOLOGICAL


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_malformed_timeouts_are_usage_errors(project, value):
    result = run(["check", "--isolated", "--parse-timeout", value, "tree.py"], project)
    assert result.returncode == 2
    assert "--parse-timeout" in result.stderr
    result = run(["check", "--isolated", "tree.py"], project, {"HEAPLINT_PARSE_TIMEOUT": value})
    assert result.returncode == 2
    assert "HEAPLINT_PARSE_TIMEOUT" in result.stderr


def test_parse_timeout_zero_means_no_limit(project):
    result = run(["check", "--isolated", "--no-cache", "--parse-timeout", "0", "--output-format", "json", "tree.py"], project)
    assert ("tree.py", "HL101") in findings(result.stdout)


@pytest.fixture
def budget_server(monkeypatch):
    for name, value in TINY.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HEAPLINT_PARSE_TIMEOUT", raising=False)
    server = RawServer()  # inherits the patched environment
    yield server
    server.close()


def open_doc(server, uri, text, version=1):
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": version, "text": text}}})


def test_server_publishes_hl003_for_the_cut_off_document_and_serves_the_others(budget_server):
    server = budget_server
    broken, tree = "file:///tmp/heaplint-budget/broken.py", "file:///tmp/heaplint-budget/tree.py"
    server.initialize()
    open_doc(server, broken, PATHOLOGICAL)
    diagnostics = server.diagnostics(broken, 1)
    assert [d["code"] for d in diagnostics] == ["HL003"]
    assert "parsing stopped at its budget" in diagnostics[0]["message"]
    open_doc(server, tree, NORMAL)
    assert "HL101" in {d["code"] for d in server.diagnostics(tree, 1)}
    # An edit that removes the long run brings the document back to a normal analysis.
    server.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": broken, "version": 2}, "contentChanges": [{"text": NORMAL}]}})
    assert "HL101" in {d["code"] for d in server.diagnostics(broken, 2)}
    # And an edit that reaches the shape again is cut off again.
    server.send({"method": "textDocument/didChange", "params": {
        "textDocument": {"uri": broken, "version": 3},
        "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                            "text": PATHOLOGICAL}]}})
    assert [d["code"] for d in server.diagnostics(broken, 3)] == ["HL003"]
    server.send({"id": 9, "method": "shutdown"})
    assert server.response(9)["result"] is None
    server.send({"method": "exit"})
    assert server.proc.wait(timeout=TIMEOUT) == 0


def test_explain_takes_the_budget_from_the_environment(project):
    result = run(["explain", "--isolated", "broken.py:1"], project, TINY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("broken.py:1:1: HL003 Not analysed: parsing stopped at its budget of 20000")
    result = run(["explain", "--isolated", "broken.py:1"], project, {"HEAPLINT_PARSE_TIMEOUT": "soon"})
    assert result.returncode == 2
    assert "HEAPLINT_PARSE_TIMEOUT=soon" in result.stderr


def test_server_ignores_a_malformed_budget_and_keeps_the_default(monkeypatch):
    monkeypatch.setenv("HEAPLINT_PARSE_TIMEOUT", "soon")
    server = RawServer()
    try:
        server.initialize()
        uri = "file:///tmp/heaplint-budget/tree.py"
        open_doc(server, uri, NORMAL)
        assert "HL101" in {d["code"] for d in server.diagnostics(uri, 1)}
    finally:
        server.close()
    assert b"ignoring HEAPLINT_PARSE_TIMEOUT=soon" in server.proc.stderr.read()


def parse_timeout_setting(cwd, *args, env=None):
    result = run(["check", "--show-settings", *args], cwd, env)
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if line.startswith("parse-timeout = "))


def test_the_command_line_beats_the_environment_which_beats_the_config_file(tmp_path):
    (tmp_path / "tree.py").write_text(NORMAL)
    assert parse_timeout_setting(tmp_path) == "parse-timeout = 5.0"
    (tmp_path / "heaplint.toml").write_text("parse-timeout = 2\n")
    assert parse_timeout_setting(tmp_path) == "parse-timeout = 2.0"
    assert parse_timeout_setting(tmp_path, env={"HEAPLINT_PARSE_TIMEOUT": "3"}) == "parse-timeout = 3.0"
    assert parse_timeout_setting(tmp_path, "--parse-timeout", "4.5", env={"HEAPLINT_PARSE_TIMEOUT": "3"}) == "parse-timeout = 4.5"


@pytest.mark.parametrize("value", ['"5"', "-1", "true"])
def test_a_malformed_parse_timeout_in_the_config_file_is_exit_2(tmp_path, value):
    (tmp_path / "tree.py").write_text(NORMAL)
    (tmp_path / "heaplint.toml").write_text(f"parse-timeout = {value}\n")
    result = run(["check", "tree.py"], tmp_path)
    assert result.returncode == 2
    assert "invalid value for `parse-timeout`" in result.stderr
