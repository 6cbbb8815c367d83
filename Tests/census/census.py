"""The cycle census (issue 25): run real packages' own test suites under `heaplint verify` and record the
distinct reference cycles their code leaves to CPython's cyclic garbage collector.

For each package of packages.txt this downloads the sdist from PyPI (`pip download --no-binary :all:`),
extracts it under .census/src/, installs it editable into .census/venv (so its modules keep their sdist
paths: the verify harness treats files under site-packages as library code and would drop them) with its
test dependencies, and runs its suite as

    heaplint verify SOURCE... --output-format json -- python -m pytest -p no:cacheprovider --timeout=T TESTS

The harness's pytest plugin collects after every test, so each run-time cycle names the test that left it.
A cycle belongs to the package when at least one of its objects was allocated, per tracemalloc, by a line
of the package's own code (the innermost such frame of the object's allocation traceback): cycles made only
by test code, pytest, the standard library or other packages are dropped. Cycles are then grouped by those
package lines (the same lines, whatever test made them, are one distinct cycle).

Writes Tests/census/census.jsonl (one JSON line per distinct cycle) and Tests/census/runs.json (what was
run for each package and what it left). Needs the network (PyPI); `make census` runs it.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Tools for every suite: pytest (the version `make test` uses) and pytest-timeout, so one hanging test
# cannot stall the census.
RUNNER_TOOLS = ["pytest==9.0.3", "pytest-timeout==2.3.1"]
# At most this many distinct cycles per package go into census.jsonl (the most-made first), so a package
# whose every test makes a differently-placed cycle cannot bloat the repository.
MAX_CYCLES_PER_PACKAGE = 150


class CensusError(Exception):
    pass


def parse_packages(text):
    """packages.txt -> [{"name", "version", "source": [...], "tests": [...], "deps": [...], "args": [...]}]."""
    packages = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        first, *fields = line.split()
        if "==" not in first:
            raise CensusError("packages.txt:%d: expected name==version, got %r" % (number, first))
        name, version = first.split("==", 1)
        entry = {"name": name, "version": version, "source": [], "tests": [], "deps": [], "args": []}
        for field in fields:
            key, sep, value = field.partition("=")
            if not sep or key not in ("source", "tests", "deps", "args"):
                raise CensusError("packages.txt:%d: unknown field %r (source=, tests=, deps=, args=)"
                                  % (number, field))
            entry[key] = [v for v in value.split(",") if v]
        if not entry["source"] or not entry["tests"]:
            raise CensusError("packages.txt:%d: %s needs source= and tests=" % (number, name))
        packages.append(entry)
    return packages


def is_test_path(relative):
    """Test code inside a package's tree (`h11/tests/...`, `conftest.py`, `test_x.py`) is not package code."""
    parts = relative.replace(os.sep, "/").split("/")
    filename = parts[-1]
    return (any(p in ("tests", "test", "testing") for p in parts[:-1]) or filename == "conftest.py"
            or filename.startswith("test_") or filename.endswith("_test.py"))


