"""`heaplint check` end to end: run the built binary (HEAPLINT_BIN) on temporary projects.

Findings come from HL001 (syntax errors), HL002 (unused noqa) and HL003 (unreadable files): the meta
rules that exist whatever else has landed. `--select HL0` keeps other families out of the way.
"""
import json
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
BAD = "def f(:\n    pass\n"
GOOD = "def f():\n    return 1\n"


def run(*args, cwd, stdin=None):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, input=stdin,
                          text=not isinstance(stdin, bytes), timeout=120)


def check(tmp_path, *args, stdin=None):
    return run("check", "--no-cache", *args, cwd=tmp_path, stdin=stdin)


def as_json(proc):
    return json.loads(proc.stdout)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


# ---- exit codes ---------------------------------------------------------------------------

def test_exit_codes(project):
    assert check(project, "good.py").returncode == 0
    assert check(project, "bad.py").returncode == 1
    assert check(project, "bad.py", "--exit-zero").returncode == 0
    assert check(project, "--select", "HL999").returncode == 2
    assert check(project, "--no-such-flag").returncode == 2
    assert check(project, "--target-version", "py27").returncode == 2
    assert check(project, "--output-format", "xml").returncode == 2


def test_text_format_shows_source_line_and_caret(project):
    proc = check(project, "bad.py")
    lines = proc.stdout.splitlines()
    assert lines[0] == "bad.py:1:7: HL001 Syntax error: expected `)`"
    assert "1 | def f(:" in lines
    caret = next(l for l in lines if l.strip().endswith("^"))
    # The caret sits under column 7 (the `:`), after the `  | ` gutter.
    assert caret.index("^") == lines[lines.index("1 | def f(:")].index(":")
    assert lines[-1] == "Found 1 problem."


def test_quiet_and_silent(project):
    quiet = check(project, "bad.py", "--quiet", "--output-format", "concise")
    assert quiet.stdout.splitlines() == ["bad.py:1:7: HL001 Syntax error: expected `)`"]
    silent = check(project, "bad.py", "--silent")
    assert silent.stdout == "" and silent.returncode == 1


# ---- output formats parsed back --------------------------------------------------------------

def test_json(project):
    proc = check(project, "--output-format", "json")
    items = as_json(proc)
    assert [(i["code"], os.path.basename(i["filename"])) for i in items] == [("HL001", "bad.py")]
    item = items[0]
    assert item["location"] == {"row": 1, "column": 7}
    assert item["end_location"]["row"] == 1
    assert item["fix"] is None
    assert item["explanation"] is None
    assert item["noqa_row"] == 1
    assert item["url"].startswith("https://")
    assert os.path.isabs(item["filename"])


def test_json_columns_count_unicode_scalars(tmp_path):
    line = "f('é😀', :)"
    (tmp_path / "u.py").write_text(line + "\n", encoding="utf-8")
    item = as_json(check(tmp_path, "u.py", "--output-format", "json"))[0]
    assert item["location"] == {"row": 1, "column": line.index(":") + 1}  # code points, 1-based


def test_json_lines(project):
    (project / "bad2.py").write_text("x = (\n")
    proc = check(project, "--output-format", "json-lines")
    objects = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [os.path.basename(o["filename"]) for o in objects] == ["bad.py", "bad2.py"]
    assert all(o["code"] == "HL001" for o in objects)


def test_sarif(project):
    log = as_json(check(project, "--output-format", "sarif"))
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "heaplint"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert "HL001" in rule_ids and len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["helpUri"] and rule["help"]["markdown"]
    [result] = run_["results"]
    assert result["ruleId"] == "HL001"
    assert driver["rules"][result["ruleIndex"]]["id"] == "HL001"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "bad.py"
    assert location["region"]["startLine"] == 1 and location["region"]["startColumn"] == 7


def test_github(project):
    proc = check(project, "--output-format", "github")
    [line] = proc.stdout.splitlines()
    assert line.startswith("::error ")
    props, message = line[len("::error "):].split("::", 1)
    fields = dict(kv.split("=", 1) for kv in props.split(","))
    assert fields["file"] == "bad.py" and fields["line"] == "1" and fields["col"] == "7"
    assert "HL001" in fields["title"] and "HL001" in message


