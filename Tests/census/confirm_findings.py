"""Reduced CPython checks behind the doubtful rows of verdicts.tsv (census packages' findings).

Each scenario drives the flagged code once with the collector disabled and `gc.DEBUG_SAVEALL`, collects, and
asks whether the flagged frame (by function name and the local the finding names) or object is in the cyclic
garbage. Prints one JSON line per scenario: the finding, whether a cycle was expected (the verdict), whether
one was found. Not part of `make test`: it imports the census packages from the census venv, e.g.

    .census/venv/bin/python Tests/census/confirm_findings.py

(after `make census`, or census.py, has installed them editable). Exit status 1 when a result disagrees.
"""
import gc
import json
import sys
import types
import unittest


def cyclic_garbage(scenario):
    """What `scenario()` leaves to the cyclic collector: frames as `name:local` for each local holding an
    exception (and `name:` for the frame itself), functions by qualified name, objects by type name."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        try:
            scenario()
        except Exception:
            pass  # dropped here: only what the package's own frames still hold can stay cyclic
        gc.collect()
        found = set()
        for obj in gc.garbage:
            if isinstance(obj, types.FrameType):
                found.add(obj.f_code.co_name + ":")
                found.update(obj.f_code.co_name + ":" + name for name, value in obj.f_locals.items()
                             if isinstance(value, BaseException))
            elif isinstance(obj, types.FunctionType):
                found.add(obj.__qualname__)
            else:
                found.add(type(obj).__name__)
        return found
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def scenarios():
    import pyparsing as pp
    import six
    from jinja2 import Environment

    def left_recursion(text):
        pp.ParserElement.enable_left_recursion(force=True)
        try:
            f = pp.Forward()
            f <<= f + pp.Literal("a") | pp.Literal("b")
            f.parse_string(text)
            pp.Literal("z").parse_string("z")  # the next parse clears the memo that held the exception
        finally:
            pp.ParserElement.disable_memoization()

    def parse_action_index_error():
        word = pp.Word(pp.alphas).add_parse_action(lambda t: t[5] if len(t[0]) < 2 else None)
        word.parse_string("abc")  # _trim_arity finds the arity on the first call and wraps no more
        word.parse_string("a")  # IndexError reaches core.py:890

    def packrat_hit():
        pp.ParserElement.enable_packrat()
        try:
            a = pp.Literal("a")
            ((a + pp.Literal("x")) | (a + pp.Literal("y")) | (a + pp.Literal("z"))).parse_string("b")
        finally:
            pp.ParserElement.disable_memoization()

    def assert_run_test_results():
        class Case(pp.testing.TestParseResultsAsserts, unittest.TestCase):
            def runTest(self):
                pass
        report = pp.Word(pp.nums).run_tests(["abc"], print_results=False, full_dump=False)
        Case().assertRunTestResults(report, [(pp.ParseException,)])

    fatal = lambda: pp.Literal("a") - pp.Literal("b")  # noqa: E731  (ErrorStop: a fatal failure)
    # (finding, expected cycle, what must (not) be in the garbage, scenario)
    return [
        ("six.py:759 HL103", False, "raise_from:", lambda: six.raise_from(ValueError("x"), KeyError("y"))),
        ("jinja2 nodes.py:253 HL105", True, "Node.dump.<locals>._dump",
         lambda: Environment().parse("{{ a }}").dump()),
        ("pyparsing core.py:892 HL103", True, "_parseNoCache:exc", parse_action_index_error),
        ("pyparsing core.py:1011 HL103", True, "_parseCache:value", packrat_hit),
        ("pyparsing core.py:1575 HL105", True, "ParserElement.__mul__.<locals>.makeOptionalList",
         lambda: pp.Literal("a") * (1, 3)),
        ("pyparsing core.py:2943 HL102", True, "Word", lambda: pp.Word(pp.alphas)),
        ("pyparsing core.py:3106 HL102", True, "Regex", lambda: pp.Regex(r"(a)", as_group_list=True)),
        ("pyparsing core.py:4236 HL103", True, "parseImpl:maxException",
         lambda: (pp.Opt(pp.Or([pp.Literal("a"), pp.Literal("bb")]) + pp.Literal("x")) + pp.Literal("c"))
         .parse_string("c")),
        ("pyparsing core.py:4288 HL103", False, "parseImpl:max_fatal",
         lambda: pp.Or([fatal(), pp.Literal("a") - pp.Literal("d")]).parse_string("ac")),
        ("pyparsing core.py:4388 HL103", True, "parseImpl:maxException",
         lambda: (pp.Opt((pp.Literal("a") | pp.Literal("bb")) + pp.Literal("x")) + pp.Literal("c"))
         .parse_string("c")),
        ("pyparsing core.py:4590 HL103", False, "parseImpl:max_fatal",
         lambda: pp.Each([fatal(), pp.Literal("c")]).parse_string("ax c")),
        ("pyparsing core.py:4950 HL103", True, "parseImpl:last_expr",
         lambda: (pp.Literal("x") + pp.PrecededBy(pp.Word("ab"), retreat=3) + pp.Literal("y")
                  | pp.Literal("xy")).parse_string("xy")),
        ("pyparsing core.py:5633 HL103", True, "parseImpl:prev_result", lambda: left_recursion("baa")),
        ("pyparsing core.py:5925 HL103", True, "postParse:exc",
         lambda: pp.Dict(pp.Word(pp.alphas)).parse_string("abc")),
        ("pyparsing results.py:564 HL105", True, "ParseResults.as_dict.<locals>.to_item",
         lambda: pp.Word(pp.alphas)("x").parse_string("ab").as_dict()),
        ("pyparsing testing.py:213 HL103", False, "assertRunTestResults:", assert_run_test_results),
    ]


def main():
    disagree = 0
    for finding, expected, marker, scenario in scenarios():
        found = marker in cyclic_garbage(scenario)
        disagree += found != expected
        print(json.dumps({"finding": finding, "looked_for": marker, "expected_cycle": expected,
                          "cycle_found": found}))
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
