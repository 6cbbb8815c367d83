#!/usr/bin/env python3
"""`make bench`: heaplint's speed and memory against tree-sitter alone, ruff and pylint (issue 8).

One table, measured in one run on the same explicit file lists:
  ts-parse  tree-sitter alone: Tests/bench/ts_parse.c, same tree-sitter runtime + grammar, 2 threads,
            read + parse + free, nothing else (the floor; built with cc into .bench/)
  HL001     heaplint --select HL001 --no-cache: load, parse, flatten, syntax errors (heaplint's own floor)
  cold      heaplint, every rule, empty cache (writes the cache)
  warm      heaplint again (cache hits)
  ruff      ruff check --no-cache --select C419,B019,B006,PERF (single process, all cores)
  pylint    pylint -j 1 --disable=all --enable=<its four memory checkers>, timed on a fixed subset
            (every Nth file, about --pylint-files files) and scaled by bytes to the corpus: an estimate
Corpora: this machine's standard library (minus site-packages) and, unless --quick, a synthetic tree of
10 copies of it under .bench/stdlib-x10 (hard links: same bytes, distinct paths). Then a generated
single module at 12.5, 25 and 50 MB to show that time grows linearly with size, and the pathological
shapes of issue 26 at n, 2n and 4n against tree-sitter alone (`--pathological` runs only those).

Each round runs every tool of a corpus once, in turn, and each tool keeps its best round (--repeat
rounds on the standard library, one on the larger corpora), so load that changes over minutes on a
shared machine affects the tools alike.
Columns: wall seconds (best of --repeat), CPU seconds (user+sys of the child), MB/s of wall time,
peak RSS of the process (os.wait4's ru_maxrss; for pylint, of the subset run), wall and CPU time as a
ratio to heaplint cold. The machine may be
shared with other builds: CPU seconds are the steadier number.
"""
import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, ".venv")
WORK = os.path.join(ROOT, ".bench")
PEERS = ["ruff==0.17.5", "pylint==4.1.4"]
RUFF_RULES = "C419,B019,B006,PERF"
PYLINT_CHECKERS = "consider-using-generator,use-a-generator,method-cache-max-size-none,dangerous-default-value"


def measure(cmd, repeat=1, before=None, stdin_file=None):
    """Best wall time of `repeat` runs: (wall, cpu, peak RSS MB, returncode, stdout bytes)."""
    best = None
    for _ in range(repeat):
        if before:
            before()
        out_path = os.path.join(WORK, "out.txt")
        with open(out_path, "wb") as out, open(os.devnull, "wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        result = (wall, cpu, usage.ru_maxrss / 1024, proc.returncode, open(out_path, "rb").read())
        if best is None or wall < best[0]:
            best = result
    return best


def ensure_peers():
    python = os.path.join(VENV, "bin", "python")
    tools = {name: os.path.join(VENV, "bin", name) for name in ("ruff", "pylint")}
    if all(os.path.exists(p) for p in tools.values()):
        return tools
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *PEERS], check=True)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"bench: could not install {PEERS} ({error}); skipping the comparisons")
    return {k: v for k, v in tools.items() if os.path.exists(v)}


def build_ts_parse():
    exe = os.path.join(WORK, "ts_parse")
    src = os.path.join(ROOT, "Tests", "bench", "ts_parse.c")
    grammar = os.path.join(ROOT, "grammars", "python")
    # The runtime heaplint compiles in (the pinned tree-sitter 0.23.2 sources), not a system library.
    runtime = os.path.join(ROOT, "grammars", "tree-sitter")
    inputs = [src, os.path.join(grammar, ".stamp"), os.path.join(runtime, ".stamp")]
    if os.path.exists(exe) and all(os.path.getmtime(exe) > os.path.getmtime(p) for p in inputs if os.path.exists(p)):
        return exe
    try:
        subprocess.run(["cc", "-O2", "-w", "-o", exe, src, os.path.join(grammar, "parser.c"),
                        os.path.join(grammar, "scanner.c"), os.path.join(runtime, "src", "lib.c"),
                        "-I" + grammar, "-I" + os.path.join(runtime, "include"),
                        "-I" + os.path.join(runtime, "src"), "-lpthread"], check=True)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"bench: could not build the tree-sitter floor ({error})")
        return None
    return exe