def test_junit(project):
    proc = check(project, "--output-format", "junit")
    root = ET.fromstring(proc.stdout)
    assert root.tag == "testsuites" and root.get("failures") == "1"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "bad.py"
    [case] = suite.findall("testcase")
    assert case.find("failure") is not None and "HL001" in case.get("name")


def test_junit_escapes_and_clean_run(tmp_path):
    (tmp_path / "amp.py").write_text("x = (1 & <\n")
    root = ET.fromstring(check(tmp_path, "--output-format", "junit").stdout)  # must parse
    assert root.findall(".//failure")
    (tmp_path / "amp.py").write_text(GOOD)
    root = ET.fromstring(check(tmp_path, "--output-format", "junit").stdout)
    assert root.get("failures") == "0"


def test_statistics(project):
    (project / "bad2.py").write_text("x = (\n")
    proc = check(project, "--statistics")
    assert proc.stdout.splitlines()[0].split("\t")[:2] == ["2", "HL001"]
    stats = as_json(check(project, "--statistics", "--output-format", "json"))
    assert stats == [{"code": "HL001", "name": "syntax-error", "count": 2, "fixable": False}]


# ---- selection and configuration precedence ----------------------------------------------------

def test_select_and_ignore_flags(project):
    assert check(project, "--ignore", "HL001").returncode == 0
    assert check(project, "--select", "HL0", "--ignore", "HL001").returncode == 0
    assert check(project, "--select", "HL001").returncode == 1
    assert check(project, "--select", "hl0").returncode == 1  # case-insensitive selectors


def test_pyproject_is_found_walking_up(project):
    (project / "pyproject.toml").write_text('[tool.heaplint]\nignore = ["HL001"]\n')
    sub = project / "pkg" / "inner"
    sub.mkdir(parents=True)
    (sub / "x.py").write_text(BAD)
    assert check(sub, ".").returncode == 0
    assert check(project, "pkg").returncode == 0


def test_pyproject_without_our_table_does_not_stop_the_walk(project):
    (project / "heaplint.toml").write_text('ignore = ["HL001"]\n')
    sub = project / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[tool.black]\nline-length = 100\n')
    (sub / "x.py").write_text(BAD)
    assert check(sub, ".").returncode == 0


def test_precedence_cli_over_config_over_discovered(project):
    (project / "pyproject.toml").write_text('[tool.heaplint]\nignore = ["HL001"]\n')
    (project / "other.toml").write_text('select = ["HL003"]\n')
    # discovered pyproject: HL001 ignored
    assert check(project).returncode == 0
    # --isolated: defaults, HL001 reported
    assert check(project, "--isolated").returncode == 1
    # --config replaces discovery: only HL003 selected
    assert check(project, "--config", "other.toml").returncode == 0
    # a CLI --select starts over, above the file's ignore
    assert check(project, "--select", "HL001").returncode == 1
    # --extend-select adds to the configured selection but the configured ignore still holds
    assert check(project, "--extend-select", "HL002").returncode == 0


def test_config_errors_name_file_and_key(project):
    (project / "pyproject.toml").write_text('[tool.heaplint]\nselekt = ["HL1"]\n')
    proc = check(project)
    assert proc.returncode == 2
    assert "pyproject.toml" in proc.stderr and "selekt" in proc.stderr
    (project / "pyproject.toml").write_text('[tool.heaplint]\nselect = ["HL999"]\n')
    proc = check(project)
    assert proc.returncode == 2 and "HL999" in proc.stderr
    (project / "pyproject.toml").write_text('[tool.heaplint]\nlarge-threshold = "big"\n')
    proc = check(project)
    assert proc.returncode == 2 and "large-threshold" in proc.stderr
    (project / "pyproject.toml").write_text('[tool.heaplint\n')
    assert check(project).returncode == 2
    assert check(project, "--config", "missing.toml").returncode == 2


def test_per_file_ignores(project):
    (project / "tests").mkdir()
    (project / "tests" / "t.py").write_text(BAD)
    (project / "pyproject.toml").write_text('[tool.heaplint.per-file-ignores]\n"tests/*.py" = ["HL001"]\n')
    files = {os.path.basename(i["filename"]) for i in as_json(check(project, "--output-format", "json"))}
    assert files == {"bad.py"}


