"""Run-time confirmation of heaplint findings on the standard library (Tests/precision/confirm_stdlib.py):
each flagged stdlib function really leaves its frame (or its instance) to the cyclic collector, and the
negative case (socket.create_connection, which heaplint does not flag) really does not. The binary is also
asked, so a finding that disappears (or a negative that starts being reported) fails here too."""
import json
import os
import subprocess
import sys
import sysconfig

import pytest

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
HERE = os.path.dirname(__file__)
SCRIPT = os.path.join(HERE, "..", "precision", "confirm_stdlib.py")

pytestmark = pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="scenarios target CPython 3.11's stdlib sources")


def test_every_confirmation_holds_at_run_time():
    out = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    verdicts = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(verdicts) >= 12
    wrong = [v for v in verdicts if v["expected_cycle"] != v["cycle_found"]]
    assert not wrong, wrong


def test_heaplint_reports_the_confirmed_sites_and_not_the_negative():
    stdlib = sysconfig.get_paths()["stdlib"]
    out = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, timeout=120)
    verdicts = [json.loads(line) for line in out.stdout.splitlines()]
    files = sorted({v["finding"].split(":")[0] for v in verdicts})
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--preview", "--select", "HL103,HL106,HL107",
                           "--output-format", "json", *[os.path.join(stdlib, f) for f in files]],
                          capture_output=True, text=True, timeout=300)
    reported = {(os.path.relpath(d["filename"], stdlib), d["location"]["row"], d["code"]) for d in json.loads(proc.stdout)}
    for verdict in verdicts:
        site, _, code = verdict["finding"].partition(" ")
        path, line = site.split(":")
        if verdict["expected_cycle"]:
            assert (path, int(line), code) in reported, verdict
        else:
            assert not any(p == path and l == int(line) for p, l, _ in reported), verdict
