"""The built binary runs and reports a syntax error with its code."""
import os
import subprocess

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")


def test_syntax_error_is_reported(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f(:\n    pass\n")
    proc = subprocess.run([BIN, "check", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "HL001" in proc.stdout