def test_output_format_from_config(project):
    (project / "heaplint.toml").write_text('output-format = "json"\n')
    assert as_json(check(project))[0]["code"] == "HL001"


# ---- suppression ---------------------------------------------------------------------------------

def test_noqa_with_code_and_blanket(tmp_path):
    (tmp_path / "a.py").write_text("def f(:  # noqa: HL001\n    pass\n")
    (tmp_path / "b.py").write_text("def f(:  # NOQA\n    pass\n")
    (tmp_path / "c.py").write_text("def f(:  # noqa: HL101\n    pass\n")
    codes = [(os.path.basename(i["filename"]), i["code"]) for i in as_json(check(tmp_path, "--output-format", "json"))]
    assert codes == [("c.py", "HL001")]


def test_noqa_in_string_does_not_suppress(tmp_path):
    (tmp_path / "a.py").write_text('s = """\n# heaplint: noqa\n"""\ndef f(:\n    pass\n')
    assert check(tmp_path).returncode == 1


def test_file_level_noqa(tmp_path):
    (tmp_path / "a.py").write_text("# heaplint: noqa\ndef f(:\n    pass\n")
    (tmp_path / "b.py").write_text("# heaplint: noqa: HL101\ndef f(:\n    pass\n")
    items = as_json(check(tmp_path, "--output-format", "json"))
    assert [os.path.basename(i["filename"]) for i in items] == ["b.py"]


def test_hl002_only_when_selected_and_fixable(tmp_path):
    target = tmp_path / "a.py"
    target.write_text("x = 1  # noqa: HL001, E501\ny = 2  # noqa\n")
    assert check(tmp_path).returncode == 0  # HL002 is opt-in
    items = as_json(check(tmp_path, "--extend-select", "HL002", "--output-format", "json"))
    assert [(i["code"], i["location"]["row"]) for i in items] == [("HL002", 1), ("HL002", 2)]
    assert items[0]["fix"]["applicability"] == "safe"
    assert "HL001" in items[0]["message"]
    proc = check(tmp_path, "--extend-select", "HL002", "--fix")
    assert proc.returncode == 0
    assert target.read_text() == "x = 1  # noqa: E501\ny = 2\n"


def test_diff_does_not_write(tmp_path):
    target = tmp_path / "a.py"
    original = "x = 1  # noqa: HL001\n"
    target.write_text(original)
    proc = check(tmp_path, "--extend-select", "HL002", "--diff")
    assert proc.returncode == 1
    assert "-x = 1  # noqa: HL001" in proc.stdout and "+x = 1" in proc.stdout
    assert target.read_text() == original


def test_fix_keeps_bom_and_other_bytes(tmp_path):
    target = tmp_path / "a.py"
    body = "\ufeffs = 'ünïcode'\r\nx = 1  # noqa: HL001\r\nz = 3\r\n"
    target.write_bytes(body.encode("utf-8"))
    check(tmp_path, "--extend-select", "HL002", "--fix")
    assert target.read_bytes() == "\ufeffs = 'ünïcode'\r\nx = 1\r\nz = 3\r\n".encode("utf-8")


# ---- stdin ---------------------------------------------------------------------------------------

def test_stdin(tmp_path):
    proc = check(tmp_path, "-", "--stdin-filename", "pkg/mod.py", "--output-format", "json", stdin=BAD)
    [item] = as_json(proc)
    assert item["code"] == "HL001" and item["filename"].endswith("pkg/mod.py")
    assert check(tmp_path, "-", stdin=GOOD).returncode == 0


def test_stdin_fix_prints_fixed_source(tmp_path):
    proc = check(tmp_path, "-", "--extend-select", "HL002", "--fix", stdin="x = 1  # noqa: HL001\n")
    assert proc.stdout == "x = 1\n"


# ---- robustness ----------------------------------------------------------------------------------

def test_syntax_error_file_does_not_stop_other_files(tmp_path):
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text("x = (\n")
    (tmp_path / "c.py").write_text("def g(\n")
    items = as_json(check(tmp_path, "--output-format", "json"))
    assert sorted({os.path.basename(i["filename"]) for i in items}) == ["a.py", "b.py", "c.py"]


