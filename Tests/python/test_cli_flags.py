"""Options a ruff user reaches for (issue 27), driven through the real binary: `--fixable`/`--unfixable`/
`--extend-fixable` and their config keys, `--show-fixes`, `--per-file-ignores`/`--extend-per-file-ignores`,
`--config KEY=VALUE`. The HEAPLINT_* variables are dropped from the environment so that the values read
are the ones each test sets."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
README = Path(__file__).resolve().parents[2] / "README.md"
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("HEAPLINT_")}

# HL301 (sum of a list comprehension) and HL302 (`readlines()` looped over): each comes with a safe fix.
TWO_FIXES = """N = 10**7


def total():
    return sum([i * i for i in range(N)])


def lines(path):
    with open(path) as fh:
        for line in fh.readlines():
            print(line)
"""


def check(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, "check", "--no-cache", *args], cwd=cwd, capture_output=True, text=True,
                          env={**CLEAN_ENV, **(env or {})}, timeout=120)


def fixable_codes(cwd: Path, *args: str) -> dict[str, bool]:
    """Each finding's code and whether the JSON output offers its fix."""
    proc = check(cwd, "--output-format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return {item["code"]: item["fix"] is not None for item in json.loads(proc.stdout)}


def project(tmp_path: Path, config: str = "") -> Path:
    (tmp_path / "m.py").write_text(TWO_FIXES)
    (tmp_path / "heaplint.toml").write_text(config)
    return tmp_path


# ---- --fixable / --unfixable / --extend-fixable ---------------------------------------------------------

def test_every_fix_is_offered_by_default(tmp_path):
    assert fixable_codes(project(tmp_path)) == {"HL301": True, "HL302": True}


def test_unfixable_findings_are_reported_without_a_fix(tmp_path):
    root = project(tmp_path)
    assert fixable_codes(root, "--unfixable", "HL301") == {"HL301": False, "HL302": True}
    text = check(root, "--unfixable", "HL301", "--output-format", "concise").stdout
    assert "HL301 [*]" not in text and "HL301 " in text and "HL302 [*]" in text
    assert "[*] 1 fixable with the `--fix` option." in text


def test_fix_applies_only_the_fixable_rules(tmp_path):
    root = project(tmp_path)
    proc = check(root, "--fix", "--fixable", "HL302")
    assert proc.returncode == 1  # HL301 is left
    fixed = (root / "m.py").read_text()
    assert "for line in fh:" in fixed            # HL302's fix was applied
    assert "sum([i * i for i in range(N)])" in fixed  # HL301's was not
    assert "1 fixed, 1 remaining" in proc.stdout


def test_the_most_specific_selector_decides(tmp_path):
    root = project(tmp_path)
    assert fixable_codes(root, "--unfixable", "HL3", "--extend-fixable", "HL302") == {"HL301": False, "HL302": True}
    assert fixable_codes(root, "--fixable", "HL3", "--unfixable", "HL301") == {"HL301": False, "HL302": True}


def test_config_keys_and_the_command_line_layered_as_select(tmp_path):
    root = project(tmp_path, 'unfixable = ["HL301"]\nextend-fixable = []\n')
    assert fixable_codes(root) == {"HL301": False, "HL302": True}
    # --unfixable adds to the file's; --fixable starts over (the file's `unfixable` no longer applies).
    assert fixable_codes(root, "--unfixable", "HL302") == {"HL301": False, "HL302": False}
    assert fixable_codes(root, "--fixable", "ALL") == {"HL301": True, "HL302": True}
    settings = check(root, "--show-settings").stdout.splitlines()
    assert 'unfixable = ["HL301"]' in settings
    fixable_rules = next(line for line in settings if line.startswith("fixable-rules = "))
    assert '"HL302"' in fixable_rules and '"HL301"' not in fixable_rules


def test_unknown_selectors_are_errors_naming_the_option(tmp_path):
    root = project(tmp_path)
    proc = check(root, "--fixable", "HL999")
    assert proc.returncode == 2 and "`--fixable` names unknown rule selector `HL999`" in proc.stderr
    (root / "heaplint.toml").write_text('unfixable = "HL301"\n')
    proc = check(root)
    assert proc.returncode == 2 and "invalid value for `unfixable`: expected a list of strings" in proc.stderr


# ---- --show-fixes -------------------------------------------------------------------------------------

def fix_list(path: str, *codes: str) -> str:
    names = {"HL301": "list-built-for-one-pass", "HL302": "loop-over-built-list"}
    rows = "".join(f"    1 × {code} ({names[code]})\n" for code in codes)
    return f"\nFixed {len(codes)} problem{'s' if len(codes) != 1 else ''}:\n- {path}:\n{rows}\n"


def test_show_fixes_lists_the_fixes_applied_per_file_and_rule(tmp_path):
    root = project(tmp_path)
    proc = check(root, "--fix", "--show-fixes", "--unfixable", "HL301", "m.py")
    assert proc.returncode == 1, proc.stderr  # HL301 is left
    assert fix_list("m.py", "HL302") + "Found 2 problems (1 fixed, 1 remaining).\n" in proc.stdout
    assert proc.stdout.index("HL301") < proc.stdout.index("Fixed 1 problem:")  # after the findings


def test_no_show_fixes_wins_when_last_and_nothing_is_listed_without_fixes(tmp_path):
    root = project(tmp_path)
    quiet = check(root, "--fix", "--show-fixes", "--no-show-fixes", "m.py")
    assert "Fixed" not in quiet.stdout and "2 fixed" in quiet.stdout
    again = check(root, "--fix", "--show-fixes", "m.py")  # everything was fixed by the run before
    assert again.returncode == 0 and "Fixed" not in again.stdout and "All checks passed!" in again.stdout


def test_show_fixes_from_the_config_file_with_fix_only_and_stdin(tmp_path):
    root = project(tmp_path, "show-fixes = true\n")
    source = TWO_FIXES
    piped = subprocess.run([BIN, "check", "--no-cache", "--fix", "--stdin-filename", "m.py", "-"], cwd=root,
                           input=source, capture_output=True, text=True, env=CLEAN_ENV, timeout=120)
    assert piped.returncode == 0 and "for line in fh:" in piped.stdout and "Fixed" not in piped.stdout
    assert fix_list("m.py", "HL301", "HL302") in piped.stderr  # stdout holds only the fixed source
    only = check(root, "--fix-only", "m.py")
    assert only.returncode == 0 and only.stderr == fix_list("m.py", "HL301", "HL302") + "Fixed 2 problems.\n"
    (root / "heaplint.toml").write_text("show-fixes = 1\n")
    bad = check(root, "m.py")
    assert bad.returncode == 2 and "invalid value for `show-fixes`: expected true or false" in bad.stderr


# ---- --per-file-ignores / --extend-per-file-ignores ---------------------------------------------------

def per_file_project(tmp_path: Path) -> Path:
    (tmp_path / "tests").mkdir()
    (tmp_path / "a.py").write_text(TWO_FIXES)
    (tmp_path / "tests" / "t.py").write_text(TWO_FIXES)
    (tmp_path / "heaplint.toml").write_text(
        '[per-file-ignores]\n"tests/*" = ["HL302"]\n[extend-per-file-ignores]\n"a.py" = ["HL301"]\n')
    return tmp_path


def findings(cwd: Path, *args: str) -> list[str]:
    proc = check(cwd, "--output-format", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted(f"{Path(item['filename']).relative_to(cwd)}:{item['code']}" for item in json.loads(proc.stdout))


def test_the_config_file_pair_adds_up(tmp_path):
    root = per_file_project(tmp_path)
    assert findings(root) == ["a.py:HL302", "tests/t.py:HL301"]


def test_the_command_line_replaces_per_file_ignores_and_keeps_the_extensions(tmp_path):
    root = per_file_project(tmp_path)
    # The file's `per-file-ignores` is replaced; its `extend-per-file-ignores` still applies (as in ruff).
    assert findings(root, "--per-file-ignores", "tests/*:HL301") == ["a.py:HL302", "tests/t.py:HL302"]
    assert findings(root, "--per-file-ignores", "tests/*:HL301,HL302") == ["a.py:HL302"]


def test_extend_per_file_ignores_adds_and_reads_ruffs_pairs(tmp_path):
    root = per_file_project(tmp_path)
    assert findings(root, "--extend-per-file-ignores", "a.py:HL302,tests/t.py:HL301") == []
    assert findings(root, "--extend-per-file-ignores", "a.py:HL3") == ["tests/t.py:HL301"]
    settings = check(root, "--show-settings", "--extend-per-file-ignores", "a.py:HL302").stdout
    assert '[per-file-ignores]\n"tests/*" = ["HL302"]\n"a.py" = ["HL301", "HL302"]\n' in settings


def test_malformed_per_file_ignores_are_errors_naming_the_option(tmp_path):
    root = per_file_project(tmp_path)
    missing = check(root, "--per-file-ignores", "HL301")
    assert missing.returncode == 2
    assert "invalid value for `--per-file-ignores`: expected PATTERN:CODE[,CODE]" in missing.stderr
    unknown = check(root, "--extend-per-file-ignores", "a.py:HL9")
    assert unknown.returncode == 2 and "`--extend-per-file-ignores` names unknown rule selector `HL9`" in unknown.stderr
    (root / "heaplint.toml").write_text('extend-per-file-ignores = ["HL301"]\n')
    bad = check(root)
    assert bad.returncode == 2 and "invalid value for `extend-per-file-ignores`" in bad.stderr


# ---- --config KEY=VALUE -------------------------------------------------------------------------------

def settings(cwd: Path, *args: str) -> list[str]:
    proc = check(cwd, "--show-settings", *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_an_override_beats_the_file_and_the_flags_beat_the_override(tmp_path):
    root = project(tmp_path, 'target-version = "py312"\n')
    assert 'target-version = "py312"' in settings(root)
    assert 'target-version = "py313"' in settings(root, "--config", 'target-version = "py313"')
    assert 'target-version = "py38"' in settings(root, "--config", 'target-version="py313"', "--target-version", "py38")


def test_several_overrides_and_a_file_together(tmp_path):
    root = project(tmp_path)
    (root / "other.toml").write_text('target-version = "py310"\n')
    lines = settings(root, "--config", "preview = true", "--config", "other.toml", "--config", "large-threshold = 5")
    assert lines[0] == f"# Settings file: {root / 'other.toml'}"
    assert "preview = true" in lines and "large-threshold = 5" in lines and 'target-version = "py310"' in lines
    # An override is read like the file's keys: here the fixes it makes unfixable are no longer offered.
    assert fixable_codes(root, "--config", 'unfixable = ["HL301"]') == {"HL301": False, "HL302": True}
    # Dotted keys reach tables: per-file-ignores from an override.
    assert fixable_codes(root, "--config", 'per-file-ignores."m.py" = ["HL302"]') == {"HL301": True}


def test_isolated_takes_overrides_but_not_a_file(tmp_path):
    root = project(tmp_path, 'target-version = "py312"\n')
    lines = settings(root, "--isolated", "--config", "preview = true")
    assert "preview = true" in lines and 'target-version = "py311"' in lines  # the file was not read
    proc = check(root, "--isolated", "--config", "heaplint.toml")
    assert proc.returncode == 2 and "`--isolated` cannot be used with `--config FILE`" in proc.stderr


def test_an_override_may_put_the_cache_anywhere_as_cache_dir_does(tmp_path):
    root = project(tmp_path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-cache"
    assert f'cache-dir = "{elsewhere}"' in settings(root, "--config", f'cache-dir = "{elsewhere}"')
    (root / "heaplint.toml").write_text(f'cache-dir = "{elsewhere}"\n')
    assert check(root, "--show-settings").returncode == 2  # a file may not send writes outside its project


def test_bad_overrides_are_errors_naming_the_key(tmp_path):
    root = project(tmp_path)
    for value, message in [
        ('selct = ["HL1"]', "--config 'selct = [\"HL1\"]': unknown option `selct`; known options:"),
        ("preview = 1", "--config 'preview = 1': invalid value for `preview`: expected true or false"),
        ('select = ["HL9"]', "`select` names unknown rule selector `HL9`"),
        ('select = ["HL1"', "--config 'select = [\"HL1\"':1:"),
    ]:
        proc = check(root, "--config", value)
        assert proc.returncode == 2, value
        assert message in proc.stderr, proc.stderr
    (root / "two.toml").write_text("")
    two = check(root, "--config", "heaplint.toml", "--config", "two.toml")
    assert two.returncode == 2 and "`--config` names two configuration files" in two.stderr
    missing = check(root, "--config", "nothing.toml")
    assert missing.returncode == 2 and "cannot read configuration file nothing.toml: no such file" in missing.stderr


# ---- HEAPLINT_* environment variables -----------------------------------------------------------------

def test_output_format_from_the_environment_beats_the_file_and_loses_to_the_flag(tmp_path):
    root = project(tmp_path, 'output-format = "text"\n')
    env = {"HEAPLINT_OUTPUT_FORMAT": "json"}
    assert [item["code"] for item in json.loads(check(root, env=env).stdout)] == ["HL301", "HL302"]
    concise = check(root, "--output-format", "concise", env=env).stdout
    assert concise.startswith("m.py:5:16: HL301 [*] ")
    bad = check(root, env={"HEAPLINT_OUTPUT_FORMAT": "yaml"})
    assert bad.returncode == 2
    assert bad.stderr.startswith("heaplint: error: HEAPLINT_OUTPUT_FORMAT=yaml: expected one of text, ")


def test_output_file_from_the_environment(tmp_path):
    root = project(tmp_path)
    proc = check(root, "--output-format", "json", env={"HEAPLINT_OUTPUT_FILE": "report.json"})
    assert proc.returncode == 1 and proc.stdout == ""
    assert len(json.loads((root / "report.json").read_text())) == 2
    flag = check(root, "-o", "flag.json", "--output-format", "json", env={"HEAPLINT_OUTPUT_FILE": "report.json"})
    assert flag.stdout == "" and (root / "flag.json").exists()


def test_no_cache_from_the_environment(tmp_path):
    root = project(tmp_path)

    def run(value: str) -> subprocess.CompletedProcess:
        # Without --no-cache, so the variable decides.
        return subprocess.run([BIN, "check", "-v"], cwd=root, capture_output=True, text=True,
                              env={**CLEAN_ENV, "HEAPLINT_NO_CACHE": value}, timeout=120)

    off = run("1")
    assert "cache: not used (HEAPLINT_NO_CACHE)" in off.stderr and not (root / ".heaplint_cache").exists()
    assert "cache: 0 of 1" in run("false").stderr and (root / ".heaplint_cache").exists()
    bad = run("maybe")
    assert bad.returncode == 2 and "heaplint: error: HEAPLINT_NO_CACHE=maybe: expected true or false" in bad.stderr


def test_check_help_documents_the_new_options_and_variables(tmp_path):
    help_text = subprocess.run([BIN, "check", "--help"], capture_output=True, text=True, env=CLEAN_ENV).stdout
    for text in ("--fixable <CODES>", "--unfixable <CODES>", "--extend-fixable <CODES>", "--show-fixes/--no-show-fixes",
                 "--per-file-ignores <PATTERN:CODES>", "--extend-per-file-ignores <PATTERN:CODES>",
                 "--config <FILE|KEY=VALUE>", "HEAPLINT_OUTPUT_FORMAT", "HEAPLINT_OUTPUT_FILE", "HEAPLINT_NO_CACHE",
                 "HEAPLINT_CACHE_DIR", "HEAPLINT_PARSE_TIMEOUT"):
        assert text in help_text, text
        assert text.split(" ")[0].split("/")[0] in README.read_text(), text


# ---- docs ---------------------------------------------------------------------------------------------


def test_the_readme_configuration_example_is_accepted_as_written(tmp_path):
    text = README.read_text()
    start = text.index("```toml\n[tool.heaplint]\n") + len("```toml\n")
    example = text[start:text.index("```", start)]
    (tmp_path / "pyproject.toml").write_text(example)
    proc = check(tmp_path, "--show-settings")
    assert proc.returncode == 0, proc.stderr
    assert 'unfixable = ["HL302"]' in proc.stdout.splitlines()
