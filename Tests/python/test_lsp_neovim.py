"""Neovim (Debian's 0.7) with the init.lua snippet of editors/neovim/README.md, headless: opening a file with a
problem puts the heaplint diagnostic into vim.diagnostic.get()."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path


from required_tools import skip_unless

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
REPO = Path(__file__).resolve().parents[2]
README = REPO / "editors" / "neovim" / "README.md"
NVIM = shutil.which("nvim")

pytestmark = skip_unless(NVIM is not None, "nvim is not installed (make editors-deps)")

PROBE = r"""
%(snippet)s
vim.cmd("edit " .. vim.fn.fnameescape(%(file)s))
vim.cmd("setfiletype python")
local out = %(out)s
local deadline = vim.loop.now() + 15000
local timer = vim.loop.new_timer()
timer:start(50, 50, vim.schedule_wrap(function()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(found, { code = d.code, source = d.source, lnum = d.lnum, col = d.col, message = d.message })
  end
  local done = false
  for _, d in ipairs(found) do if d.code == %(code)s then done = true end end
  if done or vim.loop.now() > deadline then
    timer:stop()
    local f = io.open(out, "w")
    f:write(vim.fn.json_encode({ diagnostics = found, clients = #vim.lsp.get_active_clients() }))
    f:close()
    vim.cmd("qa!")
  end
end))
"""


def lua_string(s):
    return json.dumps(str(s))


def readme_snippet():
    """The README's init.lua block as a user pastes it, with the clone's path in place of /path/to/heaplint."""
    (block,) = re.findall(r"```lua\n(.*?)```", README.read_text(), flags=re.S)
    assert "/path/to/heaplint" in block and 'require("heaplint")' in block, block
    return block.replace("/path/to/heaplint", str(REPO))


def run_nvim(tmp_path, source, code):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    target = tmp_path / "demo.py"
    target.write_text(source)
    out = tmp_path / "result.json"
    probe = tmp_path / "probe.lua"
    probe.write_text(PROBE % {"snippet": readme_snippet(), "file": lua_string(target),
                              "out": lua_string(out), "code": lua_string(code)})
    # The snippet starts `heaplint` from PATH, as after `pip install`: put the binary under test there.
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "heaplint").symlink_to(BIN)
    env = dict(os.environ, PATH=f"{shim}:{os.environ['PATH']}")
    proc = subprocess.run([NVIM, "--headless", "-u", "NONE", "-c", f"luafile {probe}"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert "module 'heaplint' not found" not in proc.stdout + proc.stderr, proc.stderr
    assert out.exists(), "nvim wrote no result"
    return json.loads(out.read_text())


def test_neovim_shows_the_heaplint_diagnostic(tmp_path):
    result = run_nvim(tmp_path, "x = 1\ndef f(:\n    pass\n", "HL001")
    assert result["clients"] == 1
    hits = [d for d in result["diagnostics"] if d["code"] == "HL001"]
    assert len(hits) == 1, result
    assert hits[0]["source"] == "heaplint"
    assert hits[0]["lnum"] == 1


def test_neovim_shows_a_cycle(tmp_path):
    proc = subprocess.run([BIN, "rule", "HL101", "--output-format", "json"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    example = next(e for e in json.loads(proc.stdout)["examples"] if e["triggering"])
    result = run_nvim(tmp_path, example["source"], "HL101")
    assert [d for d in result["diagnostics"] if d["code"] == "HL101"], result
