-- heaplint for Neovim: diagnostics, hover and code actions from `heaplint server` (LSP over stdio).
-- Works with Neovim 0.7 (Debian bookworm) and later. Usage, in init.lua, with editors/neovim on 'runtimepath'
-- (Neovim's `require` looks in lua/ under each runtimepath entry, hence this file's place):
--
--   vim.opt.runtimepath:append("/path/to/heaplint/editors/neovim")
--   require("heaplint").setup({ cmd = { "heaplint", "server" }, settings = { ignore = { "HL3" } } })
--
-- or, without putting this file on 'runtimepath':  dofile("/path/to/editors/neovim/lua/heaplint.lua").setup()
local M = {}

local defaults = {
  cmd = { "heaplint", "server" },
  -- Sent as initializationOptions and with workspace/didChangeConfiguration:
  -- select, extendSelect, ignore (lists of rule codes or prefixes), targetVersion ("py311").
  settings = {},
  -- Files whose directory marks the workspace root.
  root_markers = { "pyproject.toml", "setup.cfg", "setup.py", ".git" },
}

local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then break end
    dir = parent
  end
  return vim.fn.fnamemodify(path, ":p:h")
end

-- One client per workspace root, shared by the buffers under it.
local clients = {}

--- Starts (or reuses) the heaplint client for `bufnr` and attaches it. Returns the client id.
function M.attach(bufnr, opts)
  opts = vim.tbl_deep_extend("force", defaults, M.options or {}, opts or {})
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local root = find_root(vim.api.nvim_buf_get_name(bufnr), opts.root_markers)
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client({
      name = "heaplint",
      cmd = opts.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
      init_options = opts.settings,
      settings = { heaplint = opts.settings },
      on_init = function(client)
        client.notify("workspace/didChangeConfiguration", { settings = { heaplint = opts.settings } })
      end,
    })
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(opts)
  M.options = opts or {}
  local group = vim.api.nvim_create_augroup("heaplint", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "python",
    callback = function(args) M.attach(args.buf) end,
  })
  return M
end

return M
