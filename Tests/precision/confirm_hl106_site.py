"""Run-time confirmations of HL106 (exception-stored-on-object) findings on packages installed in this
machine's CPython 3.11 site-packages (flask, packaging, setuptools, pip's vendored tenacity, antlr4's
ParserInterpreter pattern as generated parsers repeat it), read for the HL106 precision review in
docs/precision-report.md.

Same method as confirm_stdlib.py (whose on_cycle/garbage_matches it reuses): drive the flagged code once
with the collector disabled, collect with gc.DEBUG_SAVEALL, and ask whether the flagged function's frame lies
on a cycle among the collected objects without going through a frame's f_back. The scenario returns nothing
that keeps the holder alive, so the scenario's own frame adds no cycle.

Not part of `make test` (these packages are not pinned dependencies). Run with the interpreter whose
site-packages holds them:

    python3 Tests/precision/confirm_hl106_site.py
"""
import gc
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import types  # noqa: E402

from confirm_stdlib import on_cycle  # noqa: E402


def garbage_matches(kind, name):
    # As confirm_stdlib.garbage_matches, but only frames are looked at: dead weak proxies in the garbage
    # (flask's app keeps some) raise ReferenceError on any isinstance() check that touches their type.
    collected = {id(obj) for obj in gc.garbage}
    for obj in gc.garbage:
        if type(obj) is types.FrameType and obj.f_code.co_name == name and on_cycle(obj, collected):
            return True
    return False


def flask_routing_exception():
    # flask/ctx.py:365: RequestContext.match_request (run by push()) stores the NotFound of an unknown URL
    # on self.request; NotFound.__traceback__ -> match_request's frame -> self -> request -> NotFound.
    import flask
    app = flask.Flask("confirm")
    context = app.test_request_context("/no-such-page")
    context.push()
    context.pop()


def packaging_error_collector():
    # packaging/errors.py:87: collect() is a generator context manager; the exception thrown into it
    # gets the generator's frame on its traceback, and that frame holds self -> errors -> exception.
    from packaging.errors import _ErrorCollector
    collector = _ErrorCollector()
    with collector.collect():
        raise ValueError("bad")


def setuptools_exception_saver():
    # setuptools/sandbox.py:131: __exit__ keeps tb; tb's first frame is the one running the `with`,
    # which holds the saver (`as saved`).
    from setuptools.sandbox import ExceptionSaver

    def run_with():
        with ExceptionSaver() as saved:
            raise ValueError("bad")
    run_with()


def tenacity_retry_state():
    # pip/_vendor/tenacity/__init__.py:386: retry_state.set_exception(sys.exc_info()) keeps the
    # traceback, whose first frame is __call__'s, which holds retry_state.
    from pip._vendor import tenacity

    def fail():
        raise ValueError("bad")
    try:
        tenacity.Retrying(stop=tenacity.stop_after_attempt(1), reraise=True)(fail)
    except ValueError:
        pass


def antlr_generated_rule():
    # The shape of every `localctx.exception = re` of ANTLR-generated parsers (moto, sympy): the rule
    # method's frame holds localctx, localctx.exception holds the RecognitionException whose traceback
    # starts at that frame.
    from antlr4.error.Errors import RecognitionException

    class Context:
        exception = None

    def rule():
        localctx = Context()
        try:
            raise RecognitionException("mismatched input")
        except RecognitionException as re:
            localctx.exception = re
        return localctx
    rule()


def moto_callback_outcome_not_exception():
    # Negative, the shape of moto state_task_service_callback.py:242 (a false alarm): the exception copied
    # into `outcome` is raised by the isinstance branch, so the `else` store into the holder only ever sees
    # a non-exception. (The frame does keep `outcome`, so frame and exception still make the HL103-style
    # cycle of a local; the finding's claim is about the holder, so this scenario checks the holder.)
    stacks = []

    def evaluate(fail, stack):
        try:
            if fail:
                raise ValueError("bad")
            outcome = "result"
        except Exception as integration_exception:
            outcome = integration_exception
        if isinstance(outcome, Exception):
            raise outcome
        else:
            stack.append(outcome)

    for fail in (True, False):
        stacks.append([])
        try:
            evaluate(fail, stacks[-1])
        except ValueError:
            pass
    return any(isinstance(item, BaseException) for stack in stacks for item in stack)


SCENARIOS = [
    ("flask RequestContext for an unknown URL", flask_routing_exception, ("frame", "match_request"), "flask/ctx.py:365 HL106", True),
    ("packaging _ErrorCollector.collect", packaging_error_collector, ("frame", "collect"), "packaging/errors.py:87 HL106", True),
    ("setuptools ExceptionSaver.__exit__", setuptools_exception_saver, ("frame", "run_with"), "setuptools/sandbox.py:131 HL106", True),
    ("tenacity Retrying.__call__ failure", tenacity_retry_state, ("frame", "__call__"), "pip/_vendor/tenacity/__init__.py:386 HL106", True),
    ("ANTLR generated rule error", antlr_generated_rule, ("frame", "rule"), "moto/sympy generated parsers `localctx.exception = re` HL106", True),
    ("moto callback outcome (isinstance raises)", moto_callback_outcome_not_exception, ("frame", "evaluate"), "moto/.../state_task_service_callback.py:242 HL106 (false alarm)", False),
]


def main():
    for title, scenario, (kind, name), finding, expect in SCENARIOS:
        gc.collect()
        gc.disable()
        gc.garbage.clear()
        holder_got_exception = scenario()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        gc.set_debug(0)
        found = holder_got_exception if holder_got_exception is not None else garbage_matches(kind, name)
        gc.garbage.clear()
        gc.enable()
        print(json.dumps({"scenario": title, "finding": finding, "expected_cycle": expect, "cycle_found": found}))


if __name__ == "__main__":
    sys.exit(main())
