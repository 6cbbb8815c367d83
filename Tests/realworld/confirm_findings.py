#!/usr/bin/env python3
"""Confirms HL3xx/HL4xx findings of docs/precision-eager.md by measurement on the real code (issue 14):
each check runs the flagged code from the installed package or the standard library and measures what
the finding claims, with tracemalloc peaks, collection growth across calls, or objects left alive after
`del` + `gc.collect()`. Run with the real-world venv: `.venv-realworld/bin/python Tests/realworld/confirm_findings.py`.
Prints one line per finding (`confirmed` or `NOT confirmed`, with the numbers); exits 1 if any is not.
"""
import gc
import io
import os
import struct
import sys
import tempfile
import tracemalloc
import weakref

RESULTS = []


def check(label):
    def wrap(fn):
        try:
            ok, detail = fn()
        except Exception as error:  # a check that cannot run is reported, never counted as confirmed
            ok, detail = False, f"could not run: {type(error).__name__}: {error}"
        RESULTS.append((label, ok, detail))
        return fn
    return wrap


def pinned_by_call(make, use):
    """For objects without weak references (`__slots__`): whether `use` leaves an extra reference."""
    instance = make()
    before = sys.getrefcount(instance)
    use(instance)
    gc.collect()
    return sys.getrefcount(instance) - before


def alive_after_del(make, use):
    instance = make()
    use(instance)
    ref = weakref.ref(instance)
    del instance
    gc.collect()
    return ref() is not None


def peak_of(call):
    gc.collect()
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@check("HL302 twisted/runner/inetdconf.py:63 readlines() loop")
def _():
    from twisted.runner import inetdconf
    text = "".join(f"svc{i} stream tcp nowait root /bin/true true # comment {i}\n" for i in range(50_000))
    conf = inetdconf.SimpleConfFile()
    conf.parseFields = lambda *fields: None
    peak = peak_of(lambda: conf.parseFile(io.StringIO(text)))
    return peak > 0.8 * len(text), f"peak {peak / 1e6:.1f} MB while parsing {len(text) / 1e6:.1f} MB of text (every line held at once)"


@check("HL302 django/db/models/query.py:1896 bulk_create batches (its comprehension, run on 200,000 objects)")
def _():
    objs = [object() for _ in range(200_000)]
    batch_size = 100

    def batched():
        for batch in [objs[i : i + batch_size] for i in range(0, len(objs), batch_size)]:
            pass

    def lazy():
        for batch in (objs[i : i + batch_size] for i in range(0, len(objs), batch_size)):
            pass
    eager, streaming = peak_of(batched), peak_of(lazy)
    return eager > 10 * streaming, f"peak {eager / 1e6:.2f} MB for the batch list vs {streaming / 1e3:.1f} KB one batch at a time"


@check("HL404 twisted/python/formmethod.py:244 RadioGroup default list shared between instances")
def _():
    from twisted.python import formmethod
    first = formmethod.RadioGroup("r", choices=[("a", "b", "c")])
    second = formmethod.RadioGroup("s", choices=[("x", "y", "z")])
    shared = first.default is second.default
    # The first instance's choice leaks into the second: the default list is mutated once and shared.
    return shared and second.default == ["b"], f"same list: {shared}; second RadioGroup's default: {second.default!r} (its own choice is 'y')"


@check("HL402 sqlalchemy/dialects/postgresql/base.py:4796 PGDialect._table_oids_query lru_cache")
def _():
    from sqlalchemy.dialects.postgresql.base import PGDialect
    from sqlalchemy.engine.reflection import ObjectKind, ObjectScope
    alive = alive_after_del(PGDialect, lambda d: d._table_oids_query(None, False, ObjectScope.DEFAULT, ObjectKind.TABLE))
    return alive, f"PGDialect alive after del + gc.collect(): {alive}"


@check("HL402 rich/style.py:563 Style.get_html_style (value class: info note)")
def _():
    from rich.style import Style
    extra = pinned_by_call(lambda: Style(color="red", bold=True, italic=True), lambda s: s.get_html_style())
    return extra >= 1, f"the cache holds {extra} more reference(s) to the Style (kept until evicted, as the note says)"


