"""heaplint's Python shim: the wheel's real payload is the `heaplint` binary in the scripts folder.

`python -m heaplint ...` runs that binary, for environments where `bin/` is not on PATH.
"""
from __future__ import annotations

import os
import sys
import sysconfig


def find_heaplint_bin() -> str:
    """Path of the heaplint binary that this package's wheel installed."""
    exe = "heaplint" + (sysconfig.get_config_var("EXE") or "")
    candidates = [sysconfig.get_path("scripts")]
    user = sysconfig.get_path("scripts", f"{os.name}_user") if os.name == "posix" else None
    if user:
        candidates.append(user)
    for folder in candidates:
        path = os.path.join(folder, exe)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(f"heaplint binary not found in {', '.join(candidates)}")
