"""What a ruff user expects of `heaplint check` (issue 27): colour, one error style, empty results.

Each test runs the built binary (HEAPLINT_BIN) as a user would, piped or on a pseudo-terminal.
"""
import json
import os
import pty
import re
import subprocess

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
BAD = "def f(:\n    pass\n"
ESC = "\x1b["
# The caller's NO_COLOR / FORCE_COLOR must not decide these tests.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}


def check(cwd, *args, env=None):
    return subprocess.run([BIN, "check", "--no-cache", *args], cwd=cwd, capture_output=True, text=True,
                          env={**CLEAN_ENV, **(env or {})}, timeout=120)


def on_terminal(cwd, *args, env=None) -> str:
    """stdout of `heaplint check` run on a pseudo-terminal, as in an interactive shell."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([BIN, "check", "--no-cache", *args], cwd=cwd, stdout=terminal,
                            stderr=subprocess.DEVNULL, env={**CLEAN_ENV, **(env or {})})
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=120)
    os.close(controller)
    return b"".join(chunks).decode()


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    return tmp_path


# ---- colour ---------------------------------------------------------------------------------

def test_piped_output_has_no_escape_codes_by_default(project):
    proc = check(project, "bad.py")
    assert proc.returncode == 1 and "HL001" in proc.stdout
    assert ESC not in proc.stdout + proc.stderr


def test_color_always_colours_location_code_and_carets_as_ruff(project):
    out = check(project, "--color", "always", "bad.py").stdout
    assert out.startswith("\x1b[1mbad.py\x1b[0m\x1b[36m:\x1b[0m1\x1b[36m:\x1b[0m7\x1b[36m:\x1b[0m "
                          "\x1b[1;31mHL001\x1b[0m Syntax error"), out
    assert "\x1b[1;94m1 |\x1b[0m def f(:" in out
    assert "\x1b[1;31m^\x1b[0m" in out
    # Without the codes, the text is exactly the plain rendering.
    plain = check(project, "bad.py").stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", out) == plain


def test_concise_is_coloured_too(project):
    out = check(project, "--color", "always", "--output-format", "concise", "bad.py").stdout
    assert "\x1b[1;31mHL001\x1b[0m" in out


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif", "github", "junit", "gitlab", "rdjson"])
def test_machine_formats_never_carry_colour(project, fmt):
    proc = check(project, "--color", "always", "--output-format", fmt, "bad.py", env={"FORCE_COLOR": "1"})
    assert proc.stdout and ESC not in proc.stdout


def test_auto_colours_on_a_terminal(project):
    assert "\x1b[1;31mHL001\x1b[0m" in on_terminal(project, "bad.py")


def test_no_color_turns_colour_off_on_a_terminal(project):
    out = on_terminal(project, "bad.py", env={"NO_COLOR": "1"})
    assert "HL001" in out and ESC not in out


def test_empty_no_color_is_ignored(project):
    assert ESC in on_terminal(project, "bad.py", env={"NO_COLOR": ""})


def test_force_color_colours_piped_output(project):
    assert "\x1b[1;31mHL001" in check(project, "bad.py", env={"FORCE_COLOR": "1"}).stdout
    assert ESC not in check(project, "bad.py", env={"FORCE_COLOR": ""}).stdout


def test_the_flag_beats_the_environment(project):
    assert ESC not in check(project, "--color", "never", "bad.py", env={"FORCE_COLOR": "1"}).stdout
    assert ESC in check(project, "--color", "always", "bad.py", env={"NO_COLOR": "1"}).stdout
    assert ESC not in on_terminal(project, "--color", "never", "bad.py")


def test_output_file_is_not_a_terminal(project):
    out = on_terminal(project, "-o", "report.txt", "bad.py")
    report = (project / "report.txt").read_text()
    assert "HL001" in report and ESC not in report, out


def test_bad_color_value_is_a_usage_error(project):
    proc = check(project, "--color", "sometimes", "bad.py")
    assert proc.returncode == 2 and "sometimes" in proc.stderr