def test_syntax_error_later_in_file_keeps_analysing(tmp_path):
    (tmp_path / "a.py").write_text("def f(:\n    pass\n\nx = 1\n\ndef g(:\n    pass\n")
    rows = [i["location"]["row"] for i in as_json(check(tmp_path, "--output-format", "json"))]
    assert rows == [1, 6]


def test_bad_files_are_hl003_and_run_continues(tmp_path):
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "binary.py").write_bytes(b"\x7fELF\x00\x00\x01")
    (tmp_path / "dir.py").mkdir()
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "bad.py").write_text(BAD)
    paths = ["latin.py", "binary.py", "dir.py", "dangling.py", "bad.py"]
    proc = check(tmp_path, *paths, "--output-format", "json")
    assert proc.returncode == 1
    found = {os.path.basename(i["filename"]): (i["code"], i["message"]) for i in as_json(proc)}
    assert found["bad.py"][0] == "HL001"
    assert found["latin.py"][0] == "HL003" and "UTF-8" in found["latin.py"][1]
    assert found["binary.py"][0] == "HL003" and "NUL" in found["binary.py"][1]
    assert found["dir.py"][0] == "HL003" and "directory" in found["dir.py"][1]
    assert found["dangling.py"][0] == "HL003"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read mode-000 files; dangling symlinks cover unreadability")
def test_permission_denied(tmp_path):
    target = tmp_path / "secret.py"
    target.write_text(GOOD)
    target.chmod(0)
    [item] = as_json(check(tmp_path, "secret.py", "--output-format", "json"))
    assert item["code"] == "HL003"


def test_coding_cookie_is_honoured(tmp_path):
    (tmp_path / "a.py").write_bytes(b"# -*- coding: latin-1 -*-\nf('\xe9', :)\n")
    [item] = as_json(check(tmp_path, "--output-format", "json"))
    assert item["code"] == "HL001"
    assert item["location"] == {"row": 2, "column": len("f('é', ") + 1}


def test_bom_does_not_shift_columns(tmp_path):
    (tmp_path / "a.py").write_bytes(b"\xef\xbb\xbfdef f(:\n")
    [item] = as_json(check(tmp_path, "--output-format", "json"))
    assert item["location"] == {"row": 1, "column": 7}


def test_deep_nesting(tmp_path):
    depth = 10_000
    (tmp_path / "deep.py").write_text("x = " + "[" * depth + "]" * depth + "\n")
    (tmp_path / "deep_bad.py").write_text("x = " + "(" * depth + "\n")
    (tmp_path / "deep_ok.py").write_text("x = " + "[" * 200 + "]" * 200 + "\n")
    proc = check(tmp_path, "--output-format", "json")
    assert proc.returncode == 1, proc.stderr
    # CPython refuses more than 200 nested brackets ("too many nested parentheses"), and so does heaplint
    found = {os.path.basename(i["filename"]): i["message"] for i in as_json(proc)}
    assert set(found) == {"deep.py", "deep_bad.py"}
    assert "too many nested parentheses" in found["deep.py"]


def test_discovery_skips_virtualenvs_and_caches(tmp_path):
    for d in [".git", "venv", "__pycache__", "build", "node_modules", "myenv", "pkg"]:
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.py").write_text(BAD)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "pkg" / "stub.pyi").write_text(BAD)
    (tmp_path / "pkg" / "notes.txt").write_text(BAD)
    proc = check(tmp_path, "--show-files")
    files = sorted(os.path.relpath(p, tmp_path) for p in proc.stdout.splitlines())
    assert files == ["pkg/stub.pyi", "pkg/x.py"]


def test_exclude_and_explicit_files(tmp_path):
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "g.py").write_text(BAD)
    (tmp_path / "heaplint.toml").write_text('extend-exclude = ["gen"]\n')
    assert check(tmp_path).returncode == 0
    assert check(tmp_path, "gen/g.py").returncode == 1  # named files are always checked
    assert check(tmp_path, "gen/g.py", "--force-exclude").returncode == 0


