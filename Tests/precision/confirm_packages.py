"""Run-time confirmations of doubtful heaplint findings on the pinned packages (django, SQLAlchemy, Twisted,
tornado, celery) of `make realworld-venv`.

"Doubtful" means the verdict in hl12_verdicts.tsv depended on a run-time value or on a store whose
reachability had to be reasoned about: `raise self.x` where `x` might be a class, an exception parked on an
object by code elsewhere, `raise name` where `name` holds a class (a false alarm), a cycle that ends when a
transaction ends. Two scenarios are negatives: lookups.py:689 was a false alarm of main f9c025f, no longer
reported since 39893d0 (it stays as a check that the class choice really leaves no cycle); transaction.py:125
is still reported and is a false alarm (contextlib drops the generator frame from the traceback). Each scenario drives the flagged package code once with the collector disabled, then
collects with gc.DEBUG_SAVEALL and asks whether the object the finding names -- the frame of the flagged
function (HL103/HL106) or an instance of the flagged class (HL101) -- lies *on a cycle* among the collected
objects: it must reach itself through gc.get_referents, without going through a frame's f_back (so a cycle
of the caller cannot count). Scenarios never keep the object that holds the exception in their own frame
(they pop it from a list for the call), so the scenario's own frame adds no cycle either.

Not part of `make test` (the venv is not part of CI). Run it with the venv's interpreter:

    .venv-realworld/bin/python Tests/precision/confirm_packages.py

It prints one JSON object per scenario: the finding, the expected and the found verdict.
"""
import gc
import json
import sys
import types


def configure_django():
    import django
    from django.conf import settings
    if not settings.configured:
        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
            INSTALLED_APPS=[],
            TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": []}],
            USE_TZ=True,
        )
        django.setup()


def django_isnull_raises_a_class():
    # lookups.py:689 `raise result_exception`: the name holds FullResultSet / EmptyResultSet, classes.
    configure_django()
    from django.core.exceptions import FullResultSet
    from django.db import connection
    from django.db.models import Value
    from django.db.models.lookups import IsNull
    lookups = [IsNull(Value(None), True)]
    try:
        lookups.pop().as_sql(None, connection)
    except FullResultSet:
        pass


def django_rollback_mark():
    # transaction.py:125 `connection.rollback_exc = exc` in a @contextmanager generator: when the generator
    # re-raises the exception thrown into it, contextlib's __exit__ resets `exc.__traceback__` to the with
    # block's traceback, so the generator's frame leaves it and no cycle remains (a false alarm).
    configure_django()
    from django.db import connection, transaction
    try:
        with transaction.atomic():
            try:
                with transaction.mark_for_rollback_on_error():
                    raise KeyError("inside")
            except KeyError:
                pass
    except Exception:
        pass
    connection.rollback_exc = None
    connection.close()


def django_bad_serializer():
    # serializers/__init__.py:52 `raise self.exception`: BadSerializer keeps the ImportError it was given.
    from django.core.serializers import BadSerializer
    serializers = [BadSerializer(ImportError("no yaml"))]
    try:
        serializers.pop()()
    except ImportError:
        pass


def django_validation_error_list():
    # core/exceptions.py:178 `self.error_list = [self]`.
    from django.core.exceptions import ValidationError
    ValidationError("invalid")


def django_get_template_chain():
    # template/loader.py:17 `chain.append(e)` then `raise TemplateDoesNotExist(..., chain=chain)`.
    configure_django()
    from django.template import TemplateDoesNotExist, loader
    try:
        loader.get_template("missing.html")
    except TemplateDoesNotExist:
        pass


def sqlalchemy_safe_reraise():
    # util/langhelpers.py:166 `raise exc_value.with_traceback(exc_tb)` of the local `exc_value`.
    from sqlalchemy.util import safe_reraise
    try:
        try:
            raise KeyError("original")
        except KeyError:
            with safe_reraise():
                pass
    except KeyError:
        pass


