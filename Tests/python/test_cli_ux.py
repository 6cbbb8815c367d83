"""What a ruff user expects of `heaplint check` (issue 27): colour, one error style, empty results.

Each test runs the built binary (HEAPLINT_BIN) as a user would, piped or on a pseudo-terminal.
"""
import json
import os
import pty
import re
import subprocess
import threading

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


# ---- empty results and conflicts ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "gitlab"])
def test_an_empty_json_result_prints_an_empty_array(tmp_path, fmt):
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = check(tmp_path, "--output-format", fmt, "ok.py")
    assert proc.returncode == 0 and proc.stdout == "[]\n", repr(proc.stdout)
    stats = check(tmp_path, "--statistics", "--output-format", "json", "ok.py")
    assert stats.stdout == "[]\n", repr(stats.stdout)


def test_statistics_as_json_lines_prints_one_object_a_line(project):
    (project / "other.py").write_text(BAD)
    proc = check(project, "--statistics", "--output-format", "json-lines", ".")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert [json.loads(line) for line in lines] == [{"code": "HL001", "count": 2, "fixable": False,
                                                     "name": "syntax-error"}]


def assert_usage_error(proc, *fragments):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.startswith("heaplint: error: "), proc.stderr
    assert "Error:" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr.splitlines()[0], proc.stderr
    assert proc.stdout == ""


def test_rule_code_and_all_conflict(tmp_path):
    proc = subprocess.run([BIN, "rule", "HL101", "--all"], capture_output=True, text=True, env=CLEAN_ENV)
    assert_usage_error(proc, "HL101", "--all")


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab", "rdjson"])
def test_statistics_is_refused_with_per_finding_formats(project, fmt):
    assert_usage_error(check(project, "--statistics", "--output-format", fmt, "bad.py"), "--statistics", fmt)


def test_isolated_and_config_conflict(project):
    (project / "heaplint.toml").write_text("")
    assert_usage_error(check(project, "--isolated", "--config", "heaplint.toml", "bad.py"), "--isolated", "--config")


@pytest.mark.parametrize("args, fragment", [
    (["check", "--bogus"], "unknown option '--bogus'"),
    (["check", "--output-format"], "missing value for '--output-format"),
    (["frob"], "unexpected argument 'frob'"),
    (["rule"], "give a rule code"),
])
def test_argument_parser_errors_share_the_style(tmp_path, args, fragment):
    proc = subprocess.run([BIN, *args], cwd=tmp_path, capture_output=True, text=True, env=CLEAN_ENV)
    assert_usage_error(proc, fragment)
    assert "Usage: heaplint" in proc.stderr  # the usage lines follow, as in ruff


# ---- fixes hidden behind --unsafe-fixes ------------------------------------------------------------

SAFE_FIX = "def total():\n    return sum([i * i for i in range(10**7)])\n"          # HL301, safe fix
UNSAFE_FIX = "def probe():\n    return any([print(r) or r for r in range(10**7)])\n"  # side effects: unsafe
HIDDEN_1 = "1 hidden fix can be enabled with the `--unsafe-fixes` option"


def test_summary_names_the_hidden_unsafe_fixes(tmp_path):
    (tmp_path / "u.py").write_text(UNSAFE_FIX)
    out = check(tmp_path, "u.py").stdout
    assert out.endswith(f"Found 1 problem.\nNo fixes available ({HIDDEN_1}).\n"), out
    (tmp_path / "v.py").write_text(UNSAFE_FIX)
    out = check(tmp_path, "u.py", "v.py").stdout
    assert "No fixes available (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n" in out


def test_summary_with_safe_and_hidden_fixes(tmp_path):
    (tmp_path / "s.py").write_text(SAFE_FIX)
    (tmp_path / "u.py").write_text(UNSAFE_FIX)
    out = check(tmp_path, "s.py", "u.py").stdout
    assert out.endswith(f"Found 2 problems.\n[*] 1 fixable with the `--fix` option ({HIDDEN_1}).\n"), out


def test_unsafe_fixes_shows_them_as_fixable(tmp_path):
    (tmp_path / "u.py").write_text(UNSAFE_FIX)
    out = check(tmp_path, "--unsafe-fixes", "u.py").stdout
    assert out.endswith("[*] 1 fixable with the `--fix` option.\n") and "hidden" not in out, out


def test_diff_without_fixes_names_the_hidden_ones(tmp_path):
    (tmp_path / "u.py").write_text(UNSAFE_FIX)
    proc = check(tmp_path, "--diff", "u.py")
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr == f"No fixes available ({HIDDEN_1}).\n", proc.stderr
    proc = check(tmp_path, "--diff", "--unsafe-fixes", "u.py")
    assert proc.returncode == 1 and "+    return any(print(r) or r" in proc.stdout
    assert proc.stderr == "Would fix 1 problem.\n"


