"""editors/emacs: heaplint.el registers `heaplint server` with Eglot; Emacs in batch mode shows its
diagnostics through Flymake (issue 7). Debian emacs-nox 28 + elpa-eglot 1.9 (make editor-test-debs).

Per /work/shared/editor-testing.md: `eglot-ensure` never connects in --batch, so the test calls
`(apply #'eglot (eglot--guess-contact))` after `(python-mode)`, which still goes through the
`eglot-server-programs` entry heaplint.el adds, and polls `flymake-diagnostics`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path


from required_tools import skip_unless

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("HEAPLINT_BIN", str(ROOT / ".build" / "debug" / "heaplint"))
EDITORS_EMACS = ROOT / "editors" / "emacs"


def emacs_with_eglot() -> bool:
    if shutil.which("emacs") is None:
        return False
    proc = subprocess.run(["emacs", "--batch", "--eval", "(require 'eglot)"], capture_output=True, timeout=60)
    return proc.returncode == 0


def server_available() -> bool:
    try:
        proc = subprocess.run([BIN, "server", "--help"], capture_output=True, text=True, timeout=30)
    except OSError:
        return False
    # Without the subcommand, the parser answers --help for the root command (exit 0), so read the usage.
    return proc.returncode == 0 and "USAGE: heaplint server" in proc.stdout


pytestmark = skip_unless(emacs_with_eglot(), "emacs with eglot is not installed (make editor-test-debs)")


def elisp_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Emacs Lisp string literal for these paths


def run_emacs(tmp_path: Path, source: str) -> list[dict]:
    target = tmp_path / "target.py"
    target.write_text(source)
    out = tmp_path / "diagnostics.json"
    script = tmp_path / "probe.el"
    script.write_text(f"""
(add-to-list 'load-path {elisp_string(str(EDITORS_EMACS))})
(require 'eglot)
(require 'heaplint)
(require 'json)
(setq heaplint-executable {elisp_string(BIN)})
(find-file {elisp_string(str(target))})
(python-mode)
(apply #'eglot (eglot--guess-contact))
(let ((deadline (+ (float-time) 30)) diags)
  (while (and (null (setq diags (flymake-diagnostics))) (< (float-time) deadline))
    (accept-process-output nil 0.2))
  ;; Lines are counted here, in the Python buffer, before the output buffer becomes current.
  (let ((rows (vconcat
               (mapcar (lambda (d)
                         (list (cons 'text (flymake-diagnostic-text d))
                               (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))
                               (cons 'type (symbol-name (flymake-diagnostic-type d)))))
                       diags))))
    (with-temp-file {elisp_string(str(out))}
      (insert (json-encode rows)))))
(kill-emacs 0)
""")
    proc = subprocess.run(["emacs", "--batch", "-l", str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert out.exists(), f"emacs wrote nothing (rc {proc.returncode}): {proc.stdout}{proc.stderr}"
    return json.loads(out.read_text())


def test_heaplint_el_registers_the_server_for_python_modes(tmp_path):
    out = tmp_path / "contact.json"
    script = tmp_path / "contact.el"
    script.write_text(f"""
(add-to-list 'load-path {elisp_string(str(EDITORS_EMACS))})
(require 'eglot)
(require 'heaplint)
(require 'json)
(let* ((entry (seq-find (lambda (e) (and (listp (car e)) (memq 'python-mode (car e)))) eglot-server-programs))
       (contact (cdr entry)))
  (with-temp-file {elisp_string(str(out))}
    (insert (json-encode (list (cons 'modes (vconcat (mapcar #'symbol-name (car entry))))
                               (cons 'command (vconcat (funcall contact nil))))))))
(kill-emacs 0)
""")
    proc = subprocess.run(["emacs", "--batch", "-l", str(script)], capture_output=True, text=True, timeout=60)
    assert out.exists(), proc.stderr
    result = json.loads(out.read_text())
    assert "python-mode" in result["modes"]
    assert result["command"] == ["heaplint", "server"]


def test_flymake_shows_the_heaplint_code_from_the_server(tmp_path):
    assert server_available(), f"`{BIN} server --help` does not show the server's usage"
    diagnostics = run_emacs(tmp_path, "def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    assert diagnostics, "no Flymake diagnostics arrived within 30 s"
    syntax = [d for d in diagnostics if "HL001" in d["text"]]
    assert syntax, diagnostics
    assert syntax[0]["line"] == 4 and syntax[0]["type"] == "eglot-error"
