"""Skips for tools the tests drive but do not own (editors, pre-commit).

Run by hand, a missing tool skips its tests with the reason and the make target that installs it. Under
`make test-python` the Makefile first installs those tools (venv, editors-deps, editor-test-debs) and sets
HEAPLINT_REQUIRE_TOOLS=1: a tool still missing then fails collection instead of hiding the editor tests
behind a skip that nobody reads.
"""
from __future__ import annotations

import os

import pytest

REQUIRED = os.environ.get("HEAPLINT_REQUIRE_TOOLS") == "1"


def skip_unless(available: bool, reason: str) -> pytest.MarkDecorator:
    """A module-level `skipif(not available)`, or a collection failure when the Makefile promised the tool."""
    if not available and REQUIRED:
        pytest.fail(f"{reason}, but HEAPLINT_REQUIRE_TOOLS=1 says it was installed", pytrace=False)
    return pytest.mark.skipif(not available, reason=reason)
