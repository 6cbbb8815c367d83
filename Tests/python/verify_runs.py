"""Running the real `heaplint verify` on a program in a temporary project, shared by the verify tests."""
import json
import os
import subprocess
import sys
import textwrap

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
# `python -m pytest` as the verified command, without pytest's cache files in the project.
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def write_sources(directory, files):
    """Writes each `name: source` (dedented) into `directory`; returns the paths in order."""
    paths = []
    for name, source in files.items():
        path = directory / name
        path.write_text(textwrap.dedent(source))
        paths.append(path)
    return paths


def run_verify(cwd, *options, command, env=None):
    """`heaplint verify OPTIONS -- COMMAND` in `cwd`, with `env` added to this process's environment."""
    return subprocess.run([BIN, "verify", *options, "--", *command], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env={**os.environ, **(env or {})})


def json_report(proc):
    """The JSON report a `--output-format json` run printed, or None when it printed nothing."""
    return json.loads(proc.stdout) if proc.stdout.strip() else None
