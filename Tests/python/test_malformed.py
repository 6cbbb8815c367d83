"""Malformed input (issue 8): whatever bytes a file holds, `heaplint check` gives diagnostics or a per-file
HL003 error with exit code 0/1, and never crashes, hangs or stops the run.

test_cli.py already covers: latin-1 without cookie, ELF junk, a directory named `x.py`, a dangling symlink,
a symlink loop met while walking a directory, a BOM's columns, 10,000 nested brackets, corrupt cache files.
This file adds: seeded random bytes, real modules truncated at every 97th byte, UTF-16/UTF-32, CRLF and
lone-CR line endings, tabs, other 10,000-deep nestings, very long lines, NUL bytes, an empty file, a
symlink loop named on the command line, a FIFO (the unreadable file root cannot open), and the
Tests/Fixtures/regressions corpus that `make fuzz` fills.
"""
import ast
import json
import os
import random
import subprocess
import sysconfig

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
REGRESSIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "regressions")


def heaplint(tmp_path, *paths, timeout=120):
    """Runs on `paths`; asserts it neither crashed nor hung and exited 0/1; returns {basename: [items]}."""
    proc = subprocess.run([BIN, "check", "--no-cache", "--isolated", "--select", "ALL", "--output-format", "json",
                           *paths], cwd=tmp_path, capture_output=True, timeout=timeout)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    items = json.loads(proc.stdout)
    by_file = {}
    for item in items:
        by_file.setdefault(os.path.basename(item["filename"]), []).append(item)
    return proc, by_file


def codes(items):
    return sorted({i["code"] for i in items})