# ---- paired flags: the last one wins -----------------------------------------------------------------

PREVIEW_ONLY = "SQUARES = [i * i for i in range(10**6)]\n"  # HL406 is a preview rule


@pytest.mark.parametrize("flags, reported", [
    (["--preview"], True), (["--preview", "--no-preview"], False), (["--no-preview", "--preview"], True),
])
def test_preview_flags_last_one_wins(tmp_path, flags, reported):
    (tmp_path / "p.py").write_text(PREVIEW_ONLY)
    proc = check(tmp_path, "--output-format", "concise", *flags, "p.py")
    assert ("HL406" in proc.stdout) == reported, proc.stdout


@pytest.mark.parametrize("flags, applied", [
    (["--fix", "--no-fix"], False), (["--no-fix", "--fix"], True),
    (["--fix", "--unsafe-fixes", "--no-unsafe-fixes"], False), (["--fix", "--no-unsafe-fixes", "--unsafe-fixes"], True),
])
def test_fix_flags_last_one_wins(tmp_path, flags, applied):
    (tmp_path / "u.py").write_text(UNSAFE_FIX if "--unsafe-fixes" in flags else SAFE_FIX)
    before = (tmp_path / "u.py").read_text()
    check(tmp_path, *flags, "u.py")
    assert ((tmp_path / "u.py").read_text() != before) == applied


# ---- version and help ----------------------------------------------------------------------------------

def test_version_forms_agree(tmp_path):
    outs = [subprocess.run([BIN, *args], capture_output=True, text=True, env=CLEAN_ENV)
            for args in (["--version"], ["-V"], ["version"])]
    assert [p.returncode for p in outs] == [0, 0, 0]
    assert outs[0].stdout.strip() and outs[1].stdout == outs[0].stdout == outs[2].stdout


def test_check_help_lists_what_a_ruff_user_reaches_for(tmp_path):
    help_text = subprocess.run([BIN, "check", "--help"], capture_output=True, text=True, env=CLEAN_ENV).stdout
    for option in ("--extend-ignore <CODES>", "--fix/--no-fix", "--preview/--no-preview",
                   "--unsafe-fixes/--no-unsafe-fixes", "--color <color>"):
        assert option in help_text, option


# ---- --diff: one hunk per region, 3 lines of context, accepted by patch and git apply ----------------

def far_apart_fixes(lines_between=2000) -> str:
    filler = "".join(f"VALUE_{i} = {i}\n" for i in range(lines_between))
    return SAFE_FIX + filler + SAFE_FIX.replace("total", "total_again")


