#!/usr/bin/env python3
"""Editor latency of `heaplint server`: a 5,000-line file is open, single-character edits are sent one
after another (each waits for the previous one's diagnostics), and the time from `didChange` to the
`publishDiagnostics` for that version is measured. Two kinds of edit: typing in a comment (touches no
rule's input) and typing in code (an identifier grows and shrinks, the file stays valid).

Usage: lsp_latency.py --heaplint .build/release/heaplint [--edits 300] [--lines 5000]
"""
import argparse
import json
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time

URI = "file:///tmp/heaplint-bench/big_module.py"


def make_source(lines):
    """Realistic module text: classes with methods, functions, comments, about `lines` lines."""
    out = ['"""A generated module for the latency benchmark."""', "import functools", "import weakref", ""]
    i = 0
    while len(out) < lines - 12:
        out += [
            f"class Node{i}:",
            f"    # comment line for node {i}: editing here touches no rule input",
            "    def __init__(self, parent=None):",
            "        self.parent = parent",
            "        self.children = []",
            f"        self.value_{i} = {i}",
            "",
            "    def add(self, child):",
            "        self.children.append(child)",
            "        return child",
            "",
            f"def helper_{i}(x, y=1):",
            f"    total = x + y + {i}",
            "    return total",
            "",
        ]
        i += 1
    out += ["", "# end of module"] + ["" for _ in range(max(0, lines - len(out) - 2))]
    return "\n".join(out[:lines]) + "\n"


class Client:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.traces = []  # server-side timings from $/logTrace: (total ms, parse ms)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                b = out.read(1)
                if not b:
                    return
                header += b
            length = int(header.split(b":")[1].split(b"\r\n")[0])
            body = out.read(length)
            msg = json.loads(body)
            if msg.get("method") == "$/logTrace":
                m = re.search(r"in ([0-9.]+) ms \(parse ([0-9.]+) ms\)", msg["params"]["message"])
                if m:
                    self.traces.append((float(m.group(1)), float(m.group(2))))
                continue
            self.inbox.put((time.perf_counter(), msg))

    def send(self, obj):
        body = json.dumps({"jsonrpc": "2.0", **obj}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return time.perf_counter()

    def wait(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            at, msg = self.inbox.get(timeout=max(0.001, deadline - time.monotonic()))
            if predicate(msg):
                return at, msg


def percentile(values, p):
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def run_edits(client, version, edits):
    """Sends each edit, waits for its diagnostics; returns (latencies in ms, next version)."""
    latencies = []
    for (line, col_start, col_end, text) in edits:
        version += 1
        sent = client.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": URI, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": col_start},
                                          "end": {"line": line, "character": col_end}}, "text": text}]}})
        v = version
        at, msg = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                              and m["params"].get("version") == v)
        latencies.append((at - sent) * 1000)
    return latencies, version


def summary(name, values):
    return (f"{name:<28} n={len(values):<4} p50={statistics.median(values):6.2f} ms  "
            f"p95={percentile(values, 95):6.2f} ms  max={max(values):6.2f} ms")


def report_server(traces):
    """Server-side time per analysis ($/logTrace). An edit inside a comment is answered by shifting the
    previous diagnostics, without re-parsing or re-analysing; such pushes carry no analysis time."""
    totals, parses = traces
    analysed = [(t, p) for t, p in zip(totals, parses) if t > 0]
    print(f"  server re-analysed {len(analysed)} of {len(totals)} pushes")
    if analysed:
        print(summary("  server: reparse+analyse", [t for t, _ in analysed]))
        print(summary("  server: reparse only", [p for _, p in analysed]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--heaplint", required=True)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON too")
    parser.add_argument("--file", help="a real module instead of the generated one: edits go to the comment and "
                                       "the `name = ...` line nearest its middle")
    args = parser.parse_args()

    if args.file:
        source = open(args.file, encoding="utf-8").read()
        lines = source.split("\n")
        middle = len(lines) // 2
        by_distance = sorted(range(len(lines)), key=lambda i: abs(i - middle))
        comment_line = next(i for i in by_distance if lines[i].strip().startswith("#"))
        code_line = next(i for i in by_distance if re.match(r"^\s+[A-Za-z_]\w* = ", lines[i]))
        args.lines = len(lines)
    else:
        source = make_source(args.lines)
        lines = source.split("\n")
        comment_line = next(i for i, l in enumerate(lines) if l.startswith("    # comment line for node 100"))
        code_line = next(i for i, l in enumerate(lines) if l.startswith("        self.value_100 ="))
    client = Client(args.heaplint)
    client.send({"id": 1, "method": "initialize", "params": {"capabilities": {}, "trace": "messages"}})
    client.wait(lambda m: m.get("id") == 1)
    client.send({"method": "initialized", "params": {}})
    opened = client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": URI, "languageId": "python", "version": 1, "text": source}}})
    at, msg = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
    if not args.file:
        assert msg["params"]["diagnostics"] == [], msg["params"]["diagnostics"][:3]
    open_ms = (at - opened) * 1000

    # Typing in a comment: append characters at the end of the comment line, then delete them.
    end = len(lines[comment_line])
    half = args.edits // 2
    comment_edits = [(comment_line, end + k, end + k, "x") for k in range(half)]
    comment_edits += [(comment_line, end + half - k - 1, end + half - k, "") for k in range(args.edits - half)]
    # Typing in code: grow and shrink the attribute name `value_100` (stays valid Python).
    col = lines[code_line].index(" =")
    code_edits = [(code_line, col + k, col + k, "z") for k in range(half)]
    code_edits += [(code_line, col + half - k - 1, col + half - k, "") for k in range(args.edits - half)]

    def server_side(start):
        got = client.traces[start:]
        return [t for t, _ in got], [p for _, p in got]

    warmup, version = run_edits(client, 1, comment_edits[:20] + [(comment_line, end + 19 - k, end + 20 - k, "") for k in range(20)])
    mark = len(client.traces)
    in_comment, version = run_edits(client, version, comment_edits)
    comment_server = server_side(mark)
    mark = len(client.traces)
    in_code, version = run_edits(client, version, code_edits)
    code_server = server_side(mark)

    client.send({"id": 2, "method": "shutdown"})
    client.wait(lambda m: m.get("id") == 2)
    client.send({"method": "exit"})
    client.proc.wait(timeout=10)

    name = os.path.basename(args.file) if args.file else "generated"
    print(f"heaplint server latency, {args.lines}-line file {name} ({len(source.encode()) // 1024} KB), "
          f"didChange -> publishDiagnostics; open took {open_ms:.1f} ms")
    print(summary("edit in a comment", in_comment))
    report_server(comment_server)
    print(summary("edit in code", in_code))
    report_server(code_server)
    print("target: p95 < 30 ms")
    if args.json:
        print(json.dumps({"open_ms": open_ms, "comment": in_comment, "code": in_code}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