def package_site(site_file, root, sources):
    """The path of `site_file` relative to the sdist `root` when it is the package's own code, else None."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(site_file)
    if not real.startswith(real_root + os.sep):
        return None
    relative = os.path.relpath(real, real_root).replace(os.sep, "/")
    for source in sources:
        source = source.rstrip("/")
        if relative == source or relative.startswith(source + "/"):
            return None if is_test_path(relative) else relative
    return None


def runtime_cycles(report):
    """Every run-time cycle of a `heaplint verify --output-format json` report (confirmed or runtime-only),
    each once: a cycle confirming two findings is listed under both."""
    seen, cycles = set(), []
    candidates = [c for finding in report.get("confirmed", []) for c in finding.get("cycles", [])]
    candidates += report.get("runtime_only", [])
    for cycle in candidates:
        key = (cycle.get("test"), tuple(sorted((o.get("index"), o.get("type")) for o in cycle.get("objects", []))))
        if key in seen:
            continue
        seen.add(key)
        cycles.append(cycle)
    return cycles


def through_test_code(cycle, root):
    """True when the cycle runs through the test harness rather than only the package: a frame, function
    or generator of the suite's own test code (`excinfo` of `pytest.raises` held in the test's frame while
    its traceback reaches back to that frame), or a pytest object. The package still allocated part of it,
    so it stays in the census, marked."""
    real_root = os.path.realpath(root)
    for obj in cycle.get("objects", []):
        kind = obj.get("type", "")
        if kind.startswith(("_pytest.", "pytest.", "pluggy.")):
            return True
        defined = obj.get("defined_in")
        if kind in ("frame", "function", "generator", "coroutine") and defined:
            real = os.path.realpath(defined)
            if real.startswith(real_root + os.sep) and is_test_path(os.path.relpath(real, real_root)):
                return True
    return False


def group_cycles(name, version, cycles, root, sources):
    """Distinct cycles of the package: keyed by the package lines that allocated their objects.
    Returns (census lines, number of run-time cycles that had no package allocation site)."""
    groups, foreign = {}, 0
    for cycle in cycles:
        sites = set()
        # CPython allocates a traceback object in every frame an exception unwinds through
        # (PyTraceBack_Here), so a traceback's allocation site is where the exception passed, not code
        # that builds the cycle: one exception-frame cycle raised from ten places would count ten times.
        # Tracebacks count only when the cycle has nothing else.
        objects = [o for o in cycle.get("objects", []) if o.get("type") != "traceback"] \
            or cycle.get("objects", [])
        for obj in objects:
            for site in obj.get("sites") or []:  # innermost first: the package line nearest the allocation
                relative = package_site(site["file"], root, sources)
                if relative is not None:
                    sites.add((relative, site["line"]))
                    break
        if not sites:
            foreign += 1
            continue
        key = tuple(sorted(sites))
        group = groups.setdefault(key, {"tests": set(), "cycle": cycle, "harness": True})
        # One occurrence made by package code alone is enough for the distinct cycle to be the package's.
        group["harness"] = group["harness"] and through_test_code(cycle, root)
        group["tests"].add(cycle.get("test") or "<outside a test>")
        # Keep the example whose test id sorts first, so reruns pick the same example.
        if (cycle.get("test") or "~") < (group["cycle"].get("test") or "~"):
            group["cycle"] = cycle
    lines = []
    for key, group in groups.items():
        cycle = group["cycle"]
        lines.append({
            "package": name,
            "version": version,
            "sites": [{"path": path, "line": line} for path, line in key],
            "slots": [step["via"] for step in cycle.get("path", [])],
            "summary": cycle.get("summary", ""),
            "types": sorted({o.get("type", "?") for o in cycle.get("objects", [])}),
            "tests": len(group["tests"]),
            "example_test": min(group["tests"]),
            "through_test_code": group["harness"],
        })
    lines.sort(key=lambda c: (-c["tests"], [(s["path"], s["line"]) for s in c["sites"]]))
    return lines, foreign


def run(command, **kwargs):
    proc = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise CensusError("%s failed (exit %d):\n%s" % (shlex.join(command), proc.returncode,
                                                         (proc.stdout + proc.stderr)[-3000:]))
    return proc


def ensure_venv(work):
    venv = os.path.join(work, "venv")
    python = os.path.join(venv, "bin", "python")
    marker = os.path.join(venv, ".runner-tools")
    if not os.path.exists(python):
        run([sys.executable, "-m", "venv", venv])
    if not os.path.exists(marker) or open(marker).read() != " ".join(RUNNER_TOOLS):
        run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + RUNNER_TOOLS)
        with open(marker, "w") as f:
            f.write(" ".join(RUNNER_TOOLS))
    return python


def fetch_sdist(python, work, name, version):
    """Download and extract name==version's sdist; returns the extracted root."""
    downloads = os.path.join(work, "sdists")
    os.makedirs(downloads, exist_ok=True)
    # sdist names spell the project name either way (more-itertools-…, more_itertools-…, Jinja2-…).
    wanted = (name + "-" + version + ".").lower().replace("_", "-")

    def matching():
        return sorted(f for f in os.listdir(downloads)
                      if f.lower().replace("_", "-").startswith(wanted) and f.endswith((".tar.gz", ".zip")))

    found = matching()
    if not found:
        run([python, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-binary", ":all:",
             "--no-deps", "%s==%s" % (name, version), "-d", downloads], timeout=600)
        found = matching()
    if not found:
        raise CensusError("no sdist for %s==%s in %s" % (name, version, downloads))
    archive = os.path.join(downloads, found[0])
    dest = os.path.join(work, "src")
    os.makedirs(dest, exist_ok=True)
    if archive.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            top = z.namelist()[0].split("/")[0]
            if not os.path.isdir(os.path.join(dest, top)):
                z.extractall(dest)
    else:
        with tarfile.open(archive) as t:
            top = t.getnames()[0].split("/")[0]
            if not os.path.isdir(os.path.join(dest, top)):
                # The data filter refuses absolute paths, links out of the tree and device files.
                t.extractall(dest, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return os.path.join(dest, top)


def census_package(package, heaplint, python, work, timeout):
    name, version = package["name"], package["version"]
    root = fetch_sdist(python, work, name, version)
    run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", root] + package["deps"],
        timeout=900)
    # A test module whose optional dependency is missing must not stop the rest of the suite.
    pytest_args = ["-p", "no:cacheprovider", "-q", "--continue-on-collection-errors", "--timeout=%d" % timeout] + package["args"] + package["tests"]
    command = [heaplint, "verify"] + package["source"] + ["--output-format", "json", "--",
                                                          python, "-m", "pytest"] + pytest_args
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=root, timeout=3600)
    seconds = time.monotonic() - started
    reports = os.path.join(work, "reports")
    os.makedirs(reports, exist_ok=True)
    with open(os.path.join(reports, "%s-%s.json" % (name, version)), "w") as f:
        f.write(proc.stdout)  # kept, to regroup without rerunning the suite
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise CensusError("%s: heaplint verify printed no JSON report (exit %d):\n%s"
                          % (name, proc.returncode, proc.stderr[-3000:]))
    # pytest's last line: "== 3 failed, 75 passed in 34.0s ==" (heaplint's own lines never start with "=").
    summary = [line for line in proc.stderr.splitlines()
               if re.match(r"=* *\d+ (passed|failed|error|skipped|deselected)", line)][-1:]
    cycles = runtime_cycles(report)
    lines, foreign = group_cycles(name, version, cycles, root, package["source"])
    run_info = {
        "package": name, "version": version,
        "command": "heaplint verify %s --output-format json -- python -m pytest %s"
                   % (" ".join(package["source"]), " ".join(pytest_args)),
        "pytest_exit_code": report.get("command", {}).get("exit_code"),
        "pytest_summary": summary[0].strip("= ") if summary else "",
        "runtime_cycles": len(cycles),
        "runtime_cycles_without_package_site": foreign,
        "distinct_cycles": len(lines),
        "distinct_cycles_recorded": min(len(lines), MAX_CYCLES_PER_PACKAGE),
        "seconds": round(seconds),
    }
    return lines[:MAX_CYCLES_PER_PACKAGE], run_info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--heaplint", required=True, help="the heaplint binary")
    parser.add_argument("--work", default=os.path.join(ROOT, ".census"), help="git-ignored working folder")
    parser.add_argument("--packages", default=os.path.join(HERE, "packages.txt"))
    parser.add_argument("--out", default=HERE, help="where census.jsonl and runs.json go")
    parser.add_argument("--only", action="append", default=[], help="census only these packages (by name)")
    parser.add_argument("--timeout", type=int, default=120, help="per-test timeout in seconds")
    args = parser.parse_args(argv)
    heaplint = os.path.abspath(args.heaplint)
    if not os.access(heaplint, os.X_OK):
        parser.error("no heaplint binary at %s (run `make build`)" % heaplint)
    with open(args.packages) as f:
        packages = parse_packages(f.read())
    if args.only:
        packages = [p for p in packages if p["name"] in args.only]
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    python = ensure_venv(work)

    os.makedirs(args.out, exist_ok=True)
    census_path = os.path.join(args.out, "census.jsonl")
    runs_path = os.path.join(args.out, "runs.json")
    # With --only, the other packages' lines and runs are kept as they were.
    kept_lines, kept_runs = [], []
    if args.only:
        if os.path.exists(census_path):
            with open(census_path) as f:
                kept_lines = [json.loads(l) for l in f if l.strip()]
            kept_lines = [l for l in kept_lines if l["package"] not in args.only]
        if os.path.exists(runs_path):
            with open(runs_path) as f:
                kept_runs = [r for r in json.load(f) if r["package"] not in args.only]
    lines, runs, failures = list(kept_lines), list(kept_runs), []
    for package in packages:
        print("census: %s==%s ..." % (package["name"], package["version"]), file=sys.stderr, flush=True)
        try:
            package_lines, info = census_package(package, heaplint, python, work, args.timeout)
        except (CensusError, subprocess.TimeoutExpired) as error:
            failures.append("%s: %s" % (package["name"], error))
            print("census: %s FAILED: %s" % (package["name"], error), file=sys.stderr)
            continue
        print("census: %s: %s; %d run-time cycles, %d distinct with package sites (%ds)"
              % (package["name"], info["pytest_summary"], info["runtime_cycles"], info["distinct_cycles"],
                 info["seconds"]), file=sys.stderr, flush=True)
        lines.extend(package_lines)
        runs.append(info)
    order = [p["name"] for p in parse_packages(open(args.packages).read())]
    rank = {n: i for i, n in enumerate(order)}
    lines.sort(key=lambda l: rank.get(l["package"], len(rank)))  # stable: per-package order kept
    runs.sort(key=lambda r: rank.get(r["package"], len(rank)))
    with open(census_path, "w") as f:
        for line in lines:
            f.write(json.dumps(line, sort_keys=True) + "\n")
    with open(runs_path, "w") as f:
        json.dump(runs, f, indent=1, sort_keys=True)
        f.write("\n")
    print("census: %d distinct cycles from %d packages -> %s" % (len(lines), len(runs), census_path),
          file=sys.stderr)
    if failures:
        print("census: %d package(s) failed:\n  %s" % (len(failures), "\n  ".join(failures)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