def sqlalchemy_transaction_left_open():
    # engine/base.py:911 Connection._transaction = RootTransaction(self) <-> RootTransaction.connection:
    # a connection dropped with its transaction still open.
    from sqlalchemy import create_engine
    engine = create_engine("sqlite://")
    connection = engine.connect()
    connection.begin()
    del connection  # the pool keeps the DBAPI connection, not the Connection
    engine.dispose()


def sqlalchemy_dbapi_error():
    # engine/base.py:2351 `raise sqlalchemy_exception.with_traceback(exc_info[2]) from e`.
    from sqlalchemy import create_engine, exc
    engine = create_engine("sqlite://")
    connections = [engine.connect()]
    try:
        connections[-1].exec_driver_sql("SELEC 1")
    except exc.OperationalError:
        pass
    connections.pop().close()
    engine.dispose()


def sqlalchemy_lambda_sequence():
    # sql/lambdas.py:849 `closure_trackers.append(self._cache_key_getter_closure_variable(...))`: the getter
    # made for a closure variable that is a sequence (line 999) closes over `self`. AnalyzedCode objects are
    # cached per code object (`AnalyzedCode._fns`) and their AnalyzedFunction in `_closure_per_cache_key`;
    # the scenario removes its entries so that only the cycle can keep the AnalyzedCode.
    from sqlalchemy import column, lambda_stmt, select, table
    from sqlalchemy.sql import lambdas
    columns = table("t", column("a"), column("b")).c
    def build(selected):
        return lambda_stmt(lambda: select(*selected))
    cached = set(lambdas.AnalyzedCode._fns)
    functions = set(lambdas._closure_per_cache_key)
    build([columns.a, columns.b])
    for key in set(lambdas.AnalyzedCode._fns) - cached:
        del lambdas.AnalyzedCode._fns[key]
    for key in set(lambdas._closure_per_cache_key) - functions:
        del lambdas._closure_per_cache_key[key]


def tornado_rethrow():
    # httpclient.py:688 `raise self.error`.
    from tornado.httpclient import HTTPClientError, HTTPRequest, HTTPResponse
    responses = [HTTPResponse(HTTPRequest("http://example.invalid/"), 599, error=HTTPClientError(599))]
    try:
        responses.pop().rethrow()
    except HTTPClientError:
        pass


def twisted_raising_memory_reactor():
    # internet/testing.py:908 `raise self._connectException`.
    from twisted.internet.testing import RaisingMemoryReactor
    reactors = [RaisingMemoryReactor(connectException=ConnectionRefusedError("refused"))]
    try:
        reactors.pop().connectTCP("127.0.0.1", 1, None)
    except ConnectionRefusedError:
        pass


def twisted_failure_raise():
    # python/failure.py:455 `raise self.value.with_traceback(self.tb)`.
    from twisted.python.failure import Failure
    failures = [Failure(ZeroDivisionError("boom"))]
    try:
        failures.pop().raiseException()
    except ZeroDivisionError:
        pass


def twisted_assert_raises():
    # trial/_synctest.py:336 `self.exception = exceptionValue` in _AssertRaisesContext.__exit__.
    from twisted.trial.unittest import SynchronousTestCase
    SynchronousTestCase().assertRaises(ZeroDivisionError, lambda: 1 / 0)


def celery_eager_retry():
    # app/task.py:955 `ret = Retry(...)`; `raise ret` in an eagerly applied task.
    from celery import Celery
    app = Celery("confirm", set_as_current=False)
    app.conf.task_always_eager = True

    @app.task(bind=True, max_retries=1, shared=False)
    def flaky(self):
        if self.request.retries == 0:
            self.retry(countdown=0)
        return "done"

    flaky.apply().get()
    app.close()


