"""`heaplint check --output-format html -o report.html` (issue 30), through the built binary (HEAPLINT_BIN):
one self-contained page that Python's html.parser reads, findings grouped by file and rule with counts,
and for every finding with a reference path an inline SVG whose box and arrow labels are the JSON graph's.
"""
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from required_tools import skip_unless

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "Fixtures")
VOID = {"meta", "br", "img", "hr", "input", "link"}


def run(*args, cwd):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


class Page(HTMLParser):
    """Collects each finding's SVG texts and checks tags are balanced (SVG self-closing elements allowed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.findings, self.sections, self.errors = [], [], [], []
        self.text_class = None
        self.external = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Anything the browser would fetch: a src, a <link>, a url(...) or non-link href to another place.
        if "src" in attrs or tag in ("link", "iframe", "object", "embed"):
            self.external.append((tag, attrs))
        href = attrs.get("href") or attrs.get("xlink:href") or ""
        if tag != "a" and href and not href.startswith("#"):
            self.external.append((tag, href))
        if tag == "article" and "finding" in attrs.get("class", ""):
            self.findings.append({"path": attrs["data-path"], "code": attrs["data-code"], "row": int(attrs["data-row"]), "svgs": 0,
                                  "nodes": [], "slots": [], "closing": 0, "excerpt": False})
        if tag == "section" and "rule" in attrs.get("class", ""):
            self.sections.append("rule")
        if self.findings:
            current = self.findings[-1]
            if tag == "svg":
                current["svgs"] += 1
            if tag == "g" and "closing" in (attrs.get("class") or "").split():
                current["closing"] += 1
            if tag == "pre" and attrs.get("class") == "excerpt":
                current["excerpt"] = True
        if tag == "text":
            self.text_class = attrs.get("class")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # <path .../>, <rect .../>: nothing to balance

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()
        if tag == "text":
            self.text_class = None

    def handle_data(self, data):
        if self.text_class and self.findings:
            key = {"node": "nodes", "slot": "slots"}.get(self.text_class)
            if key:
                self.findings[-1][key].append(data)


def report(cwd, out_dir, *paths, extra=()):
    out = os.path.join(out_dir, "report.html")
    proc = run("check", "--no-cache", "--isolated", "--preview", "--exit-zero", "--output-format", "html",
               "-o", out, *extra, *paths, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    with open(out, encoding="utf-8") as handle:
        html = handle.read()
    os.remove(out)
    page = Page()
    page.feed(html)
    page.close()
    return html, page


def caption(slot):
    return "[*]" if slot == "" else slot if slot.startswith("[") else "." + slot


REALWORLD = os.path.join(os.path.dirname(__file__), "..", "realworld")


@pytest.mark.parametrize("root, paths, least", [(FIXTURES, ["HL1", "HL2", "HL4"], 30), (REALWORLD, ["HL1", "HL2"], 20)],
                         ids=["fixtures", "realworld"])
def test_report_draws_every_path(tmp_path, root, paths, least):
    html, page = report(root, str(tmp_path), *paths)
    assert html.startswith("<!DOCTYPE html>")
    assert page.errors == [] and page.stack == []
    assert page.external == [], "self-contained: no external scripts, styles, fonts or images"
    assert not re.search(r"url\((?!#)", html) and "@import" not in html and "@font-face" not in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique across the page (each drawing has its own markers)"
    for target in re.findall(r'url\(#([^)]+)\)', html):
        assert target in ids
    data = json.loads(run("check", "--no-cache", "--isolated", "--preview", "--exit-zero", "--output-format", "json",
                          *paths, cwd=root).stdout)
    assert len(page.findings) == len(data) > least
    # Same order as the JSON within a file and rule: pair them up by (file, code, row) sequence.
    by_key = {}
    for item in data:
        path = os.path.relpath(item["filename"], root)
        by_key.setdefault((path, item["code"], item["location"]["row"]), []).append(item)
    drawn = 0
    for finding in page.findings:
        item = by_key[(finding["path"], finding["code"], finding["row"])].pop(0)
        assert finding["excerpt"]
        graph = item["graph"]
        if graph is None:
            assert finding["svgs"] == 0
            continue
        drawn += 1
        assert finding["svgs"] == 1
        assert sorted(finding["nodes"]) == sorted(n["label"] for n in graph["nodes"])
        slots = [re.sub(r" \(line \d+\)$", "", s) for s in finding["slots"]]
        assert slots == [caption(e["slot"]) for e in graph["edges"]]
        assert finding["closing"] == sum(e["closing"] for e in graph["edges"])
    assert drawn > least - 10


def test_grouped_by_file_and_rule_with_counts(tmp_path):
    (tmp_path / "cars.py").write_text(
        "class Engine:\n    def __init__(self, car):\n        self.car = car\n\n\n"
        "class Car:\n    def __init__(self):\n        self.engine = Engine(self)\n")
    (tmp_path / "clean.py").write_text("x = 1\n")
    (tmp_path / "bad.py").write_text("def f(:\n")
    html, page = report(str(tmp_path), str(tmp_path), ".")
    assert "2 findings in 2 files (3 files checked)" in html
    assert re.search(r'<h2>bad\.py <span class="count">1 finding</span></h2>', html)
    assert re.search(r'<h3><code>HL101</code> [a-z0-9-]+ <span class="count">1</span></h3>', html)
    assert '<span class="line flagged"><span class="ln">8</span>         self.engine = Engine(self)</span>' in html
    [cars] = [f for f in page.findings if f["code"] == "HL101"]
    assert cars["nodes"] == ["Car", "Engine"] and cars["closing"] == 1


def test_clean_report_and_escaping(tmp_path):
    (tmp_path / "ok.py").write_text("x = '<script>'\n")
    html, page = report(str(tmp_path), str(tmp_path), ".")
    assert "All checks passed!" in html and page.findings == [] and page.errors == []


def test_html_is_listed_in_help():
    out = subprocess.run([BIN, "check", "--help"], capture_output=True, text=True).stdout
    assert "html" in out


def test_standard_library_report_stays_small(tmp_path):
    """Large input: the report for CPython's standard library (over a hundred findings) parses and stays
    under a few MB."""
    import sysconfig

    stdlib = sysconfig.get_paths()["stdlib"]
    html, page = report(stdlib, str(tmp_path), ".", extra=("--exclude", "test,tests,idlelib,site-packages"))
    assert page.errors == [] and page.stack == []
    assert len(page.findings) > 50
    assert all(f["svgs"] == (1 if f["nodes"] else 0) for f in page.findings)
    assert len(html.encode()) < 4_000_000


# ---- in a real browser (Debian's headless Chromium) ---------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = os.path.join(os.path.dirname(__file__), "..", "..", ".screenshots")


def chromium(*args, timeout=180):
    # --no-sandbox: the tests may run as root (CI containers), where Chromium refuses its sandbox.
    return subprocess.run([CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                           "--disable-extensions", "--enable-logging=stderr", "--v=0", *args],
                          capture_output=True, text=True, timeout=timeout)


@skip_unless(CHROMIUM is not None, "Debian's chromium is not installed (make editor-test-debs)")
def test_report_in_chromium_has_no_console_errors_and_draws_every_path(tmp_path):
    paths = ["HL1", "HL2"]
    out = tmp_path / "report.html"
    proc = run("check", "--no-cache", "--isolated", "--preview", "--exit-zero", "--output-format", "html",
               "-o", str(out), *paths, cwd=FIXTURES)
    assert proc.returncode == 0, proc.stderr
    url = out.as_uri()
    dom = chromium("--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "console messages:\n" + "\n".join(console)
    # The page as the browser built it (after its script ran): every path drawn, labels as in the JSON.
    page = Page()
    page.feed(dom.stdout)
    page.close()
    data = json.loads(run("check", "--no-cache", "--isolated", "--preview", "--exit-zero", "--output-format", "json",
                          *paths, cwd=FIXTURES).stdout)
    assert len(page.findings) == len(data)
    with_path = [i for i in data if i["graph"]]
    assert sum(f["svgs"] for f in page.findings) == len(with_path) > 20
    assert sorted(label for f in page.findings for label in f["nodes"]) == \
        sorted(n["label"] for i in with_path for n in i["graph"]["nodes"])
    # Screenshots at a desktop and a phone width, for a person to look at (the folder is git-ignored).
    os.makedirs(SCREENSHOTS, exist_ok=True)
    for width in (1280, 420):
        shot = os.path.join(SCREENSHOTS, f"report-{width}.png")
        taken = chromium(f"--screenshot={shot}", f"--window-size={width},2400", "--hide-scrollbars", url)
        assert taken.returncode == 0, taken.stderr[-2000:]
        with open(shot, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