def test_diff_prints_one_small_hunk_per_fix(tmp_path):
    (tmp_path / "far.py").write_text(far_apart_fixes())
    proc = check(tmp_path, "--diff", "far.py")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert out.startswith("--- far.py\n+++ far.py\n"), out[:200]
    headers = re.findall(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$", out, re.M)
    assert len(headers) == 2, out
    # Each hunk: the changed line and at most 3 lines of context on each side.
    assert headers[0] == ("1", "5", "1", "5"), headers
    assert headers[1] == ("2001", "4", "2001", "4"), headers
    assert len(out.splitlines()) < 20, out
    assert "VALUE_1000" not in out


def test_diff_output_applies_with_patch_and_git_apply(tmp_path):
    original = far_apart_fixes(50)
    (tmp_path / "far.py").write_text(original)
    diff = check(tmp_path, "--diff", "far.py").stdout
    # What --fix writes is what the diff must produce.
    work = tmp_path / "fixme"
    work.mkdir()
    (work / "far.py").write_text(original)
    assert check(work, "--fix", "far.py").returncode == 0
    expected = (work / "far.py").read_text()
    assert expected != original
    for tool in (["patch", "-p0", "--quiet"], ["git", "apply", "-p0", "--unsafe-paths"]):
        target = tmp_path / tool[0]
        target.mkdir()
        (target / "far.py").write_text(original)
        if tool[0] == "git":
            subprocess.run(["git", "init", "-q"], cwd=target, check=True)
        proc = subprocess.run(tool, cwd=target, input=diff, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (tool, proc.stdout, proc.stderr, diff)
        assert (target / "far.py").read_text() == expected, tool


# ---- progress and streaming (issue 27) ---------------------------------------------------------------

def on_terminal_both(cwd, *args, env=None) -> str:
    """stdout and stderr of `heaplint check` on one pseudo-terminal, as an interactive shell shows them."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([BIN, "check", "--no-cache", "--color", "never", *args], cwd=cwd, stdout=terminal,
                            stderr=terminal, env={**CLEAN_ENV, **(env or {})})
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


GC_OFF = "import gc\ngc.disable()\n"  # HL501
# A progress line from the first moment, so short test runs show it (the default waits about a second).
NOW = {"HEAPLINT_PROGRESS_DELAY": "0"}


def two_files(tmp_path):
    (tmp_path / "a.py").write_text(SAFE_FIX)
    (tmp_path / "b.py").write_text(GC_OFF)


def test_terminal_streams_findings_between_progress_updates(tmp_path):
    two_files(tmp_path)
    out = on_terminal_both(tmp_path, "--output-format", "concise", "a.py", "b.py", env=NOW)
    # The first file's findings are out before the run ends: the second file's finding follows a
    # progress update that counts one file done.
    first_update = out.index("Checking files… 1/2")
    later = out[first_update:]
    assert ("a.py:2:16: HL301" in later) != ("b.py:2:1: HL501" in later), out
    assert out.count("HL301") == 1 and out.count("HL501") == 1, out  # nothing printed twice
    # The progress line is erased (carriage return, clear line) and the run ends with the count.
    assert "\r\x1b[K" in out
    assert re.search(r"Found 2 problems\.\r\n\[\*\] 1 fixable with the `--fix` option\.\r\nChecked 2 files in \d+\.\d+ s\r\n$",
                     out), out


def test_no_stream_prints_sorted_after_the_progress(tmp_path):
    two_files(tmp_path)
    out = on_terminal_both(tmp_path, "--output-format", "concise", "--no-stream", "b.py", "a.py", env=NOW)
    assert out.index("Checking files… 2/2") < out.index("a.py:2:16: HL301") < out.index("b.py:2:1: HL501"), out


def test_short_runs_show_no_progress_line(tmp_path):
    two_files(tmp_path)
    out = on_terminal_both(tmp_path, "--output-format", "concise", "a.py", "b.py",
                           env={"HEAPLINT_PROGRESS_DELAY": "3600"})
    assert "Checking files" not in out and "Checked 2 files in" in out, out


def test_piped_output_is_sorted_and_has_no_progress_or_timing(tmp_path):
    two_files(tmp_path)
    proc = check(tmp_path, "--output-format", "concise", "b.py", "a.py", env=NOW)
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("a.py:2:16: HL301") and lines[1].startswith("b.py:2:1: HL501"), proc.stdout
    # --stream when piped: the same findings, each once, whatever order the files finish in.
    streamed = check(tmp_path, "--output-format", "concise", "--stream", "b.py", "a.py", env=NOW)
    assert sorted(streamed.stdout.splitlines()[:2]) == lines[:2]
    assert streamed.stdout.splitlines()[2:] == lines[2:]
    # Machine formats stay sorted and whole, --stream or not.
    as_json = check(tmp_path, "--output-format", "json", "--stream", "b.py", "a.py")
    assert [d["code"] for d in json.loads(as_json.stdout)] == ["HL301", "HL501"]


def test_verbose_ends_with_the_checked_line(tmp_path):
    two_files(tmp_path)
    proc = check(tmp_path, "-v", "a.py", "b.py")
    assert re.search(r"Checked 2 files in \d+\.\d+ s\n$", proc.stderr), proc.stderr
    assert "Checked" not in check(tmp_path, "-v", "-q", "a.py", "b.py").stderr


# ---- --watch: re-check on change ----------------------------------------------------------------------

def read_until(stream, marker, lines):
    """Lines from `stream` up to and including the first holding `marker` (the test's timeout guards it)."""
    while True:
        line = stream.readline()
        assert line, f"heaplint exited before printing {marker!r}: {''.join(lines)}"
        lines.append(line)
        if marker in line:
            return


def test_watch_rechecks_after_an_edit(tmp_path):
    (tmp_path / "a.py").write_text(SAFE_FIX)
    proc = subprocess.Popen([BIN, "check", "--no-cache", "--watch", "--output-format", "concise", "a.py"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=CLEAN_ENV)
    # A safety net only: if the second report never comes, the kill ends the read (and the test fails).
    watchdog = threading.Timer(120, proc.kill)
    watchdog.start()
    try:
        first: list[str] = []
        read_until(proc.stdout, "Watching for file changes.", first)
        assert any("HL301" in line for line in first) and "Found 1 problem.\n" in first, first
        (tmp_path / "a.py").write_text(SAFE_FIX + GC_OFF)
        second: list[str] = []
        read_until(proc.stdout, "Watching for file changes.", second)
        assert second[0] == "File change detected; checking again.\n", second
        assert any("HL501" in line for line in second) and "Found 2 problems.\n" in second, second
        assert re.fullmatch(r"\[\d\d:\d\d:\d\d\] Watching for file changes\.\n", second[-1]), second
        assert proc.poll() is None  # still watching
    finally:
        watchdog.cancel()
        proc.kill()
        proc.wait(timeout=60)


def test_watch_refuses_stdin_and_diff(tmp_path):
    for args in (["-"], ["--diff", "."]):
        proc = check(tmp_path, "--watch", *args)
        assert proc.returncode == 2 and proc.stderr.startswith("heaplint: error: `--watch` cannot be used with"), proc.stderr
