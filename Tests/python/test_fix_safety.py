"""`--fix` safety over a copy of the standard library (issue 8).

Today the only fix is HL002's (remove an unused `# noqa`), so the corpus is made fixable by appending
`# noqa: HL101` comments to logical lines (found with `tokenize`) of real modules. That gives an exact
expectation: fixing must give back the original module byte for byte, except where another tool's
code (`E501`) must stay. As rule families with fixes land, the same checks (fix twice == fix once,
still parses, nothing outside the fixed spans changes, atomic writes) cover their fixes as well.

By default a bounded slice of the standard library (every 25th module) keeps `make test` short;
HEAPLINT_FIX_CORPUS=all runs every module.
"""
import ast
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sysconfig
import time
import tokenize
import warnings

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
FIX = ["check", "--isolated", "--no-cache", "--select", "HL002", "--output-format", "json"]


def parses(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(data)
            return True
        except (SyntaxError, ValueError):
            return False


def logical_line_ends(data):
    """Byte offsets of the NEWLINE token of each logical line that carries no comment."""
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.encode("utf-8")))
    ends = []
    commented = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            commented.add(token.start[0])
        elif token.type == tokenize.NEWLINE and token.start[0] not in commented and token.string:
            row, col = token.start
            prefix = lines[row - 1][:col]
            if prefix.endswith((" ", "\t", "\\")) or not prefix.strip():
                continue  # the fix also removes the blanks before the comment: keep expectations exact
            ends.append(starts[row - 1] + len(prefix.encode("utf-8")))
    return ends


def inject(data, rng):
    """(injected bytes, {offset in injected: expected text after fixing}) for every 5th logical line."""
    ends = logical_line_ends(data)[::5]
    out, last = bytearray(), 0
    for end in ends:
        out += data[last:end]
        out += b"  # noqa: HL101, E501" if rng.random() < 0.05 else b"  # noqa: HL101"
        last = end
    out += data[last:]
    return bytes(out), len(ends)


def corpus(tmp_path, every):
    stdlib = sysconfig.get_paths()["stdlib"]
    proc = subprocess.run([BIN, "check", "--isolated", "--show-files", stdlib], capture_output=True, text=True)
    files = sorted(f for f in proc.stdout.split() if "site-packages" not in f)[::every]
    rng = random.Random(3)
    originals, injected = {}, {}
    root = tmp_path / "lib"
    for path in files:
        data = open(path, "rb").read()
        if data.startswith(b"\xef\xbb\xbf") or b"\r" in data or not parses(data):
            continue  # keep the expectation exact: plain UTF-8, LF, valid modules
        if b"noqa" in data.lower():
            continue  # a module's own unused `# noqa` is fixed too (correctly); keep the expectation exact
        if tokenize.detect_encoding(io.BytesIO(data).readline)[0] not in ("utf-8", "utf-8-sig"):
            continue  # transcoded files (a cp1252 cookie) are never rewritten, by design
        try:
            new, count = inject(data, rng)
        except (tokenize.TokenError, UnicodeDecodeError, IndentationError, SyntaxError):
            continue
        if count == 0:
            continue
        rel = os.path.relpath(path, stdlib)
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(new)
        originals[rel], injected[rel] = data, new
    return root, originals, injected


def snapshot(root):
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            out[os.path.relpath(path, root)] = open(path, "rb").read()
    return out


def expected_after_fix(original, injected):
    """Lines with only HL101 lose the comment; `HL101, E501` keeps `# noqa: E501`."""
    return injected.replace(b"  # noqa: HL101, E501", b"  # noqa: E501").replace(b"  # noqa: HL101", b"")


@pytest.fixture(scope="module")
def stdlib_copy(tmp_path_factory):
    every = 1 if os.environ.get("HEAPLINT_FIX_CORPUS") == "all" else 25
    return corpus(tmp_path_factory.mktemp("fix"), every)