def stdlib_files(heaplint):
    stdlib = sysconfig.get_paths()["stdlib"]
    out = subprocess.run([heaplint, "check", "--isolated", "--show-files", stdlib],
                         capture_output=True, text=True, check=True).stdout
    return stdlib, sorted(line for line in out.splitlines() if line and "site-packages" not in line)


def tenfold(stdlib, files):
    """.bench/stdlib-x10/copyN/<relative path>, hard-linked (copied when links fail)."""
    base = os.path.join(WORK, "stdlib-x10")
    marker = os.path.join(base, f".complete-{len(files)}")
    out = []
    for n in range(10):
        for f in files:
            out.append(os.path.join(base, f"copy{n}", os.path.relpath(f, stdlib)))
    if os.path.exists(marker):
        return out
    shutil.rmtree(base, ignore_errors=True)
    for n in range(10):
        for f in files:
            target = os.path.join(base, f"copy{n}", os.path.relpath(f, stdlib))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(f, target)
            except OSError:
                shutil.copyfile(f, target)
    open(marker, "w").close()
    return out


UNIT = '''
class Record{n}:
    """A generated record type, number {n}."""
    __slots__ = ("name", "values")

    def __init__(self, name, values=None):
        self.name = name
        self.values = list(values or ())

    def total(self):
        return sum(v * 2 for v in self.values if v % 3)

    def pairs(self):
        return {{k: v for k, v in enumerate(self.values)}}


def build_{n}(count):
    items = [Record{n}(str(i), range(i % 7)) for i in range(count)]
    try:
        return max((r.total() for r in items), default=0)
    except ValueError as error:  # noqa: HL101
        raise RuntimeError("record {n}") from error
'''


def generated_module(megabytes):
    path = os.path.join(WORK, f"generated-{megabytes:g}MB.py")
    target = int(megabytes * 1e6)
    if os.path.exists(path) and abs(os.path.getsize(path) - target) < 2000:
        return path
    with open(path, "w") as f:
        f.write("import functools\n")
        size, n = 0, 0
        while size < target:
            text = UNIT.format(n=n)
            f.write(text)
            size += len(text)
            n += 1
    return path


def long_literal(elements):
    """One module holding a one-line list literal of `elements` integers (issue 15)."""
    path = os.path.join(WORK, f"long-literal-{elements}.py")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write("x = [" + ", ".join(str(i) for i in range(elements)) + "]\n")
    return path


# Issue 26: shapes on which heaplint was super-linear while tree-sitter alone was not (an ancestor
# walk, a scope scan or a field lookup per node). Each is written at n, 2n and 4n.
PATHOLOGICAL = [
    ("error run", 40_000, lambda n: "x = (" + " ".join("1" for _ in range(n)) + "\n"),
    ("chained self", 16_000, lambda n: "class C:\n    def __init__(self):\n        "
     + " = ".join(f"self.a{i}" for i in range(n)) + " = self\n"),
    ("chained module", 16_000, lambda n: " = ".join(f"x{i}" for i in range(n)) + " = []\n"),
    # tree-sitter's own error recovery is quadratic on this one: the bound is relative to it
    ("unclosed call", 1_000, lambda n: "class C:\n    def f(self):\n        g(\n" + "        self.x = self\n" * n),
    ("for loops", 8_000, lambda n: "".join(f"for x{i} in [y for y in z]: pass\n" for i in range(n))),
]


def pathological(name, n, write):
    path = os.path.join(WORK, f"pathological-{name.replace(' ', '-')}-{n}.py")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(write(n))
    return path


def file_list(paths, name):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write("\n".join(paths) + "\n")
    return path


