"""heaplint's in-tree PEP 517 build backend (standard library only).

`pip wheel .` / `pip install .` call this backend (pyproject.toml: `build-backend = "heaplint_build"`,
`backend-path = ["Sources/PythonPackaging"]`). It builds the self-contained release binary with
`make dist-binary` and packs it as the wheel's `heaplint` script, the way ruff's wheel carries its binary:
`heaplint-<version>.data/scripts/heaplint`, which pip installs into the environment's `bin/` unchanged.

The version is read from the one `public static let version = "X.Y.Z"` line in Sources/HeapDiagnostics/
(HeapDiagnosticsInfo.version), the same constant `heaplint --version` prints.

Environment:
  HEAPLINT_PREBUILT_BINARY  path to an already built heaplint binary; the backend packs it instead of
                            building (used by `make dist`, by the tests, and for pre-commit installs on
                            machines that already hold a binary). It must print the same version
                            (followed by the build stamp, "(<commit> <date>)", if it has one).
"""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - building needs 3.11 (see pyproject requires-python)
    tomllib = None

ROOT = Path(__file__).resolve().parents[3]
VERSION_DIR = ROOT / "Sources" / "HeapDiagnostics"
PACKAGE_DIR = ROOT / "Sources" / "PythonPackaging" / "heaplint"
DIST_BINARY = ROOT / ".build-dist" / "release" / "heaplint"
_VERSION_LINE = re.compile(r'^\s*public static let version = "([0-9]+\.[0-9]+\.[0-9]+(?:[.-]?[a-z0-9.]+)?)"\s*$',
                           re.MULTILINE)

# What an sdist carries: everything `make dist-binary` needs on a machine with Swift and no network
# (SwiftPM refuses a manifest whose test targets have no folder, so Tests/ comes along).
# grammars/python/ and grammars/tree-sitter/ are the fetched (git-ignored) grammar and tree-sitter runtime;
# shipping them keeps the sdist build offline.
_SDIST_ROOTS = ["Package.swift", "Makefile", "README.md", "pyproject.toml", ".pre-commit-hooks.yaml",
                "Sources", "Tests", "grammars"]
_SDIST_SKIP = {"__pycache__", ".build", ".build-dist", ".DS_Store", ".pytest_cache"}


class BuildError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------- metadata

def version() -> str:
    """The version written once in Sources/HeapDiagnostics (HeapDiagnosticsInfo.version)."""
    found = [(path.name, v) for path in sorted(VERSION_DIR.glob("*.swift"))
             for v in _VERSION_LINE.findall(path.read_text(encoding="utf-8"))]
    if len(found) != 1:
        raise BuildError(f"{VERSION_DIR}: expected exactly one line "
                         f'`public static let version = "X.Y.Z"`, found {found or "none"}')
    return found[0][1]


def _project() -> dict:
    if tomllib is None:
        raise BuildError("building heaplint needs Python 3.11+ (tomllib)")
    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    if project.get("dynamic") != ["version"] or "version" in project:
        raise BuildError("pyproject.toml: the version must be dynamic (it comes from Version.swift)")
    return project


def _normalized_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def metadata_text() -> str:
    """Core metadata 2.1 (PEP 566) from pyproject.toml's [project] table."""
    p = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {version()}"]
    if "description" in p:
        lines.append(f"Summary: {p['description']}")
    if "requires-python" in p:
        lines.append(f"Requires-Python: {p['requires-python']}")
    lic = p.get("license")
    if isinstance(lic, dict) and "text" in lic:
        lines.append(f"License: {lic['text']}")
    elif isinstance(lic, str):
        lines.append(f"License: {lic}")
    if p.get("keywords"):
        lines.append(f"Keywords: {','.join(p['keywords'])}")
    for person in p.get("authors", []):
        if "name" in person and "email" in person:
            lines.append(f"Author-email: {person['name']} <{person['email']}>")
        elif "name" in person:
            lines.append(f"Author: {person['name']}")
    for c in p.get("classifiers", []):
        lines.append(f"Classifier: {c}")
    for label, url in p.get("urls", {}).items():
        lines.append(f"Project-URL: {label}, {url}")
    body = ""
    readme = p.get("readme")
    if readme:
        path = readme if isinstance(readme, str) else readme["file"]
        lines.append("Description-Content-Type: text/markdown; charset=UTF-8")
        body = (ROOT / path).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + body


