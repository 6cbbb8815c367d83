# HL0 (meta): suppression comments. `# noqa: HLxxx` silences one code on its line, a bare `# noqa`
# every code, and `# heaplint: noqa` on a line of its own the whole file. With HL002 selected (this
# project's pyproject.toml does), a suppression that matches nothing is itself reported, with a fix.
import json

TIMEOUT_SECONDS = 30  # noqa: HL101  (stale: nothing on this line is a reference cycle)


def load(path):
    with open(path) as handle:
        return json.load(handle)
