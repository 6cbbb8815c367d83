"""Editor and CI configurations that cannot be driven here: they must at least parse and start the right
command (issue 7). The driven ones are test_editor_vim.py, test_editor_emacs.py and test_precommit.py."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml  # PyYAML: a dependency of pre-commit, which `make venv` installs

ROOT = Path(__file__).resolve().parents[2]
EDITORS = ROOT / "editors"
BIN = os.environ.get("HEAPLINT_BIN", str(ROOT / ".build" / "debug" / "heaplint"))
SERVER = ["heaplint", "server"]


def test_every_editor_folder_has_a_readme_that_says_whether_it_is_tested():
    folders = [p for p in EDITORS.iterdir() if p.is_dir()]
    assert len(folders) >= 8
    for folder in folders:
        readme = folder / "README.md"
        if folder.name == "neovim":
            continue  # owned (and tested) by the language-server branch
        assert readme.exists(), folder
        assert re.search(r"\*\*(Tested|Untested|Partly tested)\*\*", readme.read_text()), readme


def test_helix_languages_toml():
    config = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text())
    server = config["language-server"]["heaplint"]
    assert [server["command"], *server["args"]] == SERVER
    (python,) = [lang for lang in config["language"] if lang["name"] == "python"]
    assert "heaplint" in python["language-servers"]


def test_kakoune_configs():
    old = tomllib.loads((EDITORS / "kakoune" / "kak-lsp.toml").read_text())["language_server"]["heaplint"]
    assert [old["command"], *old["args"]] == SERVER and old["filetypes"] == ["python"]
    kakrc = (EDITORS / "kakoune" / "kakrc").read_text()
    assert "WinSetOption filetype=python" in kakrc
    block = re.search(r"lsp_servers %\{\n(.*?)\n    \}", kakrc, re.S).group(1)
    new = tomllib.loads("\n".join(line.strip() for line in block.splitlines()))["heaplint"]
    assert [new["command"], *new["args"]] == SERVER


def test_sublime_lsp_settings():
    text = "\n".join(line for line in (EDITORS / "sublime" / "LSP.sublime-settings").read_text().splitlines()
                     if not line.lstrip().startswith("//"))
    client = json.loads(text)["clients"]["heaplint"]
    assert client["command"] == SERVER and client["selector"] == "source.python" and client["enabled"]


def test_zed_extension_manifest():
    manifest = tomllib.loads((EDITORS / "zed" / "extension.toml").read_text())
    assert manifest["language_servers"]["heaplint"]["languages"] == ["Python"]
    assert tomllib.loads((EDITORS / "zed" / "Cargo.toml").read_text())["lib"]["crate-type"] == ["cdylib"]
    assert 'args: vec!["server".into()]' in (EDITORS / "zed" / "src" / "lib.rs").read_text()


def test_vscode_extension_manifest_and_syntax():
    package = json.loads((EDITORS / "vscode" / "package.json").read_text())
    assert package["main"] == "./extension.js" and (EDITORS / "vscode" / "extension.js").exists()
    assert "onLanguage:python" in package["activationEvents"]
    assert "vscode-languageclient" in package["dependencies"]
    assert package["contributes"]["configuration"]["properties"]["heaplint.path"]["default"] == "heaplint"
    source = (EDITORS / "vscode" / "extension.js").read_text()
    assert 'args: ["server"]' in source and 'language: "python"' in source
    if shutil.which("node") is None:
        pytest.skip("node is not installed: syntax not checked")
    proc = subprocess.run(["node", "--check", str(EDITORS / "vscode" / "extension.js")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_pre_commit_hooks_definition():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"heaplint", "heaplint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types_or"] == ["python", "pyi"]
        assert hook["require_serial"] is False
    assert hooks["heaplint"]["entry"] == "heaplint check"
    assert hooks["heaplint-fix"]["entry"] == "heaplint check --fix"


def workflow_heaplint_commands() -> list[str]:
    workflow = yaml.safe_load((EDITORS / "github-actions" / "heaplint.yml").read_text())
    steps = workflow["jobs"]["heaplint"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    commands = [s["run"] for s in steps if "run" in s and s["run"].startswith("heaplint ")]
    assert any(upload["with"]["sarif_file"] in c for c in commands)
    return commands


def supports_format(fmt: str) -> bool:
    proc = subprocess.run([BIN, "check", "--output-format", fmt, "--stdin-filename", "x.py", "-"],
                          input="x = 1\n", capture_output=True, text=True)
    return proc.returncode == 0


def test_github_actions_workflow_commands_run_against_the_binary(tmp_path):
    commands = workflow_heaplint_commands()
    assert {"github", "sarif"} <= {m for c in commands for m in re.findall(r"--output-format (\w+)", c)}
    missing = [f for f in ("github", "sarif") if not supports_format(f)]
    assert not missing, f"{BIN} rejects --output-format {', '.join(missing)}"
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "heaplint").symlink_to(Path(BIN).resolve())
    env = dict(os.environ, PATH=f"{shim}:{os.environ['PATH']}")
    for command in commands:
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True)
        if "--output-format github" in command:
            assert proc.returncode == 1, proc.stderr  # findings fail the step
            assert re.search(r"^::error .*HL001", proc.stdout, re.M), proc.stdout
        if "sarif" in command:
            assert proc.returncode == 0, proc.stderr  # --exit-zero: the upload step still runs
            sarif = json.loads((tmp_path / "heaplint.sarif").read_text())
            results = sarif["runs"][0]["results"]
            assert any(r["ruleId"] == "HL001" for r in results)