def test_named_directory_inside_default_excludes_is_checked(tmp_path):
    """`heaplint check venv/lib/python3.11/site-packages/django`: excludes apply to what discovery
    finds below a named directory, not to the path the user named (as in ruff), unless --force-exclude."""
    django = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "django"
    (django / "sub").mkdir(parents=True)
    (django / "__pycache__").mkdir()
    (django / "a.py").write_text(BAD)
    (django / "sub" / "b.py").write_text(BAD)
    (django / "__pycache__" / "c.py").write_text(BAD)  # still excluded: found by the walk
    named = "venv/lib/python3.11/site-packages/django"
    proc = check(tmp_path, "--isolated", "--output-format", "json", named)
    assert proc.returncode == 1
    assert sorted(os.path.relpath(i["filename"], django) for i in as_json(proc)) == ["a.py", "sub/b.py"]
    assert check(tmp_path, "--isolated").returncode == 0  # discovery from the root still skips the venv
    forced = check(tmp_path, "--isolated", "--force-exclude", named)
    assert forced.returncode == 0
    assert "matches the excludes" in forced.stderr and named in forced.stderr


def test_empty_cache_dir_is_a_usage_error(tmp_path):
    (tmp_path / "good.py").write_text(GOOD)
    proc = run("check", "--cache-dir", "", ".", cwd=tmp_path)
    assert proc.returncode == 2 and "--cache-dir" in proc.stderr
    assert sorted(os.listdir(tmp_path)) == ["good.py"]  # no 0.1.0/ or .gitignore written


def test_symlink_loop_does_not_hang(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path)
    (tmp_path / "pkg" / "a.py").write_text(BAD)
    proc = check(tmp_path, "--output-format", "json")
    assert [os.path.basename(i["filename"]) for i in as_json(proc)] == ["a.py"]


def test_output_is_sorted_and_stable(tmp_path):
    for name in ["z.py", "a.py", "m.py"]:
        (tmp_path / name).write_text("x = 1\ndef f(:\ndef g(:\n")
    first = check(tmp_path, "--output-format", "concise", "--quiet").stdout
    assert first == check(tmp_path, "--output-format", "concise", "--quiet").stdout
    keys = [(l.split(":")[0], int(l.split(":")[1])) for l in first.splitlines()]
    assert keys == sorted(keys) and len(keys) == 6


# ---- cache ---------------------------------------------------------------------------------------

def test_cache_hit_gives_same_output_and_corrupt_cache_is_ignored(project):
    def cached(*extra):
        return run("check", "--output-format", "json", *extra, cwd=project)
    first = cached()
    cache_dir = project / ".heaplint_cache"
    assert cache_dir.is_dir()
    second = cached()
    assert second.stdout == first.stdout and second.returncode == first.returncode == 1
    # an edit invalidates the entry
    (project / "good.py").write_text(BAD)
    third = as_json(cached())
    assert {os.path.basename(i["filename"]) for i in third} == {"bad.py", "good.py"}
    # a corrupt cache file is ignored
    for root, _, names in os.walk(cache_dir):
        for name in names:
            if name.endswith(".json"):
                with open(os.path.join(root, name), "wb") as f:
                    f.write(b"\x00garbage{")
    assert as_json(cached()) == third
    # an unusable cache directory (a file in its place) is not fatal
    import shutil
    shutil.rmtree(cache_dir)
    cache_dir.write_text("not a directory")
    assert as_json(cached()) == third