@check("HL402 rich/color.py:512 Color.downgrade (value class: info note)")
def _():
    from rich.color import Color, ColorSystem
    extra = pinned_by_call(lambda: Color.from_rgb(12, 34, 56), lambda c: c.downgrade(ColorSystem.STANDARD))
    return extra >= 1, f"the cache holds {extra} more reference(s) to the Color"


@check("HL402 ipaddress.py:1334 IPv4Address.is_private (value class: info note)")
def _():
    import ipaddress
    alive = alive_after_del(lambda: ipaddress.IPv4Address("10.1.2.3"), lambda a: a.is_private)
    return alive, f"IPv4Address alive after del + gc.collect(): {alive}"


@check("HL403 twisted/spread/test/test_pb.py:285 SimpleFactoryCopy.allIDs")
def _():
    from twisted.spread.test import test_pb
    alive = alive_after_del(lambda: test_pb.SimpleFactoryCopy(987654), lambda c: None)
    return alive, f"SimpleFactoryCopy alive after del + gc.collect(): {alive}"


@check("HL404 multiprocessing/managers.py:952 MakeProxyType _cache={}")
def _():
    from multiprocessing import managers
    cache = managers.MakeProxyType.__defaults__[0]
    before = len(cache)
    for i in range(500):
        managers.MakeProxyType(f"P{i}", ("get",))
    return len(cache) - before == 500, f"default dict grew by {len(cache) - before} entries over 500 calls"


@check("HL404 pydoc.py:350 synopsis cache={}")
def _():
    import pydoc
    cache = pydoc.synopsis.__defaults__[0]
    before = len(cache)
    with tempfile.TemporaryDirectory() as root:
        for i in range(200):
            path = os.path.join(root, f"m{i}.py")
            with open(path, "w") as fh:
                fh.write(f'"""Module {i}."""\n')
            pydoc.synopsis(path)
    return len(cache) - before == 200, f"default dict grew by {len(cache) - before} entries over 200 files"


@check("HL401 gettext.py:516 _translations keyed by (class, mo file path)")
def _():
    import gettext
    before = len(gettext._translations)
    header = struct.pack("<7I", 0x950412DE, 0, 0, 28, 28, 0, 28)
    with tempfile.TemporaryDirectory() as root:
        for i in range(100):
            folder = os.path.join(root, f"d{i}", "xx", "LC_MESSAGES")
            os.makedirs(folder)
            with open(os.path.join(folder, "app.mo"), "wb") as fh:
                fh.write(header)
            gettext.translation("app", localedir=os.path.join(root, f"d{i}"), languages=["xx"])
    return len(gettext._translations) - before == 100, f"cache grew by {len(gettext._translations) - before} entries for 100 .mo files"


@check("HL401 idlelib/debugger_r.py:36 dicttable keyed by id(frame)")
def _():
    from idlelib import debugger_r
    before = len(debugger_r.dicttable)
    idb = debugger_r.IdbAdapter(None)
    fids = []
    for i in range(50):
        namespace = {"sys": sys}  # a module of its own: the table is keyed by id(frame.f_globals)
        exec("def f():\n    return sys._getframe()\n", namespace)
        frame = namespace["f"]()
        fid = id(frame)
        debugger_r.frametable[fid] = frame
        idb.frame_globals(fid)
        fids.append(frame)
    return len(debugger_r.dicttable) - before == 50, f"dicttable grew by {len(debugger_r.dicttable) - before} entries for 50 frames"


@check("HL401 django/utils/autoreload.py:34 _error_files (list, one entry per failing file)")
def _():
    from django.utils import autoreload
    before = len(autoreload._error_files)
    with tempfile.TemporaryDirectory() as root:
        for i in range(20):
            path = os.path.join(root, f"bad{i}.py")
            with open(path, "w") as fh:
                fh.write("x = (\n")
            try:
                autoreload.check_errors(lambda p=path: compile(open(p).read(), p, "exec"))()
            except SyntaxError:
                pass
    grown = len(autoreload._error_files) - before
    return grown == 20, f"_error_files grew by {grown} entries for 20 files with syntax errors"


def main():
    failed = 0
    for label, ok, detail in RESULTS:
        print(f"{'confirmed    ' if ok else 'NOT confirmed'}  {label}: {detail}")
        failed += not ok
    print(f"{len(RESULTS) - failed} of {len(RESULTS)} confirmed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