def python_accepts(source: bytes) -> bool:
    import warnings
    warnings.simplefilter("ignore", SyntaxWarning)
    try:
        compile(source, "<t>", "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
        return True
    except (SyntaxError, ValueError):
        return False


def test_random_bytes(tmp_path):
    rng = random.Random(8)
    names = []
    for n in range(60):
        size = rng.choice([1, 2, 7, 64, 500, 4096])
        if n % 3 == 0:  # printable junk gets past the loader into the parser
            data = bytes(rng.choice(b"()[]{}:;,.=+-*/\\'\"#@ \t\n\rabcdefxyz0123456789lambdaiffor") for _ in range(size))
        else:
            data = bytes(rng.randrange(256) for _ in range(size))
        name = f"r{n:02}.py"
        (tmp_path / name).write_bytes(data)
        names.append(name)
    proc, found = heaplint(tmp_path, *names)
    for name in names:
        data = (tmp_path / name).read_bytes()
        got = codes(found.get(name, []))
        assert set(got) <= {"HL001", "HL003"}, (name, got)
        if python_accepts(data):
            assert "HL001" not in got and "HL003" not in got, name
        elif b"\x00" in data:
            assert got == ["HL003"], name


def stdlib_modules(count):
    stdlib = sysconfig.get_paths()["stdlib"]
    picks = ["json/decoder.py", "textwrap.py", "string.py", "heapq.py", "bisect.py", "colorsys.py",
             "keyword.py", "this.py", "fnmatch.py", "glob.py"]
    return [os.path.join(stdlib, p) for p in picks if os.path.exists(os.path.join(stdlib, p))][:count]


def test_truncated_real_modules_at_every_97th_byte(tmp_path):
    """Each prefix either parses (no HL001) or gets HL001 at a position inside the prefix."""
    written = []
    for module in stdlib_modules(4):
        data = open(module, "rb").read()
        stem = os.path.basename(module)[:-3]
        # bounded: at most 120 cuts per module, spread over the file when it is long
        cuts = list(range(97, len(data), 97))
        if len(cuts) > 120:
            cuts = cuts[:: len(cuts) // 120 + 1]
        for cut in cuts:
            name = f"{stem}_{cut}.py"
            (tmp_path / name).write_bytes(data[:cut])
            written.append((name, data[:cut]))
    assert len(written) > 100
    proc, found = heaplint(tmp_path, *[n for n, _ in written], timeout=300)
    wrong = []
    for name, data in written:
        items = found.get(name, [])
        assert codes(items) in ([], ["HL001"]), (name, codes(items))
        rows = data.count(b"\n") + 1
        for item in items:
            assert 1 <= item["location"]["row"] <= rows, (name, item["location"])
        # tree-sitter recovers differently from CPython; both must agree a cut file is broken
        # whenever CPython accepts nothing, and heaplint may not invent errors in valid prefixes.
        if python_accepts(data) and items:
            wrong.append(name)
    assert wrong == [], f"HL001 on prefixes CPython accepts: {wrong[:10]}"


def test_utf16_and_utf32_files_are_per_file_errors(tmp_path):
    src = "x = [i for i in range(3)]\n"
    files = {"u16le.py": src.encode("utf-16"), "u16be.py": b"\xfe\xff" + src.encode("utf-16-be"),
             "u32.py": src.encode("utf-32"), "u16nobom.py": src.encode("utf-16-le"), "ok.py": src.encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    proc, found = heaplint(tmp_path, *files)
    assert proc.returncode == 1
    for name in ["u16le.py", "u16be.py", "u32.py"]:
        [item] = found[name]
        assert item["code"] == "HL003" and "UTF-" in item["message"] and "byte order mark" in item["message"], item
    assert codes(found["u16nobom.py"]) == ["HL003"]  # NUL bytes, no BOM
    assert "ok.py" not in found


def test_utf8_bom_then_invalid_bytes(tmp_path):
    (tmp_path / "a.py").write_bytes(b"\xef\xbb\xbfx = '\xff'\n")
    (tmp_path / "b.py").write_bytes(b"\xef\xbb\xbf")  # a BOM and nothing else
    proc, found = heaplint(tmp_path, "a.py", "b.py")
    assert codes(found["a.py"]) == ["HL003"] and "UTF-8" in found["a.py"][0]["message"]
    assert "b.py" not in found


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_line_endings_give_the_same_positions(tmp_path, ending):
    lines = [b"x = 1", b"if x:", b"    y = [i for i in x]", b"def f(:", b"    pass", b""]
    (tmp_path / "a.py").write_bytes(ending.join(lines))
    proc, found = heaplint(tmp_path, "a.py")
    [item] = found["a.py"]
    assert item["code"] == "HL001"
    assert item["location"] == {"row": 4, "column": 7}


def test_lone_cr_file_that_python_accepts_is_clean(tmp_path):
    data = b"import os\rdef f(a, b):\r    return a + b\r\rclass C:\r    pass\r"
    assert python_accepts(data)
    (tmp_path / "a.py").write_bytes(data)
    proc, found = heaplint(tmp_path, "a.py")
    assert found == {} and proc.returncode == 0


def test_tabs(tmp_path):
    (tmp_path / "ok.py").write_bytes(b"if 1:\n\tx = 1\n\tif x:\n\t\ty = 2\n")
    (tmp_path / "bad.py").write_bytes(b"if 1:\n\tx = 1\n\tdef f(:\n\t\tpass\n")
    proc, found = heaplint(tmp_path, "ok.py", "bad.py")
    assert "ok.py" not in found
    [item] = found["bad.py"]
    # columns count characters: the tab is one column
    assert item["code"] == "HL001" and item["location"] == {"row": 3, "column": 8}


@pytest.mark.parametrize("kind", ["calls", "parens", "braces", "lambdas", "unary", "not", "subscripts", "attrs"])
def test_ten_thousand_deep_nesting(tmp_path, kind):
    d = 10_000
    source = {
        "calls": "x = " + "f(" * d + ")" * d,
        "parens": "x = " + "(" * d + "1" + ")" * d,
        "braces": "x = " + "{1: " * d + "1" + "}" * d,
        "lambdas": "x = " + "lambda: " * d + "1",
        "unary": "x = " + "-" * d + "1",
        "not": "x = " + "not " * d + "1",
        "subscripts": "x = a" + "[0]" * d,
        "attrs": "x = a" + ".b" * d,
    }[kind] + "\n"
    (tmp_path / "deep.py").write_text(source)
    (tmp_path / "deep_cut.py").write_text(source[: len(source) * 3 // 4])
    # No parse budget: 10,000 cut `{1: ` take tree-sitter's recovery seconds of CPU, and a loaded machine
    # would turn a wall-clock budget's HL001 into HL003 (test_parse_budget.py tests the budget).
    proc, found = heaplint(tmp_path, "--parse-timeout", "0", "deep.py", "deep_cut.py")
    assert codes(found.get("deep_cut.py", [])) == ["HL001"]
    # CPython itself refuses most of these (its parser has a nesting limit); heaplint only must not crash
    assert codes(found.get("deep.py", [])) in ([], ["HL001"])


@pytest.mark.parametrize("opener", ["(", "[", "{", "f(", "(["])
@pytest.mark.parametrize("count", [65_532, 65_533, 65_534, 65_536, 70_000])
def test_unclosed_brackets_around_tree_sitters_stack_limit(tmp_path, opener, count):
    """Debian's tree-sitter 0.20.7 corrupted its heap when a parse ended in an error with about 65,535
    entries on its stack (`x = ` and 65,533 `(` aborted in ts_tree_delete, tree-sitter alone too). The
    compiled-in 0.23.2 runtime does not; heaplint still caps bracket nesting at CPython's own limit
    (200), so these are HL001 with CPython's message, not a signal."""
    closed = 0 if opener == "(" else 7  # some runs partially closed
    closer = {"(": ")", "[": "]", "{": "}", "f(": ")", "([": "])"}[opener]
    (tmp_path / "deep.py").write_text("x = " + opener * count + closer * closed + "\n")
    proc, found = heaplint(tmp_path, "deep.py")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert codes(found["deep.py"]) == ["HL001"]


@pytest.mark.parametrize("prefix", ["-", "~", "+", "not ", "lambda: ", "- "])
def test_operand_less_prefix_runs_around_tree_sitters_stack_limit(tmp_path, prefix):
    """The same 0.20.7 bug through 65,534 prefix operators with no operand. No cap any more (the
    0.23.2 runtime parses the whole run): HL001 for the missing operand, no signal."""
    (tmp_path / "deep.py").write_text("x = " + prefix * 65_534 + "\n")
    proc, found = heaplint(tmp_path, "deep.py")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert codes(found["deep.py"]) == ["HL001"]


# Issue 26: runs of tokens the parser cannot reduce, each of which made Debian's tree-sitter 0.20.7 abort
# or segfault by itself (`free(): invalid size`, `munmap_chunk(): invalid pointer`), whatever heaplint
# capped. The runtime is now built from the pinned 0.23.2 sources; each must be HL001 and a normal exit.
LONG_ERROR_RUNS = {
    "colons_32767": "x = " + "1: " * 32_767,  # 0.20.7: SIGSEGV
    "colons_32768": "x = " + "1: " * 32_768,  # 0.20.7: free(): invalid size
    "ifs_70000": "[" + "if " * 70_000,
    "stars_70000": "* " * 70_000,
    "minus_spaced_70000": "x = " + "- " * 70_000,
}


@pytest.mark.parametrize("name", sorted(LONG_ERROR_RUNS))
def test_long_error_runs_exit_normally_with_hl001(tmp_path, name):
    (tmp_path / "run.py").write_text(LONG_ERROR_RUNS[name] + "\n")
    proc, found = heaplint(tmp_path, "run.py")
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    assert codes(found["run.py"]) == ["HL001"]


def test_seventy_thousand_deep_trees_past_the_removed_caps(tmp_path):
    """The 10,000-in-a-row caps existed only for 0.20.7; past them, the tree is as deep as the input
    and the analysis (flattening and every rule) must still finish normally."""
    (tmp_path / "unary.py").write_text("x = " + "-" * 70_000 + "1\n")
    (tmp_path / "fstring.py").write_text("x = f'{" + "(" * 70_000 + "1" + ")" * 70_000 + "}'\n")
    proc, found = heaplint(tmp_path, "unary.py", "fstring.py")
    # CPython rejects both (its parser's own limits); heaplint only must not crash.
    assert codes(found.get("unary.py", [])) in ([], ["HL001"])
    assert codes(found.get("fstring.py", [])) in ([], ["HL001"])


@pytest.mark.parametrize("depth", [200, 201])
def test_bracket_nesting_limit_is_cpythons(tmp_path, depth):
    source = "x = " + "(" * depth + "1" + ")" * depth + "\n"
    try:
        compile(source, "nest.py", "exec")
        expected = []
    except SyntaxError:
        expected = ["HL001"]
    (tmp_path / "nest.py").write_text(source)
    proc, found = heaplint(tmp_path, "nest.py")
    assert codes(found.get("nest.py", [])) == expected
    if expected:
        assert "too many nested parentheses" in found["nest.py"][0]["message"]


def test_very_long_lines(tmp_path):
    line = "x = [" + ", ".join(str(i) for i in range(400_000)) + "]"  # about 3 MB on one line
    (tmp_path / "long.py").write_text(line + "\n")
    (tmp_path / "long_bad.py").write_text(line + " +\n")
    (tmp_path / "wide.py").write_text("s = '" + "é" * 1_000_000 + "'; t = f(:)\n")
    proc, found = heaplint(tmp_path, "long.py", "long_bad.py", "wide.py")
    assert "long.py" not in found
    assert codes(found["long_bad.py"]) == ["HL001"] and found["long_bad.py"][0]["location"]["row"] == 1
    [item] = found["wide.py"]
    assert item["code"] == "HL001" and item["location"]["row"] == 1
    # the column counts the 1,000,000 two-byte characters once each: `s = '` + 10**6 + `'; t = f(` + 1
    assert item["location"]["column"] == len("s = '") + 1_000_000 + len("'; t = f(") + 1


def test_nul_bytes_anywhere(tmp_path):
    cases = {"start.py": b"\x00x = 1\n", "middle.py": b"x = 1\ny = 2\x00\n", "end.py": b"x = 1\n\x00",
             "comment.py": b"# \x00\nx = 1\n", "string.py": b"s = '\x00'\n"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    proc, found = heaplint(tmp_path, *cases)
    for name, data in cases.items():
        [item] = found[name]
        assert item["code"] == "HL003" and "NUL" in item["message"]
        assert f"line {data[:data.index(0)].count(10) + 1}" in item["message"]


def test_empty_and_whitespace_only_files(tmp_path):
    for name, data in {"empty.py": b"", "nl.py": b"\n\n\n", "ws.py": b"   \t  ", "cr.py": b"\r\r", "c.py": b"#"}.items():
        (tmp_path / name).write_bytes(data)
    proc, found = heaplint(tmp_path, "empty.py", "nl.py", "ws.py", "cr.py", "c.py")
    assert proc.returncode == 0 and found == {}


def test_symlink_loop_named_on_the_command_line(tmp_path):
    (tmp_path / "a.py").symlink_to(tmp_path / "b.py")
    (tmp_path / "b.py").symlink_to(tmp_path / "a.py")
    (tmp_path / "self.py").symlink_to(tmp_path / "self.py")
    (tmp_path / "ok.py").write_text("x = 1\n")
    proc, found = heaplint(tmp_path, "a.py", "b.py", "self.py", "ok.py")
    for name in ["a.py", "b.py", "self.py"]:
        [item] = found[name]
        assert item["code"] == "HL003" and "loop" in item["message"]
    assert "ok.py" not in found


def test_fifo_is_an_unreadable_file_not_a_hang(tmp_path):
    """Root can open any mode-000 file; a FIFO is a `.py` path no process can read to the end without a
    writer. heaplint must report it and go on (before this test, the run blocked forever)."""
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "link.py").symlink_to(tmp_path / "pipe.py")
    (tmp_path / "bad.py").write_text("def f(:\n")
    proc, found = heaplint(tmp_path, "pipe.py", "link.py", "bad.py", timeout=60)
    assert proc.returncode == 1
    # a link to an already listed file is the same file (discovery de-duplicates by real path)
    for name in {"pipe.py", "link.py"} & set(found):
        [item] = found[name]
        assert item["code"] == "HL003" and "FIFO" in item["message"]
    assert "pipe.py" in found and codes(found["bad.py"]) == ["HL001"]
    # walking the directory: no hang either; the FIFO (reached through the link) is one HL003
    proc, found = heaplint(tmp_path, ".", timeout=60)
    assert codes(found["bad.py"]) == ["HL001"]
    fifo = [i for n, items in found.items() if n != "bad.py" for i in items]
    assert len(fifo) == 1 and fifo[0]["code"] == "HL003" and "FIFO" in fifo[0]["message"]


def test_directory_named_py_inside_a_walk_is_walked_not_read(tmp_path):
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "inner.py").write_text("def f(:\n")
    proc, found = heaplint(tmp_path, ".")
    assert codes(found["inner.py"]) == ["HL001"] and "pkg.py" not in found


def test_stdin_with_malformed_bytes(tmp_path):
    for data, expected in [(b"\xff\xfe" + "x = 1\n".encode("utf-16-le"), "HL003"), (b"x = (\r", "HL001"),
                           (b"\x00", "HL003"), (b"", None)]:
        proc = subprocess.run([BIN, "check", "--no-cache", "--isolated", "--output-format", "json", "-"],
                              input=data, capture_output=True, timeout=60, cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        got = [i["code"] for i in json.loads(proc.stdout)]
        assert got == ([expected] if expected else []), (data, got)


def regression_files():
    if not os.path.isdir(REGRESSIONS):
        return []
    return sorted(os.path.join(REGRESSIONS, n) for n in os.listdir(REGRESSIONS) if n.endswith(".py"))


@pytest.mark.skipif(not regression_files(), reason="no fuzz regressions recorded")
def test_fuzz_regressions_do_not_crash(tmp_path):
    """Inputs `make fuzz` once crashed on (Tests/Fixtures/regressions): now diagnostics, never a signal."""
    for path in regression_files():
        proc = subprocess.run([BIN, "check", "--no-cache", "--isolated", "--output-format", "json", path],
                              capture_output=True, timeout=120)
        assert proc.returncode in (0, 1), (path, proc.returncode, proc.stderr[-1000:])
        json.loads(proc.stdout)
