"""The cache survives corruption, concurrent runs and an unwritable directory (issue 8).

test_cli.py covers: a hit gives the same output, an edit invalidates, binary garbage in the cache file,
a regular file where the cache directory should be. Here: truncated and wrongly shaped JSON, entries
whose offsets lie outside the file, parallel processes sharing one cache, a directory nobody can write.
"""
import json
import os
import subprocess

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
BAD = "def f(:\n    pass\n"


def run(project, *extra, cache=None):
    args = [BIN, "check", "--isolated", "--select", "HL0", "--extend-select", "HL002", "--output-format", "json"]
    args += ["--cache-dir", str(cache or project / ".cache")]
    return subprocess.run(args + list(extra) + ["."], cwd=project, capture_output=True, timeout=120)


@pytest.fixture
def project(tmp_path):
    for n in range(30):
        body = BAD if n % 3 == 0 else f"x{n} = {n}  # noqa: HL101\n" if n % 3 == 1 else f"y = {n}\n"
        (tmp_path / f"m{n:02}.py").write_text(body)
    return tmp_path


def reference(project):
    proc = subprocess.run([BIN, "check", "--isolated", "--select", "HL0", "--extend-select", "HL002",
                           "--output-format", "json", "--no-cache", "."], cwd=project, capture_output=True, timeout=120)
    assert proc.returncode == 1
    return proc.stdout


def cache_files(project):
    out = []
    for root, _, names in os.walk(project / ".cache"):
        out += [os.path.join(root, n) for n in names if n.endswith(".json")]
    return out


@pytest.mark.parametrize("damage", ["truncated", "empty", "wrong-shape", "wrong-types", "directory"])
def test_damaged_cache_file_is_ignored_and_rewritten(project, damage):
    expected = reference(project)
    assert run(project).stdout == expected
    [cache] = cache_files(project)
    data = open(cache, "rb").read()
    if damage == "directory":
        os.remove(cache)
        os.mkdir(cache)
    else:
        replacement = {"truncated": data[: len(data) // 2], "empty": b"",
                       "wrong-shape": b'[1, 2, {"hash": 3}]',
                       "wrong-types": json.dumps({k: {"hash": 1, "diagnostics": "x"} for k in json.loads(data)}).encode()}
        with open(cache, "wb") as f:
            f.write(replacement[damage])
    proc = run(project)
    assert proc.returncode == 1 and proc.stdout == expected, proc.stderr
    if damage != "directory":
        json.loads(open(cache, "rb").read())  # rewritten whole
    assert run(project).stdout == expected


def test_cache_entries_pointing_outside_the_file_do_not_crash(project):
    """A cache written by a buggy or tampered heaplint: offsets past the end, negative, reversed."""
    expected = reference(project)
    run(project)
    [cache] = cache_files(project)
    entries = json.loads(open(cache).read())
    assert entries
    for entry in entries.values():
        for i, diagnostic in enumerate(entry["diagnostics"]):
            diagnostic["s"], diagnostic["e"] = [(10**9, 10**9 + 5), (-7, -1), (5, 2)][i % 3]
            for edit in (diagnostic.get("fix") or {}).get("edits", []):
                edit["s"], edit["e"] = 10**9, -3
    with open(cache, "w") as f:
        json.dump(entries, f)
    for fmt in ["json", "text", "sarif", "github", "junit"]:
        proc = subprocess.run([BIN, "check", "--isolated", "--select", "HL0", "--extend-select", "HL002",
                               "--cache-dir", str(project / ".cache"), "--output-format", fmt, "."],
                              cwd=project, capture_output=True, timeout=120)
        assert proc.returncode == 1, (fmt, proc.stderr[-1000:])
    # the hashes still match, so the tampered entries are served; an edit replaces them
    for path in project.glob("m*.py"):
        path.write_text(path.read_text() + "\n")
    proc = run(project)
    assert proc.returncode == 1
    fresh = json.loads(proc.stdout)
    assert {(os.path.basename(i["filename"]), i["code"]) for i in fresh} == \
        {(os.path.basename(i["filename"]), i["code"]) for i in json.loads(expected)}


def test_concurrent_runs_share_one_cache(project):
    """Six processes at once on one cache directory, half of them on edited files: every run prints
    what a cache-less run prints, and the cache file left behind is whole and serves a warm run."""
    expected = reference(project)
    args = [BIN, "check", "--isolated", "--select", "HL0", "--extend-select", "HL002", "--output-format", "json",
            "--cache-dir", str(project / ".cache"), "."]
    for round_ in range(3):
        procs = [subprocess.Popen(args, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(6)]
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 1, err[-1000:]
            assert out == expected
        for cache in cache_files(project):
            json.loads(open(cache, "rb").read())
        # leftover temporary files from atomic writes must not pile up
        strays = [n for root, _, names in os.walk(project / ".cache") for n in names
                  if not n.endswith(".json") and n != ".gitignore"]
        assert strays == []
        # change a file between rounds: the next round must see the edit
        (project / "m01.py").write_text(BAD if round_ % 2 == 0 else "x1 = 1  # noqa: HL101\n")
        expected = reference(project)
    assert run(project).stdout == expected


def test_unwritable_cache_directory(project, tmp_path):
    """Root may write anywhere the mode bits forbid, so use places no process can create files in:
    under /proc, and under a regular file. Not root: a mode-0555 directory too."""
    expected = reference(project)
    places = ["/proc/heaplint-cache-test", str(project / "m00.py" / "cache")]
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        places.append(str(locked / "cache"))
    for place in places:
        first = run(project, cache=place)
        assert first.returncode == 1 and first.stdout == expected, (place, first.stderr)
        assert run(project, cache=place).stdout == expected
    assert not os.path.exists("/proc/heaplint-cache-test")


def test_read_only_cache_with_valid_entries_still_serves_them(project, tmp_path):
    """A cache made read-only after it was written (a CI cache restored read-only): hits still work."""
    if os.geteuid() == 0:
        pytest.skip("root ignores mode bits; the /proc case in test_unwritable_cache_directory covers writes")
    expected = reference(project)
    assert run(project).stdout == expected
    for root, dirs, names in os.walk(project / ".cache"):
        for n in dirs + names:
            os.chmod(os.path.join(root, n), 0o555)
    (project / "m02.py").write_text(BAD)
    assert run(project).stdout == reference(project)
