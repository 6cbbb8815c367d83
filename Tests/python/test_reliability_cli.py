"""Issue 26, data and writes: the adversarial cases that broke code, skipped files silently or wrote
where they should not, each driven through the real binary (HEAPLINT_BIN) the way the probe did.
"""
import json
import os
import subprocess
import sys

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))


def run(*args, cwd, env=None):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, timeout=120,
                          env={**os.environ, **(env or {})})


def check(cwd, *args, env=None):
    return run("check", "--no-cache", *args, cwd=cwd, env=env)


# ---- a safe fix must not call a shadowed builtin --------------------------------------------

COUNT = "len([i for i in range(10**6) if i % 2 == 0])"


def fixed_source(tmp_path, source, *extra):
    path = tmp_path / "m.py"
    path.write_text(source)
    proc = check(tmp_path, "--isolated", "--select", "HL3", "--fix", *extra, "m.py")
    assert proc.returncode in (0, 1), proc.stderr
    return path.read_text()


def runs_under_cpython(tmp_path):
    proc = subprocess.run([sys.executable, str(tmp_path / "m.py")], capture_output=True, text=True, timeout=60)
    return proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("source", [
    # module-level assignment, read at module level and in a function
    f"sum = 3\nn = {COUNT}\n",
    f"sum = 3\ndef f():\n    return {COUNT}\nf()\n",
    # a local, a parameter, a def name, an import, a `global` set in another function
    f"def f():\n    sum = 3\n    return {COUNT}\nf()\n",
    f"def f(sum=3):\n    return {COUNT}\nf()\n",
    f"def sum(*a):\n    raise TypeError('not the builtin')\nn = {COUNT}\n",
    f"from math import pi as sum\nn = {COUNT}\n",
    f"def g():\n    global sum\n    sum = 3\ndef f():\n    return {COUNT}\ng()\nf()\n",
    # a `case` capture
    f"match 3:\n    case sum:\n        n = {COUNT}\n",
])
def test_hl303_fix_is_not_offered_where_sum_is_shadowed(tmp_path, source):
    assert runs_under_cpython_source(tmp_path, source)
    after = fixed_source(tmp_path, source, "--unsafe-fixes")
    assert after == source
    ok, err = runs_under_cpython(tmp_path)
    assert ok, err


def runs_under_cpython_source(tmp_path, source):
    (tmp_path / "m.py").write_text(source)
    return runs_under_cpython(tmp_path)[0]