# (name, function, (kind, name) of the object that must (or must not) be on a cycle, finding, expected)
SCENARIOS = [
    ("django IsNull raises a result-set class", django_isnull_raises_a_class, ("frame", "as_sql"), "django db/models/lookups.py:689 HL103 (false alarm, not flagged since main 39893d0)", False),
    ("django mark_for_rollback_on_error parks the exception", django_rollback_mark, ("frame", "mark_for_rollback_on_error"), "django db/transaction.py:125 HL106 (false alarm)", False),
    ("django BadSerializer re-raises its ImportError", django_bad_serializer, ("frame", "__call__"), "django core/serializers/__init__.py:52 HL103", True),
    ("django ValidationError holds itself in error_list", django_validation_error_list, ("instance", "ValidationError"), "django core/exceptions.py:178 HL101", True),
    ("django get_template keeps the chain of misses", django_get_template_chain, ("frame", "get_template"), "django template/loader.py:17 HL103", True),
    ("sqlalchemy safe_reraise re-raises", sqlalchemy_safe_reraise, ("frame", "__exit__"), "sqlalchemy util/langhelpers.py:166 HL103", True),
    ("sqlalchemy connection dropped inside a transaction", sqlalchemy_transaction_left_open, ("instance", "RootTransaction"), "sqlalchemy engine/base.py:911 HL101", True),
    ("sqlalchemy wraps a DBAPI error", sqlalchemy_dbapi_error, ("frame", "_handle_dbapi_exception"), "sqlalchemy engine/base.py:2351 HL103", True),
    ("sqlalchemy lambda closing over a list of columns", sqlalchemy_lambda_sequence, ("instance", "AnalyzedCode"), "sqlalchemy sql/lambdas.py:849 HL102", True),
    ("tornado HTTPResponse.rethrow", tornado_rethrow, ("frame", "rethrow"), "tornado httpclient.py:688 HL103", True),
    ("twisted RaisingMemoryReactor.connectTCP", twisted_raising_memory_reactor, ("frame", "connectTCP"), "twisted internet/testing.py:908 HL103", True),
    ("twisted Failure.raiseException", twisted_failure_raise, ("frame", "raiseException"), "twisted python/failure.py:455 HL103", True),
    ("twisted assertRaises keeps the exception", twisted_assert_raises, ("frame", "_handle"), "twisted trial/_synctest.py:336 HL106", True),
    ("celery eager Task.retry", celery_eager_retry, ("frame", "retry"), "celery app/task.py:955 HL103", True),
]


def referents(obj):
    # A frame's f_back is its caller: a cycle through it belongs to the caller, not to the finding.
    back = obj.f_back if isinstance(obj, types.FrameType) else None
    return [r for r in gc.get_referents(obj) if r is not back]


def on_cycle(target, collected):
    seen = set()
    stack = referents(target)
    while stack:
        obj = stack.pop()
        if obj is target:
            return True
        if id(obj) in seen or id(obj) not in collected:
            continue
        seen.add(id(obj))
        stack.extend(referents(obj))
    return False


def matches(obj, kind, name):
    if kind == "frame":
        return isinstance(obj, types.FrameType) and obj.f_code.co_name == name
    return type(obj).__name__ == name


def main():
    for title, scenario, (kind, name), finding, expect in SCENARIOS:
        gc.collect()
        gc.disable()
        gc.set_debug(0)
        gc.garbage.clear()
        error = None
        try:
            scenario()
        except Exception as exc:  # a scenario that cannot run is reported, not counted
            error = "%s: %s" % (type(exc).__name__, exc)
            del exc
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        gc.set_debug(0)
        collected = {id(obj) for obj in gc.garbage}
        found = any(matches(obj, kind, name) and on_cycle(obj, collected) for obj in gc.garbage)
        gc.garbage.clear()
        gc.enable()
        record = {"scenario": title, "finding": finding, "expected_cycle": expect, "cycle_found": found}
        if error:
            record["error"] = error
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    sys.exit(main())
