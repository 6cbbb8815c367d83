"""`heaplint verify` on objects allocated in code compiled at run time (issue 19).

tracemalloc's innermost frame of such an object is not a line anyone can open: `<string>` for the
`__init__` dataclasses builds with exec, or a code-object file name that exists nowhere (tornado compiles
its templates as `foo_html.generated.py`). The harness falls back to the first frame in a real file of the
program (the line that called into the generated code) and says so (`generated` in JSON, the text report's
allocation line, SARIF's related location).
"""
import json
import os
import sys

from verify_runs import run_verify, write_sources

SCRIPT = """\
from dataclasses import dataclass, field


class Child:
    pass


@dataclass
class Parent:
    child: Child = field(default_factory=Child)


def build():
    parent = Parent()
    parent.child.parent = parent


TEMPLATE = "def render():\\n    return 'page'\\n"


def compile_page():
    namespace = {}
    exec(compile(TEMPLATE, "page_html.generated.py", "exec"), namespace)
    return namespace["render"]


build()
compile_page()
"""


def run(tmp_path, output_format):
    (path,) = write_sources(tmp_path, {"gen.py": SCRIPT})
    return run_verify(tmp_path, "--output-format", output_format, command=[sys.executable, str(path)])


def objects_of(cycle):
    return {o["type"]: o for o in cycle["objects"]}


def test_dataclass_init_allocation_falls_back_to_the_callers_line(tmp_path):
    proc = run(tmp_path, "json")
    report = json.loads(proc.stdout)
    (confirmed,) = [item for item in report["confirmed"] if item["code"] == "HL101"]
    (cycle,) = confirmed["cycles"]
    objects = objects_of(cycle)
    # Child() ran inside dataclasses' exec-made __init__ ("<string>"), called from `parent = Parent()`.
    child = objects["Child"]
    assert child["generated"] == "<string>"
    assert (os.path.basename(child["file"]), child["line"]) == ("gen.py", 14)
    assert all(os.path.isfile(site["file"]) for site in child["sites"])
    # Parent was allocated on that line by the user's own code: nothing generated about it.
    assert "generated" not in objects["Parent"] and objects["Parent"]["line"] == 14


def test_code_named_after_a_missing_file_is_generated_not_a_user_file(tmp_path):
    proc = run(tmp_path, "json")
    report = json.loads(proc.stdout)
    (cycle,) = [c for c in report["runtime_only"] if "render" in c["summary"]]
    function = objects_of(cycle)["function"]
    assert function["generated"] == "page_html.generated.py"
    assert (os.path.basename(function["file"]), function["line"]) == ("gen.py", 23)  # the exec line
    assert "defined_in" not in function  # its code's file does not exist: no finding can be about it
    assert os.path.basename(cycle["filename"]) == "gen.py"
    assert not any("page_html" in site["file"] for o in cycle["objects"] for site in o.get("sites", []))


def test_text_report_says_the_allocation_was_in_generated_code(tmp_path):
    proc = run(tmp_path, "text")
    assert proc.returncode == 1, proc.stderr
    assert ("function render at gen.py:23 (allocated in generated code page_html.generated.py, "
            "called from that line)") in proc.stdout


def test_sarif_related_location_says_generated_code(tmp_path):
    proc = run(tmp_path, "sarif")
    results = json.loads(proc.stdout)["runs"][0]["results"]
    (runtime_only,) = [r for r in results if r["ruleId"] == "HL004"]
    messages = [rel["message"]["text"] for rel in runtime_only["relatedLocations"]]
    assert any(m.endswith("in generated code page_html.generated.py, called from this line") for m in messages)
