//! Starts `heaplint server` (LSP over stdio) for Python buffers, using the `heaplint` on the
//! worktree's PATH (for example the one `pip install /path/to/heaplint` put in the project's virtualenv).
use zed_extension_api::{self as zed, LanguageServerId, Result};

struct HeaplintExtension;

impl zed::Extension for HeaplintExtension {
    fn new() -> Self {
        HeaplintExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree
            .which("heaplint")
            .ok_or_else(|| "heaplint is not on PATH: `pip install /path/to/heaplint` (a clone) first".to_string())?;
        Ok(zed::Command {
            command,
            args: vec!["server".into()],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(HeaplintExtension);
