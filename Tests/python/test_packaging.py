"""The self-contained binary, the wheel and the sdist (issue 9).

Built once per session by `make dist` (see heaplint_dist.py). Each test asserts behaviour: what the
dynamic section needs, what a fresh virtualenv gets from the wheel, what uninstall leaves.
"""
from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from heaplint_dist import ROOT, dist, rule_examples, source_version

SYNTAX_ERROR = "def broken(:\n    return 1\n"
# Shared libraries that would make the binary depend on a Swift toolchain or a tree-sitter library
# (the runtime is compiled in from the pinned sources).
FORBIDDEN_NEEDED = re.compile(r"libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libtree-sitter")


def needed_libraries(binary: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(binary)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


# ------------------------------------------------------------------------------------------ binary

@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_binary_needs_only_the_c_runtime():
    needed = needed_libraries(dist().binary)
    assert "libc.so.6" in needed, needed  # the dynamic section was really read
    assert [lib for lib in needed if FORBIDDEN_NEEDED.search(lib)] == []


def test_binary_carries_no_icu_data():
    """Issue 27: linking Foundation (through TOMLKit, before HeapTOML) put ICU's 38 MB data blob in the binary;
    every entry of that blob is named "icudt<version><endianness>/...", so a single occurrence means it is back."""
    assert re.search(rb"icudt\d+[lb]", dist().binary.read_bytes()) is None


# ruff's binary, which the issue asks the wheel to stay under.
RUFF_BINARY_BYTES = 24_500_000


def test_wheel_is_smaller_than_ruffs_binary():
    assert dist().wheel.stat().st_size < RUFF_BINARY_BYTES, f"{dist().wheel.name}: {dist().wheel.stat().st_size:,} bytes"


def test_version_names_the_commit_and_its_date():
    """`make dist-binary` stamps "<commit> <commit date>" into the binary (grammars/stamp-build.py), so
    `--version` and `heaplint version` say which source a released binary was built from (issue 27)."""
    forms = [subprocess.run([str(dist().binary), *args], capture_output=True, text=True).stdout
             for args in (["--version"], ["version"], ["-V"])]
    assert forms[0] == forms[1] == forms[2]
    m = re.fullmatch(r"(\S+) \(([0-9a-f]{9})(-dirty)? (\d{4}-\d{2}-\d{2})\)\n", forms[0])
    assert m, forms[0]
    assert m.group(1) == source_version()
    if not os.environ.get("HEAPLINT_DIST_DIR") and (ROOT / ".git").exists():
        head = subprocess.run(["git", "rev-parse", "--short=9", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        date = subprocess.run(["git", "log", "-1", "--format=%cs", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        assert (m.group(2), m.group(4)) == (head, date)


def test_binary_runs_alone_in_an_empty_folder(tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy2(dist().binary, alone / "heaplint")
    assert sorted(p.name for p in alone.iterdir()) == ["heaplint"]
    project = tmp_path / "project"
    project.mkdir()
    (project / "bad.py").write_text(SYNTAX_ERROR)
    # No PATH, no LD_LIBRARY_PATH, nothing from the toolchain's environment.
    env = {}
    version = subprocess.run(["./heaplint", "--version"], cwd=alone, env=env, capture_output=True, text=True)
    assert version.returncode == 0, version.stderr
    assert version.stdout.split()[0] == source_version()
    proc = subprocess.run(["./heaplint", "check", str(project / "bad.py")], cwd=alone, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "HL001" in proc.stdout and "bad.py:1:" in proc.stdout


# ------------------------------------------------------------------------------------------ wheel

def read_wheel(path: Path) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    zf = zipfile.ZipFile(path)
    return zf, {info.filename: info for info in zf.infolist()}


def test_wheel_layout_metadata_and_record():
    version = source_version()
    wheel = dist().wheel
    assert wheel.name.startswith(f"heaplint-{version}-py3-none-")
    platform = wheel.name[len(f"heaplint-{version}-py3-none-"):-len(".whl")]
    assert re.fullmatch(r"manylinux_2_\d+_x86_64|linux_x86_64", platform), platform
    zf, infos = read_wheel(wheel)
    script = f"heaplint-{version}.data/scripts/heaplint"
    assert script in infos
    assert (infos[script].external_attr >> 16) & 0o111, "the binary must be executable in the wheel"
    assert zf.read(script) == dist().binary.read_bytes()

    meta = email.parser.Parser().parsestr(zf.read(f"heaplint-{version}.dist-info/METADATA").decode())
    assert meta["Name"] == "heaplint" and meta["Version"] == version
    assert meta["License"]
    assert any(c.startswith("License :: ") for c in meta.get_all("Classifier"))
    assert "Programming Language :: Python :: 3" in meta.get_all("Classifier")
    assert {u.split(",")[0] for u in meta.get_all("Project-URL")} >= {"Homepage", "Repository"}
    assert meta.get_payload().startswith("# heaplint")  # README as the long description

    wheel_meta = email.parser.Parser().parsestr(zf.read(f"heaplint-{version}.dist-info/WHEEL").decode())
    assert wheel_meta["Root-Is-Purelib"] == "false"
    assert wheel_meta["Tag"] == f"py3-none-{platform}"

    record = list(csv.reader(io.StringIO(zf.read(f"heaplint-{version}.dist-info/RECORD").decode())))
    listed = {row[0] for row in record}
    assert listed == set(infos), "RECORD must list every file in the wheel"
    for name, digest, size in record:
        if name.endswith("RECORD"):
            continue
        data = zf.read(name)
        expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert (digest, int(size)) == (expected, len(data)), name


def venv_files(venv: Path) -> set[str]:
    return {str(p.relative_to(venv)) for p in venv.rglob("*")
            if "__pycache__" not in p.parts or "heaplint" in str(p)}


def test_wheel_installs_runs_and_uninstalls_cleanly(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py, pip = venv / "bin" / "python", [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    before = venv_files(venv)

    subprocess.run([*pip, "install", "-q", "--no-index", str(dist().wheel)], check=True)
    heaplint = venv / "bin" / "heaplint"
    assert heaplint.is_file() and os.access(heaplint, os.X_OK)
    assert heaplint.read_bytes()[:4] == b"\x7fELF", "the script is the binary itself, not a Python launcher"

    bad = tmp_path / "bad.py"
    bad.write_text(SYNTAX_ERROR)
    proc = subprocess.run([str(heaplint), "check", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 1 and "HL001" in proc.stdout, proc.stdout + proc.stderr
    clean = tmp_path / "clean.py"
    clean.write_text("def fine():\n    return [1, 2, 3]\n")
    proc = subprocess.run([str(heaplint), "check", str(clean)], capture_output=True, text=True)
    assert proc.returncode == 0 and "HL" not in proc.stdout, proc.stdout + proc.stderr
    # `python -m heaplint` finds the same binary (for environments whose bin/ is not on PATH).
    proc = subprocess.run([str(py), "-m", "heaplint", "--version"], capture_output=True, text=True)
    assert proc.stdout.split()[0] == source_version(), proc.stdout + proc.stderr  # then the build stamp

    subprocess.run([*pip, "uninstall", "-q", "-y", "heaplint"], check=True)
    after = venv_files(venv)
    assert after == before, f"left behind: {sorted(after - before)}; removed: {sorted(before - after)}"


def test_installed_wheel_reports_a_reference_cycle(tmp_path):
    examples = rule_examples(dist().binary, "HL101")
    assert examples, "HL101 has no triggering example"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-index", str(dist().wheel)], check=True)
    cycle = tmp_path / "cycle.py"
    cycle.write_text(examples[0])
    proc = subprocess.run([str(venv / "bin" / "heaplint"), "check", str(cycle)], capture_output=True, text=True)
    assert proc.returncode == 1 and "HL101" in proc.stdout, proc.stdout + proc.stderr


# ------------------------------------------------------------------------------------------ PEP 517 paths

def pip_wheel(source: Path, out: Path, binary: Path | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("HEAPLINT_PREBUILT_BINARY", None)
    if binary is not None:
        env["HEAPLINT_PREBUILT_BINARY"] = str(binary)
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--no-deps",
                           "-q", "-w", str(out), str(source)], env=env, capture_output=True, text=True)


def test_pip_wheel_through_the_in_tree_backend(tmp_path):
    # pip (isolated build env, backend-path) with the prebuilt binary: the same wheel content as `make dist`.
    proc = pip_wheel(ROOT, tmp_path, dist().binary)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = tmp_path.glob("heaplint-*.whl")
    assert wheel.name == dist().wheel.name
    with zipfile.ZipFile(wheel) as a, zipfile.ZipFile(dist().wheel) as b:
        assert {i.filename: i.CRC for i in a.infolist()} == {i.filename: i.CRC for i in b.infolist()}


def test_pip_wheel_without_a_prebuilt_binary_builds_through_make(tmp_path):
    # The backend runs `make dist-binary` in the source tree; after `make dist` it is an incremental no-op,
    # so the packed binary is byte-identical to the one `make dist` built.
    proc = pip_wheel(ROOT, tmp_path, None)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = tmp_path.glob("heaplint-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read(f"heaplint-{source_version()}.data/scripts/heaplint") == dist().binary.read_bytes()


def test_sdist_holds_what_an_offline_build_needs_and_builds(tmp_path):
    sdist = dist().sdist
    assert sdist is not None and sdist.name == f"heaplint-{source_version()}.tar.gz"
    with tarfile.open(sdist) as tar:
        names = set(tar.getnames())
        tar.extractall(tmp_path, filter="data")
    base = f"heaplint-{source_version()}"
    for required in ["PKG-INFO", "pyproject.toml", "Package.swift", "Makefile", "README.md",
                     "Sources/HeapDiagnostics/Version.swift", "Sources/PythonPackaging/heaplint_build/__init__.py",
                     "grammars/fetch-python.sh", "grammars/python/parser.c", "grammars/python/scanner.c",
                     "grammars/python/.stamp", "grammars/tree-sitter/src/lib.c",
                     "grammars/tree-sitter/include/tree_sitter/api.h", "grammars/tree-sitter/.stamp"]:
        assert f"{base}/{required}" in names, required
    assert f"{base}/Tests/python/test_packaging.py" in names  # SwiftPM needs the test folders
    assert not any("/.build" in n or "__pycache__" in n or "/dist/" in n for n in names)
    # The backend works from the unpacked sdist (packing the prebuilt binary; the from-scratch Swift build
    # is the slow test below).
    proc = pip_wheel(tmp_path / base, tmp_path / "out", dist().binary)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [w.name for w in (tmp_path / "out").glob("*.whl")] == [dist().wheel.name]


@pytest.mark.skipif(os.environ.get("HEAPLINT_SLOW_TESTS") != "1",
                    reason="builds the release binary from the sdist from scratch (minutes); set HEAPLINT_SLOW_TESTS=1")
def test_sdist_builds_from_scratch_with_swift(tmp_path):
    with tarfile.open(dist().sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    proc = pip_wheel(tmp_path / f"heaplint-{source_version()}", tmp_path / "out", None)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = (tmp_path / "out").glob("heaplint-*.whl")
    assert wheel.name == dist().wheel.name


def test_backend_refuses_a_binary_of_another_version(tmp_path):
    fake = tmp_path / "heaplint"
    fake.write_text("#!/bin/sh\necho 0.0.0-other\n")
    fake.chmod(0o755)
    proc = pip_wheel(ROOT, tmp_path / "out", fake)
    assert proc.returncode != 0
    assert "Version.swift" in proc.stdout + proc.stderr
    assert not list((tmp_path / "out").glob("*.whl")) if (tmp_path / "out").exists() else True


@pytest.mark.skipif(shutil.which("swift") is None, reason="swift is not installed")
def test_swiftpm_does_not_treat_the_python_backend_as_a_target():
    proc = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    targets = {t["name"] for t in json.loads(proc.stdout)["targets"]}
    assert "heaplint" in targets and not {"PythonPackaging", "heaplint_build"} & targets


@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_platform_tag_claims_manylinux_only_for_the_self_contained_binary():
    sys.path.insert(0, str(ROOT / "Sources" / "PythonPackaging"))
    try:
        import heaplint_build
    finally:
        sys.path.pop(0)
    assert re.fullmatch(r"manylinux_2_\d+_x86_64", heaplint_build.platform_tag(dist().binary))
    assert dist().wheel.name.endswith(f"-py3-none-{heaplint_build.platform_tag(dist().binary)}.whl")
    dev = Path(os.environ.get("HEAPLINT_BIN", ROOT / ".build" / "debug" / "heaplint"))
    if not dev.exists() or not any(lib.startswith("libswift") for lib in needed_libraries(dev)):
        pytest.skip("no dynamically linked dev build to compare with")
    assert heaplint_build.platform_tag(dev) == "linux_x86_64"


def test_make_runs_without_the_build_pips_state():
    # Found by a fresh-clone pre-commit install: the grammar download's own pip inherited the hook runner's
    # backend path and tried to build the grammar sdists with heaplint_build.
    sys.path.insert(0, str(ROOT / "Sources" / "PythonPackaging"))
    try:
        import heaplint_build
    finally:
        sys.path.pop(0)
    env = heaplint_build.make_environment({
        "PATH": "/usr/bin", "PIP_INDEX_URL": "https://example.invalid/simple", "HOME": "/root",
        "PYTHONPATH": "/tmp/overlay", "PYTHONNOUSERSITE": "1", "PIP_BUILD_TRACKER": "/tmp/t",
        "_PYPROJECT_HOOKS_BUILD_BACKEND": "heaplint_build", "_PYPROJECT_HOOKS_BACKEND_PATH": "Sources/PythonPackaging",
        "PEP517_BUILD_BACKEND": "heaplint_build", "PEP517_BACKEND_PATH": "Sources/PythonPackaging",
    })
    assert env == {"PATH": "/usr/bin", "PIP_INDEX_URL": "https://example.invalid/simple", "HOME": "/root"}