# ---------------------------------------------------------------------------------------------- binary

def make_environment(environ) -> dict[str, str]:
    """The environment for `make`, without the build pip's state.

    In a fresh clone the grammar fetch runs `python3 -m pip download`, which must not inherit pip's
    isolated environment (PYTHONPATH hides site-packages), the hook runner's backend variables (they would
    point that pip's own sdist builds at this backend) or its build trackers.
    """
    return {k: v for k, v in environ.items()
            if k not in ("PYTHONPATH", "PYTHONNOUSERSITE", "PIP_BUILD_TRACKER", "PIP_REQ_TRACKER")
            and not k.startswith(("_PYPROJECT_HOOKS_", "PEP517_"))}


def _binary() -> Path:
    prebuilt = os.environ.get("HEAPLINT_PREBUILT_BINARY")
    if prebuilt:
        path = Path(prebuilt)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise BuildError(f"HEAPLINT_PREBUILT_BINARY={prebuilt} is not an executable file")
    else:
        # Always ask make: it is incremental, so a fresh tree builds and an up-to-date one costs seconds,
        # and a stale binary from an older checkout is never packed.
        print("heaplint_build: building the self-contained binary (make dist-binary)", file=sys.stderr)
        proc = subprocess.run(["make", "-s", "dist-binary"], cwd=ROOT, stdout=sys.stderr,
                              env=make_environment(os.environ))
        if proc.returncode != 0:
            raise BuildError("`make dist-binary` failed; see the output above "
                             "(building from source needs Swift 6 and a C compiler)")
        path = DIST_BINARY
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True)
    # "0.1.0", or "0.1.0 (<commit> <date>)" from a stamped `make dist-binary` build.
    if out.returncode != 0 or out.stdout.split()[:1] != [version()]:
        raise BuildError(f"{path} --version printed {out.stdout.strip()!r}, "
                         f"but HeapDiagnosticsInfo.version (Version.swift) says {version()!r}: rebuild the binary")
    return path


# Shared libraries every manylinux system provides (PEP 600 / auditwheel's allow-list, the part we use).
_MANYLINUX_LIBS = re.compile(r"^(libc|libm|libdl|librt|libpthread|libutil|libstdc\+\+|libgcc_s|ld-linux-[\w-]+)\.so(\.\d+)*$")


