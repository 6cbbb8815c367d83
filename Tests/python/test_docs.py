"""The docs followed literally (issue 27): install lines, the CI workflow, the Makefile claims and no stale
promises. Each test runs the line the docs give, as a user would paste it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import venv
from pathlib import Path

import yaml  # PyYAML: a dependency of pre-commit, which `make venv` installs

from heaplint_dist import ROOT, dist

EDITORS = ROOT / "editors"
BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ROOT / ".build" / "debug" / "heaplint"))
# What users read and follow: the README, every editor/CI doc and config, the hook definitions.
USER_DOCS = [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml",
             *sorted(p for p in EDITORS.rglob("*") if p.is_file() and p.suffix in {".md", ".yml", ".lua", ".rs"})]

# Promises about a future that docs make and then forget: each was found stale once.
STALE = [
    (r"pip install heaplint\b", "heaplint is not on any package index"),
    (r"\bonce the\b[^.\n]*\b(exist|are in)", "a promise of rules that may already exist"),
    (r"\bskipped while\b", "a test skip described as temporary"),
    (r"rev: v\d", "a version tag as pre-commit rev: the repository has no tags"),
    (r"until heaplint is on PyPI", "a promise about PyPI"),
]


def test_user_docs_make_no_stale_promises():
    found = [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r} ({why})"
             for path in USER_DOCS for text in [path.read_text()]
             for pattern, why in STALE for m in re.finditer(pattern, text)]
    assert not found, "\n".join(found)


def fresh_venv(path: Path) -> Path:
    venv.create(path, with_pip=True)
    return path / "bin"


def pip(bin_dir: Path, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "python"), "-m", "pip", "--disable-pip-version-check", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=900)


def test_readme_pip_install_dot_from_a_clone(tmp_path):
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    assert "pip install ." in lines
    bin_dir = fresh_venv(tmp_path / "venv")
    # The backend packs the binary `make dist` built instead of building it a second time.
    env = dict(os.environ, HEAPLINT_PREBUILT_BINARY=str(dist().binary))
    proc = subprocess.run(["bash", "-c", f"{bin_dir}/python -m pip -q install ."], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    proc = subprocess.run([str(bin_dir / "heaplint"), "check", "bad.py"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "HL001" in proc.stdout, proc.stdout + proc.stderr


def test_github_workflow_install_line_and_commands_as_written(tmp_path):
    steps = yaml.safe_load((EDITORS / "github-actions" / "heaplint.yml").read_text())["jobs"]["heaplint"]["steps"]
    (install,) = [s["run"] for s in steps if s.get("name") == "Install heaplint"]
    checks = [s["run"] for s in steps if s.get("run", "").startswith("heaplint ")]
    # The checkout the workflow runs in: the wheel committed under tools/, a file with a finding.
    (tmp_path / "tools").mkdir()
    shutil.copy(dist().wheel, tmp_path / "tools")
    (tmp_path / "bad.py").write_text("def f(:\n    pass\n")
    bin_dir = fresh_venv(tmp_path / ".venv")  # what actions/setup-python puts first on PATH
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    proc = subprocess.run(["bash", "-e", "-c", install], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (bin_dir / "heaplint").exists()
    codes = [subprocess.run(["bash", "-e", "-c", c], cwd=tmp_path, env=env, capture_output=True, text=True)
             for c in checks]
    assert [p.returncode for p in codes] == [1, 0], [p.stderr for p in codes]  # annotations fail; SARIF --exit-zero
    assert "HL001" in (tmp_path / "heaplint.sarif").read_text()


def test_readme_names_the_binary_each_make_target_builds():
    text = " ".join((ROOT / "README.md").read_text().split())
    claims = dict((target, path) for path, target in
                  re.findall(r"`(\.build/\w+/heaplint)` after `make (\w+)`", text))
    assert claims.get("build") == ".build/debug/heaplint", claims
    recipe = subprocess.run(["make", "-n", "-s", "build"], cwd=ROOT, capture_output=True, text=True).stdout
    swift = [line for line in recipe.splitlines() if re.search(r"\bswift build\b", line)]
    assert swift and not any("-c release" in line for line in swift), recipe


def run_make_demo(tmp_path) -> str:
    """`make demo`'s stdout, with a stand-in swift (the build is not under test here) and the binary under
    test as the release binary, shown under its real path."""
    fake_swift = tmp_path / "swift"
    fake_swift.write_text("#!/bin/sh\necho FAKE-SWIFT \"$@\"\n")
    release = tmp_path / "heaplint"
    release.write_text(f"#!/bin/sh\nexec {BIN} \"$@\"\n")
    for f in (fake_swift, release):
        f.chmod(0o755)
    # Under `make test` this make is a sub-make: without the parent's variables and with
    # --no-print-directory it prints what a user's `make demo` prints (no "Entering directory" lines).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    proc = subprocess.run(["make", "--no-print-directory", "demo", f"SWIFT={fake_swift}", f"RELEASE_BIN={release}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.replace(str(release), ".build/release/heaplint")


def test_make_demo_says_it_is_building_before_the_long_step(tmp_path):
    out = run_make_demo(tmp_path)
    assert "FAKE-SWIFT build -q -c release" in out, out
    before = out.split("FAKE-SWIFT", 1)[0]
    assert re.search(r"building the release binary .*minutes", before), out


def test_readme_shows_what_make_demo_prints(tmp_path):
    out = "".join(line + "\n" for line in run_make_demo(tmp_path).splitlines() if not line.startswith("FAKE-SWIFT"))
    readme = (ROOT / "README.md").read_text()
    (block,) = re.findall(r"`make demo` prints.*?```text\n(.*?)```", readme, flags=re.S)
    chunks = block.split("…\n")
    assert len(chunks) >= 2 and out.startswith(chunks[0]) and out.endswith(chunks[-1]), \
        f"README's make demo output differs from this run; update it from:\n{out}"
    for chunk in chunks[1:-1]:
        assert chunk in out, f"README's make demo excerpt is not in the output:\n{chunk}"