def test_hl303_fix_still_applies_where_sum_is_the_builtin(tmp_path):
    # `sum` shadowed only in an unrelated function does not block the fix elsewhere.
    source = f"def g():\n    sum = 3\n    return sum\ndef f():\n    return {COUNT}\nprint(f())\n"
    after = fixed_source(tmp_path, source)
    assert "return sum(1 for i in range(10**6) if i % 2 == 0)" in after
    proc = subprocess.run([sys.executable, str(tmp_path / "m.py")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == "500000\n", proc.stderr


def test_wildcard_import_makes_builtin_fixes_unsafe(tmp_path):
    # `from m import *` may bind `sum`: the fix is offered only as unsafe, never applied by plain --fix.
    (tmp_path / "helpers.py").write_text("def sum(*a):\n    raise TypeError('not the builtin')\n")
    source = f"from helpers import *\nn = {COUNT}\n"
    assert fixed_source(tmp_path, source) == source
    proc = check(tmp_path, "--isolated", "--select", "HL303", "--output-format", "json", "m.py")
    [finding] = json.loads(proc.stdout)
    assert finding["fix"]["applicability"] == "unsafe"


def test_range_fix_is_unsafe_under_wildcard_import(tmp_path):
    source = "from helpers import *\nfor i in list(range(10**6)):\n    pass\n"
    (tmp_path / "helpers.py").write_text("")
    assert fixed_source(tmp_path, source) == source


# ---- a pyproject.toml that is not UTF-8 is an error, not a skip ------------------------------

def test_non_utf8_pyproject_is_a_usage_error_naming_it(tmp_path):
    # The parent's config must not silently apply in place of the undecodable one.
    (tmp_path / "pyproject.toml").write_text('[tool.heaplint]\nselect = ["HL9"]\n')
    child = tmp_path / "pkg"
    child.mkdir()
    (child / "pyproject.toml").write_bytes(b'# caf\xe9\n[tool.heaplint]\nselect = ["HL0"]\n')
    (child / "m.py").write_text("x = 1\n")
    proc = check(child, "m.py")
    assert proc.returncode == 2
    assert str(child / "pyproject.toml") in proc.stderr.decode()
    assert b"UTF-8" in proc.stderr


def test_heaplint_toml_non_utf8_is_the_same_error(tmp_path):
    (tmp_path / "heaplint.toml").write_bytes(b'# caf\xe9\nselect = ["HL0"]\n')
    (tmp_path / "m.py").write_text("x = 1\n")
    proc = check(tmp_path, "m.py")
    assert proc.returncode == 2 and b"heaplint.toml" in proc.stderr


# ---- file names that are not UTF-8 are reported, never skipped -------------------------------

def test_non_utf8_file_name_is_reported_as_hl003(tmp_path):
    root = os.fsencode(tmp_path)
    with open(root + b"/caf\xe9.py", "wb") as f:
        f.write(b"x = 1\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = check(tmp_path, "--isolated", "--output-format", "json", ".")
    findings = json.loads(proc.stdout)
    assert proc.returncode == 1
    [finding] = findings
    assert finding["code"] == "HL003"
    assert finding["filename"].endswith("caf\\xe9.py")
    assert "not valid UTF-8" in finding["message"]


def test_non_utf8_directory_name_is_reported_not_skipped(tmp_path):
    sub = os.fsencode(tmp_path) + b"/pkg\xff"
    os.mkdir(sub)
    with open(sub + b"/m.py", "wb") as f:
        f.write(b"x = 1\n")
    proc = check(tmp_path, "--isolated", ".")
    assert proc.returncode == 1
    assert b"pkg\\xff" in proc.stdout and b"HL003" in proc.stdout
    assert b"All checks passed" not in proc.stdout


def test_non_utf8_name_that_is_not_python_is_ignored(tmp_path):
    with open(os.fsencode(tmp_path) + b"/notes\xe9.txt", "wb") as f:
        f.write(b"hello\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc = check(tmp_path, "--isolated", ".")
    assert proc.returncode == 0, proc.stdout


# ---- -o/--output-file writes through what is at the path --------------------------------------

@pytest.fixture
def bad_project(tmp_path):
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    return tmp_path


def test_output_file_dev_null_stays_a_character_device(bad_project):
    # As root (CI containers), renaming over /dev/null replaced the system's null device.
    import stat
    before = os.stat("/dev/null")
    proc = check(bad_project, "--isolated", "-o", "/dev/null", "bad.py")
    assert proc.returncode == 1, proc.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_output_file_dev_stdout_writes_to_stdout(bad_project):
    proc = check(bad_project, "--isolated", "-o", "/dev/stdout", "bad.py")
    assert proc.returncode == 1, proc.stderr
    assert b"bad.py:1:7: HL001" in proc.stdout


def test_output_file_dev_stdout_appends_when_stdout_is_appending(bad_project):
    log = bad_project / "log.txt"
    log.write_text("earlier line\n")
    with open(log, "ab") as out:
        proc = subprocess.run([BIN, "check", "--no-cache", "--isolated", "-o", "/dev/stdout", "bad.py"],
                              cwd=bad_project, stdout=out, stderr=subprocess.PIPE, timeout=120)
    assert proc.returncode == 1, proc.stderr
    text = log.read_text()
    assert text.startswith("earlier line\n") and "HL001" in text


def test_output_file_symlink_is_written_through_and_stays_a_link(bad_project):
    target = bad_project / "report.txt"
    target.write_text("old report\n")
    link = bad_project / "latest.txt"
    link.symlink_to("report.txt")
    proc = check(bad_project, "--isolated", "-o", "latest.txt", "bad.py")
    assert proc.returncode == 1, proc.stderr
    assert link.is_symlink() and os.readlink(link) == "report.txt"
    assert "HL001" in target.read_text() and "old report" not in target.read_text()


def test_output_file_hard_link_keeps_its_link_count(bad_project):
    report = bad_project / "report.txt"
    report.write_text("old report\n")
    other = bad_project / "also.txt"
    os.link(report, other)
    proc = check(bad_project, "--isolated", "-o", "report.txt", "bad.py")
    assert proc.returncode == 1, proc.stderr
    assert os.stat(report).st_nlink == 2 and os.stat(report).st_ino == os.stat(other).st_ino
    assert "HL001" in other.read_text()


def test_output_file_fifo_is_written_not_replaced(bad_project):
    import stat
    import threading
    fifo = bad_project / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    proc = check(bad_project, "--isolated", "-o", "pipe", "bad.py")
    reader.join(timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert b"HL001" in received[0]


def test_output_file_regular_file_is_replaced_keeping_its_mode(bad_project):
    report = bad_project / "report.txt"
    report.write_text("a much longer old report that must not leave a tail behind\n")
    os.chmod(report, 0o640)
    proc = check(bad_project, "--isolated", "-o", "report.txt", "bad.py")
    assert proc.returncode == 1, proc.stderr
    assert report.read_text().startswith("bad.py:1:7: HL001") and "tail behind" not in report.read_text()
    assert os.stat(report).st_mode & 0o777 == 0o640
    assert [p.name for p in bad_project.iterdir() if "heaplint-" in p.name] == []


def test_output_file_new_file_and_directory_error(bad_project):
    proc = check(bad_project, "--isolated", "-o", "new.txt", "bad.py")
    assert proc.returncode == 1 and "HL001" in (bad_project / "new.txt").read_text()
    (bad_project / "adir").mkdir()
    proc = check(bad_project, "--isolated", "-o", "adir", "bad.py")
    assert proc.returncode == 2 and b"adir" in proc.stderr


# ---- a checked repository cannot direct cache writes outside itself ---------------------------

@pytest.fixture
def repo(tmp_path):
    """A checked repository (`repo/`) with a sibling directory it must not write into."""
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "m.py").write_text("x = 1\n")
    (tmp_path / "elsewhere").mkdir()
    return tmp_path / "repo"


def cached_check(cwd, *args, env=None):
    return run("check", *args, ".", cwd=cwd, env=env)


def tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize("value", ["../outside/deep", "ABSOLUTE", "sub/../..", "."])
def test_config_cache_dir_outside_the_project_is_refused(repo, value):
    value = str(repo.parent / "outside") if value == "ABSOLUTE" else value
    (repo / "pyproject.toml").write_text(f'[tool.heaplint]\ncache-dir = "{value}"\n')
    proc = cached_check(repo)
    assert proc.returncode == 2
    assert b"cache-dir" in proc.stderr and str(repo / "pyproject.toml").encode() in proc.stderr
    assert not (repo.parent / "outside").exists()


def test_config_cache_dir_inside_the_project_is_used(repo):
    (repo / "pyproject.toml").write_text('[tool.heaplint]\ncache-dir = "build/../.cache/heaplint"\n')
    proc = cached_check(repo)
    assert proc.returncode == 0, proc.stderr
    assert (repo / ".cache" / "heaplint").is_dir()


def test_symlinked_cache_directory_is_not_followed(repo):
    (repo / ".heaplint_cache").symlink_to("../elsewhere")
    proc = cached_check(repo)
    assert proc.returncode == 0
    assert b"warning" in proc.stderr and b".heaplint_cache" in proc.stderr and b"symbolic link" in proc.stderr
    assert tree(repo.parent / "elsewhere") == []


def test_symlinked_directory_above_a_configured_cache_is_not_followed(repo):
    (repo / "pyproject.toml").write_text('[tool.heaplint]\ncache-dir = "tmp/cache"\n')
    (repo / "tmp").symlink_to("../elsewhere")
    proc = cached_check(repo)
    assert proc.returncode == 0 and b"symbolic link" in proc.stderr
    assert tree(repo.parent / "elsewhere") == []


def test_cache_dir_outside_from_command_line_or_environment_is_allowed(repo):
    outside = repo.parent / "elsewhere"
    proc = cached_check(repo, "--cache-dir", str(outside / "cli"))
    assert proc.returncode == 0, proc.stderr
    assert (outside / "cli").is_dir()
    proc = cached_check(repo, env={"HEAPLINT_CACHE_DIR": str(outside / "env")})
    assert proc.returncode == 0, proc.stderr
    assert (outside / "env").is_dir() and not (repo / ".heaplint_cache").exists()


# ---- `**` is a recursive wildcard (ruff's and gitignore's reading) ---------------------------

BAD = "def f(:\n    pass\n"
LAYOUT = ["top.py", "tests/t.py", "tests/a/b/t.py", "src/gen/x.py", "src/pkg/gen/y.py", "src/keep.py"]


def glob_project(tmp_path, table):
    for name in LAYOUT:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BAD)
    (tmp_path / "pyproject.toml").write_text("[tool.heaplint]\nselect = [\"HL001\"]\n" + table)
    proc = check(tmp_path, "--output-format", "json", ".")
    assert proc.returncode in (0, 1), proc.stderr
    return sorted({os.path.relpath(f["filename"], tmp_path) for f in json.loads(proc.stdout)})


def remaining(*excluded):
    return sorted(set(LAYOUT) - set(excluded))


@pytest.mark.parametrize("key", ["exclude", "extend-exclude"])
@pytest.mark.parametrize("pattern, excluded", [
    ("tests/**/*.py", ["tests/t.py", "tests/a/b/t.py"]),       # zero or more directories in the middle
    ("**/*.py", LAYOUT),                                        # leading `**/` reaches the root's files
    ("**/gen", ["src/gen/x.py", "src/pkg/gen/y.py"]),          # a directory at any depth
    ("src/**/gen/*.py", ["src/gen/x.py", "src/pkg/gen/y.py"]),
    ("tests/**", ["tests/t.py", "tests/a/b/t.py"]),            # trailing `/**`: everything inside
])
def test_recursive_wildcard_in_excludes(tmp_path, key, pattern, excluded):
    assert glob_project(tmp_path, f'{key} = ["{pattern}"]\n') == remaining(*excluded)


@pytest.mark.parametrize("pattern, ignored", [
    ("tests/**/*.py", ["tests/t.py", "tests/a/b/t.py"]),
    ("**/*.py", LAYOUT),
    ("src/**/gen/*.py", ["src/gen/x.py", "src/pkg/gen/y.py"]),
])
def test_recursive_wildcard_in_per_file_ignores(tmp_path, pattern, ignored):
    table = f'[tool.heaplint.per-file-ignores]\n"{pattern}" = ["HL001"]\n'
    assert glob_project(tmp_path, table) == remaining(*ignored)


def test_symlinked_version_directory_inside_the_cache_is_not_followed(repo):
    version = run("--version", cwd=repo).stdout.decode().split()[0]  # a `make dist` binary adds "(commit date)"
    (repo / ".heaplint_cache").mkdir()
    (repo / ".heaplint_cache" / version).symlink_to("../../elsewhere")
    proc = cached_check(repo)
    assert proc.returncode == 0 and b"symbolic link" in proc.stderr
    assert tree(repo.parent / "elsewhere") == []