def platform_tag(binary: Path) -> str:
    """manylinux_2_N_<arch> from the newest GLIBC symbol version the binary needs.

    The self-contained binary needs only libc, libm, libstdc++, libgcc_s and the loader, all on the
    manylinux allow-list. A binary that needs anything else (a dev build linking libswiftCore.so), or a
    machine without readelf, gets the plain linux_<arch> tag: installable here, not claimed portable.
    """
    import platform
    arch = platform.machine() or "x86_64"
    try:
        dynamic = subprocess.run(["readelf", "--dynamic", "--wide", str(binary)],
                                 capture_output=True, text=True, check=True).stdout
        symbols = subprocess.run(["readelf", "--version-info", "--wide", str(binary)],
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return f"linux_{arch}"
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
    versions = [tuple(map(int, m)) for m in re.findall(r"GLIBC_(\d+)\.(\d+)", symbols)]
    if not versions or not all(_MANYLINUX_LIBS.match(lib) for lib in needed):
        return f"linux_{arch}"
    major, minor = max(versions)
    return f"manylinux_{major}_{minor}_{arch}"


# ---------------------------------------------------------------------------------------------- wheel

def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _zip_info(name: str, mode: int) -> zipfile.ZipInfo:
    # A fixed date keeps the wheel reproducible for the same binary.
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _dist_info_files(tag: str) -> dict[str, bytes]:
    wheel = ("Wheel-Version: 1.0\nGenerator: heaplint_build\nRoot-Is-Purelib: false\n"
             f"Tag: py3-none-{tag}\n")
    files = {"METADATA": metadata_text().encode(), "WHEEL": wheel.encode()}
    entry_points = entry_points_text()
    if entry_points:
        files["entry_points.txt"] = entry_points.encode()
    return files


def entry_points_text() -> str:
    """entry_points.txt (the packaging spec's INI format) from [project.entry-points] and [project.scripts]."""
    p = _project()
    groups = dict(p.get("entry-points", {}))
    for key, group in (("scripts", "console_scripts"), ("gui-scripts", "gui_scripts")):
        if key in p:
            groups[group] = p[key]
    sections = []
    for group in sorted(groups):
        lines = [f"[{group}]"] + [f"{name} = {target}" for name, target in sorted(groups[group].items())]
        sections.append("\n".join(lines) + "\n")
    return "\n".join(sections)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    binary = _binary()
    name, ver = _normalized_name(_project()["name"]), version()
    tag = platform_tag(binary)
    filename = f"{name}-{ver}-py3-none-{tag}.whl"
    dist_info, data = f"{name}-{ver}.dist-info", f"{name}-{ver}.data"
    entries: list[tuple[str, bytes, int]] = []
    for src in sorted(PACKAGE_DIR.glob("*.py")):
        entries.append((f"heaplint/{src.name}", src.read_bytes(), 0o644))
    entries.append((f"{data}/scripts/heaplint", binary.read_bytes(), 0o755))
    for fname, content in _dist_info_files(tag).items():
        entries.append((f"{dist_info}/{fname}", content, 0o644))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arcname, content, _ in entries:
        writer.writerow([arcname, _record_hash(content), len(content)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    entries.append((f"{dist_info}/RECORD", record.getvalue().encode(), 0o644))
    os.makedirs(wheel_directory, exist_ok=True)
    target = Path(wheel_directory) / filename
    tmp = target.with_suffix(".whl.part")
    with zipfile.ZipFile(tmp, "w") as zf:
        for arcname, content, mode in entries:
            zf.writestr(_zip_info(arcname, mode), content)
    os.replace(tmp, target)
    return filename


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    name, ver = _normalized_name(_project()["name"]), version()
    dist_info = Path(metadata_directory) / f"{name}-{ver}.dist-info"
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(metadata_text(), encoding="utf-8")
    # The platform tag is only known once the binary exists; pip reads just METADATA from here.
    files = _dist_info_files("linux_x86_64")
    (dist_info / "WHEEL").write_text(files["WHEEL"].decode(), encoding="utf-8")
    if "entry_points.txt" in files:
        (dist_info / "entry_points.txt").write_text(files["entry_points.txt"].decode(), encoding="utf-8")
    return dist_info.name


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


# ---------------------------------------------------------------------------------------------- sdist

def _sdist_files() -> list[Path]:
    files: list[Path] = []
    for root in _SDIST_ROOTS:
        path = ROOT / root
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if d not in _SDIST_SKIP and d != ".downloads")
                files.extend(Path(dirpath) / f for f in sorted(filenames)
                             if not f.endswith((".pyc", ".whl.part")))
    return files


def build_sdist(sdist_directory, config_settings=None):
    name, ver = _normalized_name(_project()["name"]), version()
    for fetched in ("python/parser.c", "tree-sitter/src/lib.c"):
        if not (ROOT / "grammars" / fetched).is_file():
            raise BuildError(f"grammars/{fetched} is missing: run `make grammar` first so the sdist builds offline")
    base = f"{name}-{ver}"
    os.makedirs(sdist_directory, exist_ok=True)
    target = Path(sdist_directory) / f"{base}.tar.gz"
    tmp = target.with_suffix(".part")

    def add(tar: tarfile.TarFile, arcname: str, data: bytes, mode: int) -> None:
        info = tarfile.TarInfo(arcname)
        info.size, info.mode, info.mtime = len(data), mode, 1767225600
        info.uname = info.gname = ""
        tar.addfile(info, io.BytesIO(data))

    with tarfile.open(tmp, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        add(tar, f"{base}/PKG-INFO", metadata_text().encode(), 0o644)
        for path in _sdist_files():
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            add(tar, f"{base}/{path.relative_to(ROOT).as_posix()}", path.read_bytes(), mode)
    os.replace(tmp, target)
    return target.name


# ---------------------------------------------------------------------------------------------- make dist

def main(argv: list[str]) -> int:
    """`python -m heaplint_build DIR`: write the sdist and the wheel into DIR (used by `make dist`)."""
    out = argv[0] if argv else "dist"
    try:
        print(Path(out) / build_sdist(out))
        print(Path(out) / build_wheel(out))
    except BuildError as e:
        print(f"heaplint_build: error: {e}", file=sys.stderr)
        return 2
    return 0