def test_version():
    proc = subprocess.run([BIN, "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip()


def test_sarif_absolute_paths_are_file_uris(project):
    log = as_json(check(project, str(project / "bad.py"), "--output-format", "sarif"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "file://" + str(project / "bad.py")


def test_stdin_filename_alone_reads_stdin(tmp_path):
    proc = check(tmp_path, "--stdin-filename", "m.py", "--output-format", "concise", stdin=BAD)
    assert proc.stdout.startswith("m.py:1:7: HL001")


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="needs Linux /proc")
def test_read_error_is_hl003(tmp_path):
    # Tests run as root, so mode 000 does not make a file unreadable. A link to /proc/self/mem is a
    # regular file whose read() fails with EIO: a real read error on the path heaplint opens.
    (tmp_path / "mem.py").symlink_to("/proc/self/mem")
    (tmp_path / "bad.py").write_text(BAD)
    found = {os.path.basename(i["filename"]): i for i in as_json(check(tmp_path, "--output-format", "json"))}
    assert found["mem.py"]["code"] == "HL003" and "read" in found["mem.py"]["message"]
    assert found["bad.py"]["code"] == "HL001"


def test_fifo_does_not_block(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    [item] = as_json(check(tmp_path, "pipe.py", "--output-format", "json"))
    assert item["code"] == "HL003" and "regular file" in item["message"]


def test_output_file(project):
    proc = check(project, "--output-format", "sarif", "-o", "report.sarif")
    assert proc.returncode == 1 and proc.stdout == ""
    log = json.loads((project / "report.sarif").read_text())
    assert log["runs"][0]["results"][0]["ruleId"] == "HL001"


# ---- long path lists (pre-commit passes thousands) ------------------------------------------

VALUE_OPTIONS = {  # each value-taking option of `check`, with a value it accepts
    "--output-format": "json", "--select": "HL0", "--ignore": "HL002", "--extend-select": "HL001",
    "--extend-ignore": "HL002", "--exclude": "nothing_here", "--extend-exclude": "nothing_here",
    "--target-version": "py312", "--large-threshold": "5", "--config": "heaplint.toml",
    "--cache-dir": "cache", "--output-file": "report.json", "--stdin-filename": "x.py", "--color": "never",
    "--parse-timeout": "30", "--fixable": "HL3", "--unfixable": "HL301", "--extend-fixable": "HL302",
    "--per-file-ignores": "nothing_here/*:HL101", "--extend-per-file-ignores": "nothing_here/*:HL102",
}


def test_every_value_option_is_known_to_the_path_splitter(tmp_path):
    # The long-path-list parse (Check.separatingOperands) must know every option that takes a value.
    help_text = run("check", "--help-hidden", cwd=tmp_path).stdout
    listed = {line.split()[-2].rstrip(",") if line.strip().startswith("-o,") else line.split()[0]
              for line in help_text.splitlines() if line.startswith("  -") and "<" in line}
    listed = {name if name.startswith("--") else "--output-file" for name in listed}
    assert listed == set(VALUE_OPTIONS), listed ^ set(VALUE_OPTIONS)


def test_long_path_lists_parse_like_short_ones(tmp_path):
    # 300 files, options before, between and after the paths: the same report as the same options
    # with the paths given as their directory, and no option value taken for a path.
    (tmp_path / "src").mkdir()
    names = []
    for i in range(300):
        name = f"src/m{i:03}.py"
        (tmp_path / name).write_text(BAD if i % 50 == 0 else GOOD)
        names.append(name)
    (tmp_path / "heaplint.toml").write_text("")
    for option, value in VALUE_OPTIONS.items():
        if option in ("--stdin-filename", "--output-file", "--output-format"):
            continue
        args = ["--output-format", "json", option, value, *names[:150], "--isolated", *names[150:]]
        if option == "--config":
            args.remove("--isolated")
        many = check(tmp_path, *args)
        few = check(tmp_path, "--output-format", "json", option, value, "--isolated", "src") if option != "--config" \
            else check(tmp_path, "--output-format", "json", option, value, "src")
        assert many.returncode == few.returncode == 1, (option, many.stderr)
        assert sorted(d["filename"] for d in as_json(many)) == sorted(d["filename"] for d in as_json(few)), option
    out = check(tmp_path, "-o", "report.json", "--output-format", "json", *names)
    assert out.returncode == 1 and out.stdout == ""
    assert len(json.loads((tmp_path / "report.json").read_text())) == 6
    # `--` ends the options: a file named like an option is a path.
    (tmp_path / "--weird.py").write_text(BAD)
    weird = check(tmp_path, "--select", "HL001", "--output-format", "json", "--", *names, "--weird.py")
    found = {os.path.relpath(d["filename"], tmp_path) for d in as_json(weird)}
    assert found == {f"src/m{i:03}.py" for i in range(0, 300, 50)} | {"--weird.py"}
    # A missing option value is still a usage error.
    assert check(tmp_path, *names, "--select").returncode == 2
