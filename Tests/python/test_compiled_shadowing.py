"""A `foo.py` beside a compiled extension module of the same name (a mypyc-built wheel, a Cython fallback) does
not run: CPython's path finder tries the extension loader before the source loader. heaplint grades the cycles
through a frame in such a file `not-run`, leaves them out of the default output, names the file and the extension in the
summary, and shows them with --report-once-per-process. Only cycles through a Python frame are graded so: the
extension is compiled from the same source (mypyc, Cython), and the objects it builds form the same cycles; what it
never makes is a Python frame per call. The oracle is `importlib.util.find_spec` under this
python3 on the same layout: the spec's origin says which file `import` would load."""
import importlib.machinery
import json
import os
import subprocess
import sys
import textwrap

import pytest

BIN = os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")

# A caught exception stored on an object the frame's local reaches: request -> error -> __traceback__ ->
# tb_frame -> f_locals -> request, a cycle only a Python frame closes.
FRAME_CYCLE = textwrap.dedent("""\
    def handle(request):
        try:
            request.run()
        except Exception as error:
            request.error = error
    """)
# A container holding itself: compiled code builds this dict and its self-reference the same way.
OBJECT_CYCLE = textwrap.dedent("""\
    def remember(request):
        state = {"request": request}
        state["self"] = state
        return len(state)
    """)
CYCLE = FRAME_CYCLE + "\n\n" + OBJECT_CYCLE

# The suffixes this interpreter loads, most specific first (`.cpython-311-x86_64-linux-gnu.so`, `.abi3.so`,
# `.so` on Linux): each one, alone beside the `.py`, must win the import and hide the findings.
SUFFIXES = importlib.machinery.EXTENSION_SUFFIXES


def run(args, cwd):
    return subprocess.run([os.path.abspath(BIN), "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def spec_origin(directory, module):
    """Where `import module` would load from, asked of CPython's own import system in a fresh process. Only the
    spec is computed: the extension is never loaded (an empty file would fail to load; the finder does not care)."""
    code = ("import importlib.util, sys; sys.path.insert(0, sys.argv[1]); "
            "spec = importlib.util.find_spec(sys.argv[2]); print(spec.origin); print(type(spec.loader).__name__)")
    out = subprocess.run([sys.executable, "-c", code, str(directory), module], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split("\n")
    return os.path.basename(out[0]), out[1]


def layout(tmp_path, extension):
    (tmp_path / "fastmod.py").write_text(CYCLE)
    (tmp_path / "plain.py").write_text(CYCLE)
    if extension:
        # An empty file with the extension's name is enough: discovery looks only at names, as the path
        # finder's directory cache does.
        (tmp_path / extension).write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_shadowed_file_is_left_out_and_named(tmp_path, suffix):
    extension = "fastmod" + suffix
    layout(tmp_path, extension)
    # The oracle: CPython would load the extension, not fastmod.py; plain.py has no extension beside it.
    assert spec_origin(tmp_path, "fastmod") == (extension, "ExtensionFileLoader")
    assert spec_origin(tmp_path, "plain") == ("plain.py", "SourceFileLoader")

    default = run(["--output-format", "json", "--exit-zero", "."], tmp_path)
    assert default.returncode == 0, default.stderr
    by_file = {}
    for d in json.loads(default.stdout):
        by_file.setdefault(os.path.basename(d["filename"]), []).append(d["location"]["row"])
    frame_line = CYCLE.splitlines().index("        request.error = error") + 1
    object_line = CYCLE.splitlines().index('    state["self"] = state') + 1
    # plain.py: both cycles; fastmod.py: only the object cycle the compiled code still builds.
    assert sorted(by_file["plain.py"]) == [frame_line, object_line], by_file
    assert by_file["fastmod.py"] == [object_line], by_file

    text = run(["--exit-zero", "."], tmp_path)
    assert f"fastmod.py: shadowed by compiled module {extension}" in text.stdout
    assert "in code that does not run" in text.stdout and "--report-once-per-process" in text.stdout

    shown = run(["--output-format", "json", "--exit-zero", "--report-once-per-process", "."], tmp_path)
    findings = json.loads(shown.stdout)
    shadowed = [d for d in findings if os.path.basename(d["filename"]) == "fastmod.py"]
    plain = [d for d in findings if os.path.basename(d["filename"]) == "plain.py"]
    # Nothing is dropped: the same findings as the unshadowed copy; the frame cycle graded `not-run` with the reason.
    assert shadowed and len(shadowed) == len(plain)
    graded = {d["location"]["row"]: d for d in shadowed}
    assert graded[frame_line]["lifetime"] == "not-run" and extension in graded[frame_line]["lifetime_reason"]
    assert graded[object_line]["lifetime"] == "per-call"
    # The unshadowed copy keeps its own grades (an exception stored in a handler is an error path).
    assert {d["location"]["row"]: d["lifetime"] for d in plain} == {frame_line: "error-path", object_line: "per-call"}


def test_other_interpreters_names_and_stubs_do_not_shadow(tmp_path):
    """Names that are not extension modules of `fastmod` (another module's `.so`, a data file with a dotted
    tag, a stub) leave the `.py` running, as find_spec confirms."""
    layout(tmp_path, None)
    for name in ["fastmod_helpers" + SUFFIXES[0], "fastmod.data.txt", "fastmod.pyi", "fastmod.so.bak"]:
        (tmp_path / name).write_bytes(b"")
    assert spec_origin(tmp_path, "fastmod") == ("fastmod.py", "SourceFileLoader")
    default = run(["--output-format", "json", "--exit-zero", "."], tmp_path)
    files = [os.path.basename(d["filename"]) for d in json.loads(default.stdout)]
    assert files.count("fastmod.py") == files.count("plain.py") > 0


def test_package_init_shadowed_by_compiled_init(tmp_path):
    """mypyc compiles a package's `__init__.py` too: `__init__<suffix>` is found first the same way."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(CYCLE)
    (package / ("__init__" + SUFFIXES[0])).write_bytes(b"")
    assert spec_origin(tmp_path, "pkg")[0] == "__init__" + SUFFIXES[0]
    default = run(["--output-format", "json", "--exit-zero", "."], tmp_path)
    assert [d["location"]["row"] for d in json.loads(default.stdout)] == [CYCLE.splitlines().index('    state["self"] = state') + 1]
    shown = run(["--output-format", "json", "--exit-zero", "--report-once-per-process", "."], tmp_path)
    assert sorted(d["lifetime"] for d in json.loads(shown.stdout)) == ["not-run", "per-call"]