def test_fix_restores_the_original_and_is_idempotent(stdlib_copy, tmp_path):
    source_root, originals, injected = stdlib_copy
    root = tmp_path / "lib"
    shutil.copytree(source_root, root)
    assert len(originals) > 40
    before = subprocess.run([BIN, *FIX, str(root)], capture_output=True, timeout=600)
    reported = json.loads(before.stdout)
    assert before.returncode == 1 and reported and {i["code"] for i in reported} == {"HL002"}
    assert all(i["fix"] and i["fix"]["applicability"] == "safe" for i in reported)

    once = subprocess.run([BIN, *FIX, "--fix", str(root)], capture_output=True, timeout=600)
    assert once.returncode == 0, once.stderr[-2000:]  # every finding was fixed
    after_once = snapshot(root)
    assert set(after_once) == set(originals), "files appeared or vanished (temporary files left behind?)"
    wrong = [rel for rel in originals if after_once[rel] != expected_after_fix(originals[rel], injected[rel])]
    assert wrong == [], f"fixed files differ from the expectation outside the fixed spans: {wrong[:5]}"
    # every fixed file still parses, and HL002-only files are byte-identical to the module we started from
    assert all(parses(data) for data in after_once.values())
    pure = [rel for rel in originals if b"E501" not in injected[rel]]
    assert pure and all(after_once[rel] == originals[rel] for rel in pure)

    twice = subprocess.run([BIN, *FIX, "--fix", str(root)], capture_output=True, timeout=600)
    assert twice.returncode == 0 and json.loads(twice.stdout) == []
    assert snapshot(root) == after_once, "fixing twice changed files again"


def test_killed_fix_run_leaves_each_file_whole(stdlib_copy, tmp_path):
    """SIGKILL at several points of a --fix run: each file is its old or its new content, never a mix."""
    source_root, originals, injected = stdlib_copy
    for delay in (0.05, 0.3, 1.0):
        root = tmp_path / f"lib{delay}"
        shutil.copytree(source_root, root)
        proc = subprocess.Popen([BIN, *FIX, "--fix", str(root)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = snapshot(root)
        for rel in originals:
            assert now.get(rel) in (injected[rel], expected_after_fix(originals[rel], injected[rel])), rel
        # a kill between writing and renaming may leave a hidden temporary file, never a .py one
        strays = [p for p in now if p not in originals]
        assert all(os.path.basename(p).startswith(".") and p.endswith(".tmp") for p in strays), strays


FAIL_RENAME_C = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
/* rename() fails for targets ending in the suffix given in HEAPLINT_FAIL_RENAME. */
int rename(const char *old, const char *new) {
    (void)old;
    const char *suffix = getenv("HEAPLINT_FAIL_RENAME");
    size_t n = strlen(new), m = suffix ? strlen(suffix) : 0;
    if (m && n >= m && strcmp(new + n - m, suffix) == 0) { errno = EIO; return -1; }
    extern int renameat(int, const char *, int, const char *);
    return renameat(-100, old, -100, new);
}
"""


def test_failed_rename_leaves_the_original(tmp_path):
    """The temporary file cannot replace the original (rename fails, via an LD_PRELOAD shim): the
    original stays byte for byte, the temporary file is removed, and the file gets an HL003."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler for the rename shim")
    shim_c = tmp_path / "fail_rename.c"
    shim_c.write_text(FAIL_RENAME_C.replace("#include <string.h>", "#include <string.h>\n#include <stdlib.h>"))
    shim = tmp_path / "fail_rename.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(shim), str(shim_c)], check=True)
    project = tmp_path / "p"
    project.mkdir()
    victim = b"x = 1  # noqa: HL101\ny = 2\n"
    (project / "victim.py").write_bytes(victim)
    (project / "other.py").write_bytes(b"z = 3  # noqa: HL101\n")
    env = dict(os.environ, LD_PRELOAD=str(shim), HEAPLINT_FAIL_RENAME="victim.py")
    proc = subprocess.run([BIN, *FIX, "--fix", "."], cwd=project, env=env, capture_output=True, timeout=120)
    assert (project / "victim.py").read_bytes() == victim
    assert (project / "other.py").read_bytes() == b"z = 3\n"  # the other file was still fixed
    assert sorted(os.listdir(project)) == ["other.py", "victim.py"]  # no temporary file left
    items = json.loads(proc.stdout)
    assert proc.returncode == 1
    codes = {(os.path.basename(i["filename"]), i["code"]) for i in items}
    assert ("victim.py", "HL003") in codes and ("victim.py", "HL002") in codes
    assert not any(name == "other.py" for name, _ in codes)
