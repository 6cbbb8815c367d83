#!/usr/bin/env python3
"""`make bench`: time `heaplint check` over this machine's Python standard library.

Runs, on the same explicit file list (the stdlib minus site-packages, as heaplint discovers it):
  parse   heaplint --select HL001 --no-cache   (parse + syntax errors only: the syntax layer's speed)
  cold    heaplint with an empty cache          (full analysis, writes the cache)
  warm    heaplint again                        (cache hits)
  ruff    ruff check --no-cache --select C419,B019,B006,PERF   (installed into .venv from PyPI)
and prints files, MB, seconds, MB/s and the ratios. Timing is wall-clock; the machine may be shared,
so the numbers are indicative. Each run is repeated (--repeat) and the best time kept.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, ".venv")
RUFF_VERSION = "0.17.5"
RUFF_RULES = "C419,B019,B006,PERF"


def stdlib_files(heaplint):
    stdlib = sysconfig.get_paths()["stdlib"]
    out = subprocess.run([heaplint, "check", "--isolated", "--show-files", stdlib],
                         capture_output=True, text=True, check=True).stdout
    files = [line for line in out.splitlines() if line and "site-packages" not in line]
    return stdlib, files


def cpu_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd, repeat, before=None):
    """Best wall-clock seconds over `repeat` runs, with the CPU seconds of that run."""
    best = None
    proc = None
    for _ in range(repeat):
        if before:
            before()
        cpu0 = cpu_children()
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True)
        elapsed = time.perf_counter() - start
        cpu = cpu_children() - cpu0
        if best is None or elapsed < best[0]:
            best = (elapsed, cpu)
    timed.last_cpu = best[1]
    return best[0], proc


def ensure_ruff():
    ruff = os.path.join(VENV, "bin", "ruff")
    if os.path.exists(ruff):
        return ruff
    python = os.path.join(VENV, "bin", "python")
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        f"ruff=={RUFF_VERSION}"], check=True)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"bench: could not install ruff ({error}); skipping the ruff comparison")
        return None
    return ruff if os.path.exists(ruff) else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--heaplint", default=os.path.join(ROOT, ".build/release/heaplint"))
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-ruff", action="store_true")
    args = parser.parse_args()
    heaplint = os.path.abspath(args.heaplint)

    stdlib, files = stdlib_files(heaplint)
    size = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
    mb = size / 1e6
    cores = os.cpu_count() or 1
    print(f"corpus: {stdlib} (without site-packages)")
    print(f"files: {len(files)}   size: {mb:.1f} MB   cores: {cores}")
    print("(a few files under test/ are invalid on purpose and give HL001/HL003; the Python 2 files in"
          " lib2to3/tests/data parse, since tree-sitter-python accepts print statements)")

    cache = tempfile.mkdtemp(prefix="heaplint-bench-cache-")
    base = [heaplint, "check", "--isolated", "--exit-zero", "--quiet", "--output-format", "concise"]
    results = {}

    def report(name, seconds, proc, note=""):
        results[name] = seconds
        cpu = timed.last_cpu
        results[name + "-cpu"] = cpu
        findings = len(proc.stdout.splitlines())
        status = "" if proc.returncode == 0 else f"  EXIT {proc.returncode}: {proc.stderr.decode()[:200]}"
        print(f"{name:<6} {seconds:7.2f} s  {mb / seconds:7.1f} MB/s   cpu {cpu:6.2f} s = {mb / max(cpu, 1e-9):5.1f} MB/s per core"
              f"  {findings} findings{note}{status}")

    seconds, proc = timed(base + ["--no-cache", "--select", "HL001"] + files, args.repeat)
    report("parse", seconds, proc, "  [HL001 only]")
    seconds, proc = timed(base + ["--cache-dir", cache] + files, args.repeat,
                          before=lambda: shutil.rmtree(cache, ignore_errors=True))
    report("cold", seconds, proc)
    cold_output = proc.stdout
    seconds, proc = timed(base + ["--cache-dir", cache] + files, args.repeat)
    report("warm", seconds, proc)
    if proc.stdout != cold_output:
        print("bench: WARNING: warm (cached) output differs from the cold run")
    shutil.rmtree(cache, ignore_errors=True)

    if not args.no_ruff:
        ruff = ensure_ruff()
        if ruff:
            version = subprocess.run([ruff, "--version"], capture_output=True, text=True).stdout.strip()
            seconds, proc = timed([ruff, "check", "--isolated", "--no-cache", "--exit-zero", "--quiet",
                                   "--output-format", "concise", "--select", RUFF_RULES] + files, args.repeat)
            results["ruff"] = seconds
            proc.returncode = 0 if proc.returncode in (0, 1) else proc.returncode
            print(f"ruff   {seconds:7.2f} s  {mb / seconds:7.1f} MB/s   cpu {timed.last_cpu:6.2f} s"
                  f"  ({version}, --select {RUFF_RULES})")
            print(f"ratio: heaplint cold / ruff = {results['cold'] / seconds:.1f}x, "
                  f"heaplint warm / ruff = {results['warm'] / seconds:.2f}x")
            target = "met" if results["warm"] <= seconds else "NOT met"
            print(f"target 'warm run at most as slow as ruff cold': {target}")
    per_core = mb / max(results["parse-cpu"], 1e-9)
    print(f"target 'parsing >= 5 MB/s per core': {'met' if per_core >= 5 else 'NOT met'} "
          f"({per_core:.1f} MB/s per CPU-second of the HL001-only run, which includes reading and flattening)")


if __name__ == "__main__":
    main()