def pathological_shapes(heaplint, ts_parse):
    if not ts_parse:
        return
    base = [heaplint, "check", "--isolated", "--exit-zero", "--quiet", "--output-format", "concise"]
    # Issue 26: per shape, heaplint (every rule, --no-cache) and tree-sitter alone (1 thread) at n,
    # 2n and 4n. Bounds: heaplint within 5x tree-sitter's CPU time at 4n, and its time growing from
    # n to 4n no faster than 1.5x tree-sitter's own growth (at least linear, 4x).
    print("\npathological shapes (issue 26; heaplint every rule, --no-cache; tree-sitter alone, 1 thread):")
    for name, n, write in PATHOLOGICAL:
        cpus = []
        for size in (n, 2 * n, 4 * n):
            path = pathological(name, size, write)
            _, cpu, _, code, out = measure(base + ["--no-cache", path], 1)
            _, ts_cpu, _, _, _ = measure([ts_parse, file_list([path], "files-pathological.txt"), "1"], 1)
            cpus.append((cpu, ts_cpu))
            print(f"  {name:<15} n={size:>7}: heaplint cpu {cpu:6.2f} s, tree-sitter alone {ts_cpu:6.2f} s "
                  f"({cpu / max(ts_cpu, 0.01):5.2f}x), {len(out.splitlines())} findings, exit {code}", flush=True)
        growth = cpus[2][0] / max(cpus[0][0], 0.01)
        ts_growth = max(4.0, cpus[2][1] / max(cpus[0][1], 0.01))
        ratio = cpus[2][0] / max(cpus[2][1], 0.01)
        verdict = "met" if growth <= 1.5 * ts_growth and ratio <= 5 else "NOT met"
        print(f"  {name:<15} n -> 4n: heaplint x{growth:.1f} (tree-sitter x{cpus[2][1] / max(cpus[0][1], 0.01):.1f}), "
              f"{ratio:.2f}x tree-sitter at 4n  {verdict}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--heaplint", default=os.path.join(ROOT, ".build/release/heaplint"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="standard library only: no 10x tree, no 50 MB file")
    parser.add_argument("--pylint-files", type=int, default=100)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-pylint", action="store_true", help="skip pylint (minutes on a shared machine)")
    parser.add_argument("--pathological", action="store_true", help="only the pathological shapes (issue 26)")
    args = parser.parse_args()
    heaplint = os.path.abspath(args.heaplint)
    os.makedirs(WORK, exist_ok=True)
    cores = os.cpu_count() or 1
    tools = {} if args.no_peers else ensure_peers()
    ts_parse = build_ts_parse()
    if args.pathological:
        pathological_shapes(heaplint, ts_parse)
        return
    stdlib, files = stdlib_files(heaplint)
    # (name, files, what to pass on the command line): the 10x tree goes by its 10 roots (argv limits)
    corpora = [("stdlib", files, files)]
    if not args.quick:
        copies = tenfold(stdlib, files)
        roots = [os.path.join(WORK, "stdlib-x10", f"copy{n}") for n in range(10)]
        shown = subprocess.run([heaplint, "check", "--isolated", "--show-files"] + roots,
                               capture_output=True, text=True).stdout.split()
        if len(shown) != len(copies):
            print(f"bench: heaplint discovers {len(shown)} files in the 10x tree, not {len(copies)}")
        corpora.append(("stdlib x10", copies, roots))
    print(f"heaplint {subprocess.run([heaplint, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f} at start; corpus: {stdlib} (without site-packages)")
    if "ruff" in tools:
        print(subprocess.run([tools["ruff"], "--version"], capture_output=True, text=True).stdout.strip()
              + f" --select {RUFF_RULES}")
    if "pylint" in tools:
        print(subprocess.run([tools["pylint"], "--version"], capture_output=True, text=True).stdout.splitlines()[0]
              + f" -j 1 --disable=all --enable={PYLINT_CHECKERS}")
    header = (f"{'corpus':<11} {'tool':<9} {'files':>6} {'MB':>6} {'wall s':>8} {'cpu s':>8} {'MB/s':>7} {'RSS MB':>7} "
              f"{'wall/cold':>9} {'cpu/cold':>8}  note")
    print(header)
    print("-" * len(header))
    summary = {}
    for name, paths, args_paths in corpora:
        size = sum(os.path.getsize(p) for p in paths) / 1e6
        listing = file_list(paths, f"files-{name.replace(' ', '')}.txt")
        rows = {}

        def row(tool, result, note="", files_=len(paths), mb=size, scale=1.0):
            wall, cpu, rss, code, _ = result
            wall, cpu = wall * scale, cpu * scale
            rows[tool] = (wall, cpu, rss)
            ratio = wall / rows["cold"][0] if "cold" in rows else float("nan")
            cpu_ratio = cpu / rows["cold"][1] if "cold" in rows else float("nan")
            status = "" if code in (0, 1) else f" EXIT {code}"
            print(f"{name:<11} {tool:<9} {files_:>6} {mb:>6.1f} {wall:>8.2f} {cpu:>8.2f} {mb / wall:>7.1f} "
                  f"{rss:>7.0f} {ratio:>9.2f} {cpu_ratio:>8.2f}  {note}{status}", flush=True)

        base = [heaplint, "check", "--isolated", "--exit-zero", "--quiet", "--output-format", "concise"]
        cache = os.path.join(WORK, "cache")
        repeat = args.repeat if name == "stdlib" else 1
        # Round-robin: each round runs every tool once, and each keeps its best round. On a shared
        # machine the load changes over minutes; interleaving keeps the ratios between tools fair.
        plan = [("cold", base + ["--cache-dir", cache] + args_paths, lambda: shutil.rmtree(cache, True)),
                ("warm", base + ["--cache-dir", cache] + args_paths, None),
                ("HL001", base + ["--no-cache", "--select", "HL001"] + args_paths, None)]
        if ts_parse:
            plan.append(("ts-parse", [ts_parse, listing, str(cores)], None))
        if "ruff" in tools:
            plan.append(("ruff", [tools["ruff"], "check", "--isolated", "--no-cache", "--exit-zero", "--quiet",
                                  "--no-respect-gitignore", "--output-format", "concise", "--select", RUFF_RULES]
                         + args_paths, None))
        best = {}
        for _ in range(repeat):
            for tool, cmd, before in plan:
                result = measure(cmd, 1, before=before)
                if tool not in best or result[0] < best[tool][0]:
                    best[tool] = result
        shutil.rmtree(cache, ignore_errors=True)
        notes = {"cold": f"{len(best['cold'][4].splitlines())} findings",
                 "warm": "" if best["warm"][4] == best["cold"][4] else "OUTPUT DIFFERS FROM COLD",
                 "HL001": "load+parse+flatten only", "ts-parse": "tree-sitter alone, C"}
        for tool, _, _ in plan:
            row(tool, best[tool], notes.get(tool, ""))
        if "pylint" in tools and name == "stdlib" and not args.no_pylint:  # once: the x10 estimate is 10x
            step = max(1, len(files) // args.pylint_files)
            subset = files[::step][: args.pylint_files]
            sub_mb = sum(os.path.getsize(p) for p in subset) / 1e6
            result = measure([tools["pylint"], "-j", "1", "--disable=all", f"--enable={PYLINT_CHECKERS}",
                              "--exit-zero", "--score=n"] + subset, 1)
            row("pylint", result, f"ESTIMATE: {len(subset)} files ({sub_mb:.1f} MB) in {result[0]:.1f} s, scaled by bytes",
                scale=size / sub_mb)
        summary[name] = (size, rows)
        print()

    size, rows = summary["stdlib"]
    cold, warm = rows["cold"], rows["warm"]
    print("targets (issue 8), stdlib:")
    if "ts-parse" in rows:
        for unit, i in (("wall", 0), ("cpu", 1)):
            r = cold[i] / rows["ts-parse"][i]
            print(f"  cold <= 1.5x tree-sitter alone ({unit}): {r:.2f}x  {'met' if r <= 1.5 else 'NOT met'}")
    if "HL001" in rows:
        per_core = size / rows["HL001"][1]
        floor = f"; tree-sitter alone {size / rows['ts-parse'][1]:.1f}" if "ts-parse" in rows else ""
        print(f"  parsing (issue 3): {per_core:.1f} MB/s per core (HL001: load, parse, flatten, per CPU second){floor}  "
              f"{'met' if per_core >= 5 else 'NOT met'} against 5 MB/s")
    if "pylint" in rows:
        r, rc = rows["pylint"][0] / cold[0], rows["pylint"][1] / cold[1]
        print(f"  >= 40x faster than pylint (estimated, pylint -j 1): wall {r:.0f}x, cpu {rc:.0f}x  "
              f"{'met' if min(r, rc) >= 40 else 'NOT met'}")
    if "ruff" in rows:
        print(f"  warm <= ruff cold: {warm[0]:.2f} s vs {rows['ruff'][0]:.2f} s  "
              f"{'met' if warm[0] <= rows['ruff'][0] else 'NOT met'}")
    if "stdlib x10" in summary:
        big_size, big = summary["stdlib x10"]
        print(f"  peak RSS < 300 MB on the 10x tree: {big['cold'][2]:.0f} MB  {'met' if big['cold'][2] < 300 else 'NOT met'}")
        print(f"  linear growth: 10x the bytes took {big['cold'][0] / cold[0]:.1f}x the wall time, "
              f"{big['cold'][1] / cold[1]:.1f}x the CPU time")

    if not args.quick:
        print("\nsingle generated module (heaplint, every rule, --no-cache):")
        per_mb = []
        for mb in (12.5, 25, 50):
            path = generated_module(mb)
            real = os.path.getsize(path) / 1e6
            wall, cpu, rss, code, out = measure(base + ["--no-cache", path], 1)
            per_mb.append(cpu / real)
            floor = ""
            if ts_parse:  # tree-sitter alone's peak memory on the same file (issue 15: within 1.5x)
                ts = measure([ts_parse, file_list([path], "files-generated.txt"), "1"], 1)
                floor = f"; tree-sitter alone {ts[0]:.2f} s, {ts[2]:.0f} MB (RSS {rss / ts[2]:.2f}x)"
            print(f"  {real:5.1f} MB: wall {wall:6.2f} s, cpu {cpu:6.2f} s ({cpu / real:.3f} cpu s/MB), "
                  f"peak RSS {rss:5.0f} MB, {len(out.splitlines())} findings, exit {code}{floor}", flush=True)
        print(f"  cpu s/MB from 12.5 to 50 MB: {per_mb[0]:.3f} -> {per_mb[-1]:.3f} "
              f"({'linear' if per_mb[-1] <= 1.25 * per_mb[0] else 'SUPERLINEAR'} within 25%)")


    if not args.quick:
        # Issue 15: a one-line list literal was quadratic (3.2M elements 22 s). Target: within 1.5x of
        # tree-sitter alone (one thread, same file) in time and in peak memory.
        print("\nlong list literal on one line (heaplint, every rule, --no-cache; tree-sitter alone, 1 thread):")
        for elements in (800_000, 1_600_000, 3_200_000):
            path = long_literal(elements)
            wall, cpu, rss, code, _ = measure(base + ["--no-cache", path], 1)
            line = (f"  {elements / 1e6:.1f}M elements ({os.path.getsize(path) / 1e6:5.1f} MB): heaplint wall {wall:6.2f} s, "
                    f"cpu {cpu:6.2f} s, RSS {rss:5.0f} MB, exit {code}")
            if ts_parse:
                tw, tc, trss, _, _ = measure([ts_parse, file_list([path], "files-literal.txt"), "1"], 1)
                line += (f"; tree-sitter alone wall {tw:6.2f} s, cpu {tc:6.2f} s, RSS {trss:5.0f} MB; cpu {cpu / tc:.2f}x, "
                         f"RSS {rss / trss:.2f}x {'met' if cpu / tc <= 1.5 and rss / trss <= 1.5 else 'NOT met'}")
            print(line, flush=True)

    pathological_shapes(heaplint, ts_parse)


if __name__ == "__main__":
    main()
