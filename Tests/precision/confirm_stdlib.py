"""Run-time confirmations of heaplint's HL103/HL106/HL107 findings on the standard library.

Each scenario drives the flagged stdlib code once with the collector disabled, then collects with
gc.DEBUG_SAVEALL and looks in gc.garbage for the object the finding names -- the frame of the flagged
function (HL103/HL106) or an instance of the flagged class (HL107) -- *on a cycle*: it must reach itself
through gc.get_referents without going through a frame's f_back, so a cycle of a caller (e.g. the
scenario's own frame once it catches the exception) does not count. Negative scenarios drive code heaplint
does not flag (it breaks the cycle) and must leave no such cycle. A scenario may return a weak reference
instead: the object must then outlive reference counting and die in gc.collect().

`python confirm_stdlib.py` prints one JSON object per scenario; Tests/python/test_stdlib_confirmations.py
runs it and checks every verdict. Written against CPython 3.11's standard library; where a module has a C accelerator (asyncio futures,
ElementTree, warnings), the pure-Python version heaplint read is the one driven.
"""
import asyncio
import configparser
import contextlib
import email.errors
import email.policy
import gc
import json
import mailbox
import socket
import sys
import tempfile
import types
import weakref
import xml.sax.handler
from multiprocessing import pool as multiprocessing_pool
from test.support.import_helper import import_fresh_module
from unittest import mock


def cancelled_future_result():
    # The pure-Python Future (asyncio/futures.py); the C one (_asyncio) is not what heaplint read.
    loop = asyncio.new_event_loop()
    future = asyncio.futures._PyFuture(loop=loop)
    future.cancel()
    try:
        future.result()
    except asyncio.CancelledError:
        pass
    loop.close()


def configparser_errors():
    parser = configparser.ConfigParser()
    try:
        parser.read_string("[section]\nkey = value\n  continued\nbad line without separator\n")
    except configparser.Error:
        pass


def elementtree_parse_error():
    python_elementtree = import_fresh_module("xml.etree.ElementTree", blocked=["_elementtree"])
    try:
        python_elementtree.fromstring("<root><unclosed></root>")
    except python_elementtree.ParseError:
        pass


def sax_error_handler():
    try:
        xml.sax.handler.ErrorHandler().error(ValueError("bad document"))
    except ValueError:
        pass


def warnings_as_errors():
    python_warnings = import_fresh_module("warnings", blocked=["_warnings"])
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("error")
        try:
            python_warnings.warn("deprecated", DeprecationWarning)
        except DeprecationWarning:
            pass


def email_raise_on_defect():
    policy = email.policy.default.clone(raise_on_defect=True)
    try:
        policy.handle_defect(object(), email.errors.MessageDefect("broken header"))
    except email.errors.MessageDefect:
        pass


def pool_reraise_helper():
    try:
        multiprocessing_pool._helper_reraises_exception(RuntimeError("task failed"))
    except RuntimeError:
        pass


def mock_side_effect():
    failing = mock.Mock(side_effect=KeyError("missing"))
    try:
        failing()
    except KeyError:
        pass


def exit_stack_reraise():
    def fail():
        raise ValueError("cleanup failed")
    try:
        with contextlib.ExitStack() as stack:
            stack.callback(fail)
            raise KeyError("body failed")
    except ValueError:
        pass


def work_item_failure():
    # _WorkItem.run stores the exception on its future, then sets `self = None`: no cycle (not flagged).
    from concurrent.futures import Future, thread
    future = Future()
    thread._WorkItem(future, lambda: 1 / 0, (), {}).run()
    del future


async def task_group_body():
    async def fail():
        raise ValueError("child failed")
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fail())
            raise KeyError("body failed")
    except* (KeyError, ValueError):
        pass


def task_group_errors():
    # taskgroups.py:137 appends the body's exception to `self._errors`, and the `finally` of line 147 always
    # drops the list again: the frame holding the group (`as group`) is on no cycle (not flagged).
    asyncio.run(task_group_body())


def maildir_next():
    with tempfile.TemporaryDirectory() as directory:
        box = mailbox.Maildir(directory + "/box", create=True)
        box.add(b"Subject: hello\n\nbody\n")
        box.next()
        # A generator's cycle is freed by the collector without being listed in gc.garbage (3.11): the
        # instance is watched through a weak reference instead.
        return weakref.ref(box)


def socket_create_connection_refused():
    # socket.create_connection clears its list of exceptions in a `finally`: no cycle (not flagged).
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1)
    except OSError:
        pass


# (name, function, what the garbage must (or must not) contain, finding it confirms)
SCENARIOS = [
    ("asyncio Future.result of a cancelled future", cancelled_future_result, ("frame", "result"), "asyncio/futures.py:198 HL103", True),
    ("configparser collected parsing errors", configparser_errors, ("frame", "_read"), "configparser.py:1132 HL103", True),
    ("ElementTree parse error", elementtree_parse_error, ("frame", "_raiseerror"), "xml/etree/ElementTree.py:1618 HL103", True),
    ("sax ErrorHandler.error", sax_error_handler, ("frame", "error"), "xml/sax/handler.py:34 HL103", True),
    ("warnings filter 'error'", warnings_as_errors, ("frame", "warn_explicit"), "warnings.py:370 HL103", True),
    ("email policy raise_on_defect", email_raise_on_defect, ("frame", "handle_defect"), "email/_policybase.py:185 HL103", True),
    ("multiprocessing.pool reraise helper", pool_reraise_helper, ("frame", "_helper_reraises_exception"), "multiprocessing/pool.py:144 HL103", True),
    ("mock side_effect exception", mock_side_effect, ("frame", "_execute_mock_call"), "unittest/mock.py:1183 HL103", True),
    ("contextlib.ExitStack re-raise", exit_stack_reraise, ("frame", "__exit__"), "contextlib.py:595 HL103", True),
    ("concurrent.futures work item drops self after storing", work_item_failure, ("frame", "run"), "concurrent/futures/thread.py:60 (not flagged)", False),
    ("Maildir.next keeps a generator", maildir_next, ("instance", "Maildir"), "mailbox.py:567 HL107", True),
    ("TaskGroup drops its errors in a finally", task_group_errors, ("frame", "task_group_body"), "asyncio/taskgroups.py:137 (not flagged)", False),
    ("socket.create_connection clears its exceptions", socket_create_connection_refused, ("frame", "create_connection"), "socket.py:851 (not flagged)", False),
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


def garbage_matches(kind, name):
    collected = {id(obj) for obj in gc.garbage}
    for obj in gc.garbage:
        if kind == "frame" and isinstance(obj, types.FrameType) and obj.f_code.co_name == name and on_cycle(obj, collected):
            return True
        if kind == "instance" and type(obj).__name__ == name and on_cycle(obj, collected):
            return True
    return False


def main():
    for title, scenario, (kind, name), finding, expect in SCENARIOS:
        gc.collect()
        gc.disable()
        gc.set_debug(0)
        gc.garbage.clear()
        watched = scenario()
        survived = watched is not None and watched() is not None
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        gc.set_debug(0)
        found = garbage_matches(kind, name) or (survived and watched() is None)
        gc.garbage.clear()
        gc.enable()
        print(json.dumps({"scenario": title, "finding": finding, "expected_cycle": expect, "cycle_found": found}))


if __name__ == "__main__":
    sys.exit(main())
