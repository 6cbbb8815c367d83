/// The run-time harness of `heaplint verify`, shipped inside the binary so the bare executable works:
/// `VerifyRunner` writes it as `sitecustomize.py` into a fresh temporary directory put first on
/// `PYTHONPATH`. Python (stdlib only, CPython 3.8+). `Tests/python/test_verify.py` runs it.
enum VerifyHarness {
    static let sitecustomize = #"""
# heaplint verify: run-time harness (written by `heaplint verify` to a temporary directory put first on
# PYTHONPATH; stdlib only, CPython 3.8+). It never changes the program's code. When HEAPLINT_VERIFY_OUT
# is set it:
#   * starts tracemalloc (HEAPLINT_VERIFY_FRAMES frames, default 4) so every object has an allocation site;
#   * sets gc.DEBUG_SAVEALL, so every collection (automatic, or an explicit gc.collect() such as pytest's
#     at session end) puts what it found unreachable in gc.garbage instead of freeing it, and a
#     gc.callbacks hook moves it from there into a pending list of its own after each collection (the
#     program still sees an empty gc.garbage). Finalizers still run, in the collection that finds them
#     (PEP 442: tp_finalize runs before DEBUG_SAVEALL is looked at), as without the harness;
#   * flushes that pending list at regular points: after each pytest test (the plugin below), and, for any
#     command, soon after a collection leaves more than HEAPLINT_VERIFY_FLUSH objects pending (default
#     10000; while a pytest test runs, HEAPLINT_VERIFY_MAX_NODES, so that the harness's work stays out of
#     the test's own timing, e.g. hypothesis deadlines; the gc callback cannot collect, so it schedules
#     the flush with Py_AddPendingCall, which runs it in the main thread between two bytecodes, as a
#     signal handler runs). A flush groups the pending garbage into strongly connected components over
#     gc.get_referents, drops interpreter noise (see
#     NOISE_MODULES), folds each cycle into a summary keyed by its signature (reference path and
#     allocation lines: a count and the tests that left it, no objects), then drops the objects and frees
#     them with one collection run without DEBUG_SAVEALL. Memory and time stay bounded by what one test
#     or one flush interval leaves, not by the whole run: a suite whose every test leaves a cycle used to
#     keep all of them alive until exit and analyse them in one pass at the end;
#   * bounds each flush (HEAPLINT_VERIFY_MAX_NODES objects, default 200000; HEAPLINT_VERIFY_MAX_LISTED
#     objects described per cycle, default 50) and says so in the record's notes when a cap is hit;
#   * at exit (the first atexit handler registered, so the last to run) flushes once more and appends one
#     JSON line per process to HEAPLINT_VERIFY_OUT.
# An existing sitecustomize later on sys.path is loaded too, so the environment's own hook still runs.
# `pytest --heaplint` (heaplint/pytest_plugin.py in the wheel) loads this same code as the module
# _heaplint_verify, not as sitecustomize: it then neither chains nor installs itself, and calls start().
import os
import sys


def _chain_existing_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        import importlib.machinery
        import importlib.util

        rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
        sys.modules["_heaplint_chained_sitecustomize"] = module
        spec.loader.exec_module(module)
    except Exception as error:  # as site.py does: a broken hook is reported, never fatal
        sys.stderr.write("heaplint verify: the existing sitecustomize failed: %r\n" % (error,))


if __name__ == "sitecustomize":
    _chain_existing_sitecustomize()

# Objects allocated by these modules are interpreter or library bookkeeping (lazy caches, registries,
# import machinery, this harness): a cycle none of whose objects the program itself allocated is noise.
NOISE_MODULES = (
    "typing", "re", "sre_compile", "sre_parse", "_compiler", "_parser", "logging", "warnings", "functools",
    "abc", "_py_abc", "weakref", "_weakrefset", "importlib", "collections", "enum", "inspect", "dataclasses",
    "linecache", "tokenize", "tracemalloc", "traceback", "codecs", "encodings", "site", "sitecustomize",
    "copyreg", "unittest", "doctest", "pytest", "_pytest", "pluggy", "heaplint_verify_pytest",
)


def _env_int(name, default):
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


FLUSH_OBJECTS = _env_int("HEAPLINT_VERIFY_FLUSH", 10000)
MAX_NODES = _env_int("HEAPLINT_VERIFY_MAX_NODES", 200000)
MAX_LISTED = _env_int("HEAPLINT_VERIFY_MAX_LISTED", 50)
# Distinct tests named per cycle summary; the rest are only counted (tests_more).
MAX_TESTS = 100

# KEPT: the garbage pending analysis (None until start() runs). CURRENT_TEST: the pytest node id the
# garbage found now belongs to (set by the plugin around each test). SUMMARIES: signature -> cycle summary.
# TEST_CYCLES: describe() -> count of the cycles the current test left (for the max_cycles marker).
# STATS: what the record reports about the harness's own work.
KEPT = None
CURRENT_TEST = None
SUMMARIES = {}
TEST_CYCLES = {}
NOTES = []
STATS = {"garbage": 0, "noise_cycles": 0, "flushes": 0, "retained_max": 0}
sys.modules["_heaplint_verify"] = sys.modules[__name__]


def _install():
    out = os.environ.get("HEAPLINT_VERIFY_OUT")
    if not out:
        return
    import atexit

    frames = _env_int("HEAPLINT_VERIFY_FRAMES", 4)
    start(frames)
    atexit.register(_report, out)


_HARVEST = None
_STATE = {"flushing": False, "scheduled": False, "pending_call": None, "in_gc": False, "collections": 0,
          "program_debug": 0}


def start(frames):
    # Start recording (tracemalloc, DEBUG_SAVEALL, the gc callback that keeps what collections find) and
    # return the pending list. A second call returns the same list.
    import gc
    import tracemalloc

    global KEPT, _HARVEST
    if KEPT is not None:
        return KEPT
    if not tracemalloc.is_tracing():
        tracemalloc.start(max(1, frames))
    kept = KEPT = []
    _STATE["pending_call"] = _make_pending_call()

    def harvest(phase, info):
        if phase == "start":
            _STATE["in_gc"] = True
            _STATE["collections"] += 1
            return
        if gc.garbage and not _STATE["program_debug"] & gc.DEBUG_SAVEALL:
            kept.extend(gc.garbage)
            del gc.garbage[:]
            if len(kept) > STATS["retained_max"]:
                STATS["retained_max"] = len(kept)
        # While a pytest test runs, its garbage is analysed when it ends: a flush in the middle of the test
        # (two full collections and the analysis) would count against the test's own timing, and made
        # attrs' hypothesis tests fail their deadline (DeadlineExceeded, then FlakyFailure). Flush then
        # only to stay within one flush's analysis cap.
        limit = FLUSH_OBJECTS if CURRENT_TEST is None else max(FLUSH_OBJECTS, MAX_NODES)
        if len(kept) >= limit and not _STATE["flushing"] and not _STATE["scheduled"]:
            _schedule_flush()
        _STATE["in_gc"] = False  # the last statement: no bytecode boundary that runs pending calls after it

    _HARVEST = harvest
    gc.callbacks.append(harvest)
    _own_debug_flags()
    _own_tracemalloc()
    return kept


# The harness's own gc.set_debug/gc.get_debug (the real ones, before _own_debug_flags() replaced them).
_REAL_DEBUG = {}


def _own_debug_flags():
    # The program sees and sets its own gc debug flags; the harness keeps DEBUG_SAVEALL on underneath.
    # Tests that check for cycles themselves (tornado's circlerefs_test: gc.set_debug(DEBUG_SAVEALL),
    # gc.collect(), look at gc.garbage, then gc.set_debug(0)) used to find gc.garbage emptied by the
    # harness (their check passed vacuously, or failed when it expected a cycle), and their
    # gc.set_debug(0) switched the harness off for the rest of the run. Now, while the program's own
    # flags include DEBUG_SAVEALL, gc.garbage is the program's (the harness neither takes nor flushes it),
    # and clearing the flag clears it only as the program sees it.
    import gc

    if _REAL_DEBUG:
        return
    real_set, real_get = gc.set_debug, gc.get_debug
    _REAL_DEBUG["set"], _REAL_DEBUG["get"] = real_set, real_get
    _STATE["program_debug"] = real_get()

    def set_debug(flags):
        _STATE["program_debug"] = flags
        real_set(flags | gc.DEBUG_SAVEALL)

    def get_debug():
        return _STATE["program_debug"]

    set_debug.__doc__, get_debug.__doc__ = real_set.__doc__, real_get.__doc__
    real_set(real_get() | gc.DEBUG_SAVEALL)
    gc.set_debug, gc.get_debug = set_debug, get_debug


# The real tracemalloc functions _own_tracemalloc() replaced, by name.
_REAL_TRACEMALLOC = {}


def _own_tracemalloc():
    # The program sees tracemalloc as if it alone started and stopped it. tornado's assert_memory_budget
    # (tracemalloc.start(), run the body, tracemalloc.get_traced_memory()[1], tracemalloc.stop()) failed
    # under verify: start() does nothing while tracing is on, so the peak was all the memory traced
    # since the harness started (17 MB "used" for 60 kB of input); and its stop() ended tracing and
    # dropped every trace for the rest of the run, so later cycles had no allocation site. Now the
    # program's start() resets the peak (3.9+) and marks the memory traced then as its baseline,
    # get_traced_memory() counts from that baseline, clear_traces() moves it, and stop() ends only the
    # program's view. Tracing keeps the harness's frame limit (tracemalloc cannot change it while on).
    import tracemalloc

    if _REAL_TRACEMALLOC:
        return
    names = ("start", "stop", "is_tracing", "get_traced_memory", "reset_peak", "clear_traces")
    real = {name: getattr(tracemalloc, name) for name in names if hasattr(tracemalloc, name)}
    _REAL_TRACEMALLOC.update(real)
    view = {"tracing": False, "base": 0}

    def rebase():
        if "reset_peak" in real:
            real["reset_peak"]()
        view["base"] = real["get_traced_memory"]()[0]

    def start(nframe=1):
        if not isinstance(nframe, int) or not 1 <= nframe <= 65535:
            real["start"](nframe)  # the real error for a bad argument (tracing is already on otherwise)
        view["tracing"] = True
        rebase()

    def stop():
        view["tracing"] = False

    def is_tracing():
        return view["tracing"]

    def get_traced_memory():
        if not view["tracing"]:
            return (0, 0)
        current, peak = real["get_traced_memory"]()
        return (max(current - view["base"], 0), max(peak - view["base"], 0))

    def reset_peak():
        real["reset_peak"]()

    def clear_traces():
        rebase()

    replaced = {"start": start, "stop": stop, "is_tracing": is_tracing, "get_traced_memory": get_traced_memory,
                "reset_peak": reset_peak, "clear_traces": clear_traces}
    for name, function in replaced.items():
        if name in real:
            function.__doc__ = real[name].__doc__
            setattr(tracemalloc, name, function)


def _tracing():
    import tracemalloc

    return _REAL_TRACEMALLOC.get("is_tracing", tracemalloc.is_tracing)()


def _real_debug():
    import gc

    return _REAL_DEBUG.get("set", gc.set_debug), _REAL_DEBUG.get("get", gc.get_debug)


def _make_pending_call():
    # A C function pointer that runs flush(): gc.callbacks run inside the collector, where gc.collect()
    # is a no-op, so the flush (which needs a collection to free what it analysed) is handed to
    # Py_AddPendingCall and runs in the main thread at the next bytecode boundary.
    try:
        import ctypes

        add = ctypes.pythonapi.Py_AddPendingCall
        add.restype = ctypes.c_int
        add.argtypes = [ctypes.c_void_p, ctypes.c_void_p]

        def run(_arg):
            _STATE["scheduled"] = False
            if _STATE["in_gc"]:
                # CPython checks for pending calls right after a call into C returns, so this runs inside
                # harvest, just after Py_AddPendingCall, where gc.collect() would do nothing. Queue it
                # again: CPython runs the queue once more, then leaves the rest for the next check, which
                # comes after the collection, in the program's code.
                _schedule_flush()
                return 0
            try:
                flush()
            except Exception as error:
                _note("a periodic flush failed: %r" % (error,))
            return 0

        callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)(run)
        return add, callback, ctypes.cast(callback, ctypes.c_void_p)
    except Exception as error:
        _note("no periodic flush outside pytest tests (ctypes unavailable: %r): garbage is kept until "
              "the next test ends or the process exits" % (error,))
        return None


def _schedule_flush():
    pending = _STATE["pending_call"]
    if pending is None:
        return
    add, _callback, pointer = pending
    _STATE["scheduled"] = True  # before the call: the pending call can run as soon as it returns
    if add(pointer, None) != 0:  # the queue is full; the next collection tries again
        _STATE["scheduled"] = False


def _note(text):
    if text not in NOTES:
        NOTES.append(text)


def stop():
    # Undo start() (pytest --heaplint at the end of its session): the collector frees cycles again, and
    # what was pending becomes ordinary cyclic garbage once the list is dropped.
    import gc
    import tracemalloc

    global KEPT, _HARVEST
    if _HARVEST in gc.callbacks:
        gc.callbacks.remove(_HARVEST)
    if _REAL_DEBUG:
        gc.set_debug, gc.get_debug = _REAL_DEBUG.pop("set"), _REAL_DEBUG.pop("get")
        gc.set_debug(_STATE["program_debug"])
    else:
        gc.set_debug(gc.get_debug() & ~gc.DEBUG_SAVEALL)
    if _REAL_TRACEMALLOC:
        for name, function in _REAL_TRACEMALLOC.items():
            setattr(tracemalloc, name, function)
        _REAL_TRACEMALLOC.clear()
    tracemalloc.stop()
    if KEPT is not None:
        del KEPT[:]
    KEPT, _HARVEST = None, None
    SUMMARIES.clear()
    TEST_CYCLES.clear()


def flush(test=None, free=True):
    # Analyse what is pending now (after one more DEBUG_SAVEALL collection), fold its cycles into
    # SUMMARIES under `test` (default CURRENT_TEST), drop the objects and, when `free`, collect once with
    # DEBUG_SAVEALL off so CPython frees them (nothing else runs between the two collections, so the
    # second one sees only what this flush analysed and its own temporaries). Returns the cycles found.
    import gc

    if KEPT is None or _STATE["flushing"] or _STATE["program_debug"] & gc.DEBUG_SAVEALL:
        # (While the program saves garbage itself, collecting now would hand it or free its objects.)
        return []
    _STATE["flushing"] = True
    try:
        before = _STATE["collections"]
        gc.collect()  # DEBUG_SAVEALL is on: the gc callback moves what it finds into KEPT
        if _STATE["collections"] == before and _HARVEST in gc.callbacks:
            # gc.collect() did nothing: this runs inside a collection (another gc callback reached a
            # pending call). Analysing now would free nothing; the next collection schedules again.
            return []
        garbage = KEPT + gc.garbage  # gc.garbage too, in case the program removed the hook
        del KEPT[:]
        del gc.garbage[:]
        if test is None:
            test = CURRENT_TEST
        if not garbage:
            # Nothing was unreachable (most tests leave no cycle): no analysis, and no second collection,
            # which is most of what a flush costs (a full collection of the whole heap).
            return []
        try:
            return _fold(garbage, test)
        finally:
            # Freed even when the analysis failed: otherwise the next flush would find (and fail on) the
            # same objects again.
            del garbage
            if free:
                set_debug, get_debug = _real_debug()
                debug = get_debug()
                set_debug(debug & ~gc.DEBUG_SAVEALL)
                try:
                    gc.collect()
                finally:
                    set_debug(debug)
                del gc.garbage[:]  # objects with legacy finalizers (tp_del) land here even without SAVEALL
    finally:
        _STATE["flushing"] = False


def _fold(garbage, test):
    STATS["flushes"] += 1
    STATS["garbage"] += len(garbage)
    if len(garbage) > MAX_NODES:
        _note("a flush found %d garbage objects, over the cap of %d (HEAPLINT_VERIFY_MAX_NODES): only the "
              "first %d were analysed, the cycles among the rest are not reported"
              % (len(garbage), MAX_NODES, MAX_NODES))
        garbage = garbage[:MAX_NODES]
    cycles, dropped = analyse(garbage)
    STATS["noise_cycles"] += dropped
    for cycle in cycles:
        key = _signature(cycle)
        summary = SUMMARIES.get(key)
        if summary is None:
            summary = SUMMARIES[key] = dict(cycle, count=0, tests={})
        summary["count"] += 1
        if test is not None:
            tests = summary["tests"]
            if test in tests or len(tests) < MAX_TESTS:
                tests[test] = tests.get(test, 0) + 1
            else:
                summary["tests_more"] = summary.get("tests_more", 0) + 1
        if test is not None and test == CURRENT_TEST:
            text = describe(cycle)
            TEST_CYCLES[text] = TEST_CYCLES.get(text, 0) + 1
    return cycles


def _signature(cycle):
    # The same cycle made again (the same code run twice, the same test parametrized) has the same path
    # and allocation lines. Left out: object indices and where the path starts (both follow the
    # collector's list order), and the sites of lists, dicts and tuples (CPython reuses them from free
    # lists, and a reused one has no tracemalloc trace, so the same line may or may not show).
    names = dict((o["index"], o["type"]) for o in cycle["objects"])
    steps = [(names.get(s["from"]), s["via"], names.get(s["to"])) for s in cycle["path"]]
    path = min((tuple(steps[k:] + steps[:k]) for k in range(len(steps))), default=())
    # (An object without a user allocation site has no file: "" and 0 keep the tuples comparable.)
    sites = tuple(sorted((o["type"], o.get("file") or "", o.get("line") or 0) for o in cycle["objects"]
                         if o["type"] not in ("list", "dict", "tuple")))
    return path, sites, cycle.get("objects_total")


def summaries():
    # The folded cycles, in a deterministic order: by the first site of each.
    cycles = []
    for summary in SUMMARIES.values():
        cycle = dict(summary)
        tests = cycle.pop("tests")
        if tests:
            cycle["tests"] = tests
            cycle["test"] = min(tests)
        cycles.append(cycle)
    cycles.sort(key=lambda c: (min(((o.get("file", "~"), o.get("line", 0)) for o in c["objects"]),
                                   default=("~", 0)), describe(c)))
    return cycles


def describe(cycle):
    # One line for a cycle of analyse(): "Tree.children -> list[0] -> Node.tree -> Tree (allocated at f.py:3)".
    names = dict((o["index"], o["type"].split(".")[-1]) for o in cycle["objects"])
    path = cycle["path"]
    text = names.get(path[0]["from"], "?") if path else ", ".join(names.values())
    for step in path:
        text += step["via"] + " -> " + names.get(step["to"], "?")
    sites = ["%s:%d" % (o["file"], o["line"]) + (" (called into generated code %s)" % o["generated"]
                                                 if "generated" in o else "")
             for o in cycle["objects"] if "file" in o]
    return text + (" (allocated at " + ", ".join(sites) + ")" if sites else "")


def _library_dirs():
    import sysconfig

    dirs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            dirs.add(os.path.realpath(sysconfig.get_paths()[key]))
        except Exception:
            pass
    for prefix in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        dirs.add(os.path.realpath(os.path.join(prefix, "lib")))
    try:
        import site

        for path in list(site.getsitepackages()) + [site.getusersitepackages()]:
            dirs.add(os.path.realpath(path))
    except Exception:
        pass
    # This harness's own directory (sitecustomize, the pytest plugin): its objects are never the user's.
    dirs.add(os.path.dirname(os.path.realpath(__file__)))
    return tuple(d.rstrip(os.sep) + os.sep for d in dirs if d)


def _report(out):
    try:
        _write_report(out)
    except Exception as error:  # a harness failure must not change the program's exit; verify warns
        import json

        record = {"version": 2, "pid": os.getpid(), "python": sys.version.split()[0], "argv": list(sys.argv),
                  "tracemalloc": False, "noise_cycles": 0, "cycles": [], "error": repr(error),
                  "notes": list(NOTES)}
        _append_line(out, json.dumps(record, sort_keys=True))


def _append_line(out, text):
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (text + "\n").encode("utf-8"))  # one write per process: lines do not interleave
    finally:
        os.close(fd)


def _write_report(out):
    import gc
    import json
    import tracemalloc

    set_debug, get_debug = _real_debug()
    if not _STATE["program_debug"] & gc.DEBUG_SAVEALL:
        set_debug(get_debug() | gc.DEBUG_SAVEALL)  # in case the program cleared it behind gc.set_debug
        flush(test=None, free=False)
    set_debug(get_debug() & ~gc.DEBUG_SAVEALL)
    record = {
        "version": 2, "pid": os.getpid(), "python": sys.version.split()[0], "argv": list(sys.argv),
        "tracemalloc": _tracing(), "garbage": STATS["garbage"],
        "noise_cycles": STATS["noise_cycles"], "flushes": STATS["flushes"],
        "retained_max": STATS["retained_max"], "notes": list(NOTES), "cycles": summaries(),
    }
    _append_line(out, json.dumps(record, sort_keys=True))


def analyse(garbage):
    # The program's cycles among `garbage` (noise dropped) and how many noise cycles were dropped. Each
    # cycle lists at most MAX_LISTED of its objects (those on its reference path first) and, when it has
    # more, how many it has (objects_total).
    import gc
    import tracemalloc

    library = _LIBRARY_DIRS or _library_dirs_cached()
    user_cache = {}

    def is_user_file(filename):
        known = user_cache.get(filename)
        if known is None:
            if filename.startswith("<"):
                known = False
            else:
                real = os.path.realpath(filename)
                # os.path.isfile: a code object's file name need not exist (tornado compiles templates
                # as "foo_html.generated.py"); such code is generated, not a line the user can open.
                known = (not real.startswith(library) and "site-packages" not in real
                         and real != os.path.realpath(__file__) and os.path.isfile(real))
            user_cache[filename] = known
        return known

    generated_cache = {}

    def is_generated(filename):
        # Code compiled from a string at run time: "<string>" (exec/eval: dataclasses' __init__,
        # namedtuple's __new__), "<attrs generated init ...>", or a file name nothing on disk has.
        # "<frozen ...>" is the interpreter's frozen stdlib, real code with a module behind it.
        known = generated_cache.get(filename)
        if known is None:
            if filename.startswith("<"):
                known = not filename.startswith("<frozen ")
            else:
                known = not os.path.isfile(filename)
            generated_cache[filename] = known
        return known

    def module_of(filename):
        # "logging/__init__.py" -> "logging", "re/_parser.py" -> "re" (first path part under a library dir)
        if filename.startswith("<frozen "):  # "<frozen importlib._bootstrap>"
            return filename[len("<frozen "):-1].split(".")[0]
        real = os.path.realpath(filename)
        for prefix in library:
            if real.startswith(prefix):
                part = real[len(prefix):].split(os.sep)[0]
                return part[:-3] if part.endswith(".py") else part
        return None

    tracemalloc_on = _tracing()
    index = {id(obj): i for i, obj in enumerate(garbage)}
    # On 3.11+ an instance of a class with a managed dict (Py_TPFLAGS_MANAGED_DICT, 1 << 4) keeps its
    # attributes inline until something reads obj.__dict__ (naming a path does; so does an earlier
    # analysis of the same garbage, for the pytest marker): from then on the instance refers to a dict
    # made after the collection, which is not in `garbage`. Make every such dict now and count it as
    # part of the garbage, so the edges below see the same graph whenever the analysis runs.
    garbage = list(garbage)
    for obj in list(garbage):
        if isinstance(obj, type) or not type(obj).__flags__ & (1 << 4):
            continue
        attrs = getattr(obj, "__dict__", None)
        if type(attrs) is dict and id(attrs) not in index:
            index[id(attrs)] = len(garbage)
            garbage.append(attrs)
    edges = [[index[id(r)] for r in gc.get_referents(obj) if id(r) in index] for obj in garbage]
    components = _strongly_connected(edges)

    def sites_of(obj):
        # (innermost file name, the user-file frames most recent first, the generated code it was made in).
        # The last is set when a frame between the allocation and the first user frame is generated code
        # (see is_generated): the user's line is then the call into that code, and the report says so.
        frames = None
        if tracemalloc_on:
            tb = tracemalloc.get_object_traceback(obj)
            if tb is not None:
                # tracemalloc.Traceback is ordered oldest -> most recent on 3.7+.
                frames = [(f.filename, f.lineno) for f in reversed(list(tb))]
            else:
                frames = _managed_dict_traceback(obj)
        if not frames:
            return None, [], None
        user = [{"file": os.path.realpath(name), "line": line} for name, line in frames if is_user_file(name)]
        innermost = frames[0][0]
        if not is_user_file(innermost) and any(name.startswith("<frozen importlib") for name, _ in frames):
            # Made by a library module's import-time code (datetime's pure-Python classes replaced by
            # _datetime's, ...): the user's `import` line is on the traceback, but the program made nothing.
            innermost = "<frozen importlib._bootstrap>"
        generated = None
        if user:
            for name, _ in frames:
                if is_user_file(name):
                    break
                if is_generated(name):
                    generated = name  # the outermost one: the code the user's line called
        return innermost, user, generated

    cycles, dropped = [], 0
    for component in components:
        if len(component) == 1 and component[0] not in edges[component[0]]:
            continue
        counts = False
        bookkeeping = _class_bookkeeping([garbage[i] for i in component])
        described = {}
        for i in component:
            obj = garbage[i]
            innermost, user, generated = sites_of(obj)
            described[i] = (user, generated)
            if isinstance(obj, type) or id(obj) in bookkeeping or not user or innermost is None:
                continue
            if not is_user_file(innermost) and module_of(innermost) in NOISE_MODULES:
                continue
            counts = True
            break
        if not counts:
            dropped += 1
            continue
        members = set(component)
        path = _cycle_path(garbage, edges, members, component[0])
        # The objects on the path, then the others in the collector's order, up to MAX_LISTED: a
        # component can hold a whole module's worth of objects, and its summary must stay small.
        listed = []
        for step in path:
            if step["from"] not in listed:
                listed.append(step["from"])
        for i in component:
            if len(listed) >= max(MAX_LISTED, len(path)):
                break
            if i not in listed:
                listed.append(i)
        listed.sort()
        objects = []
        for i in listed:
            obj = garbage[i]
            user, generated = described[i] if i in described else sites_of(obj)[1:]
            entry = {"index": i, "type": _type_name(type(obj)), "name": _object_name(obj)}
            if user:
                entry["file"], entry["line"] = user[0]["file"], user[0]["line"]
                entry["sites"] = user
                if generated:
                    entry["generated"] = generated
            defined = _defined_in(obj)
            if defined and is_user_file(defined):
                entry["defined_in"] = os.path.realpath(defined)
            objects.append(entry)
        cycle = {"objects": objects, "path": path}
        if len(component) > len(listed):
            cycle["objects_total"] = len(component)
            _note("cycles of more than %d objects are described by %d of them (HEAPLINT_VERIFY_MAX_LISTED; "
                  "objects_total gives each one's size)" % (MAX_LISTED, MAX_LISTED))
        cycles.append(cycle)
    # Deterministic order: by the first site of each cycle.
    cycles.sort(key=lambda c: min(((o.get("file", "~"), o.get("line", 0)) for o in c["objects"])))
    del index, edges
    return cycles, dropped


_LIBRARY_DIRS = None


def _library_dirs_cached():
    global _LIBRARY_DIRS
    _LIBRARY_DIRS = _library_dirs()
    return _LIBRARY_DIRS


def _managed_dict_traceback(obj):
    # CPython 3.11 only: instances of ordinary classes (Py_TPFLAGS_MANAGED_DICT, 1 << 4) have a
    # two-pointer pre-header before the GC header, and tracemalloc.get_object_traceback() looks for the
    # block at the wrong address (fixed in 3.12). Ask tracemalloc for the block's real start instead.
    if sys.version_info[:2] != (3, 11) or not type(obj).__flags__ & (1 << 4):
        return None
    try:
        import ctypes

        lookup = ctypes.pythonapi._PyTraceMalloc_GetTraceback
        lookup.restype = ctypes.py_object
        lookup.argtypes = [ctypes.c_uint, ctypes.c_size_t]
        pointer = ctypes.sizeof(ctypes.c_void_p)
        frames = lookup(0, id(obj) - 4 * pointer)  # 2 pointers of GC header + 2 of pre-header
        return [(name, line) for name, line in frames] if frames else None
    except Exception:
        return None


def _class_bookkeeping(objects):
    # A class is always on cycles of its own (class -> __dict__ -> descriptors and methods -> class,
    # class -> __mro__ -> class): the ids of those objects, which never make a cycle the program's.
    import types

    classes = [obj for obj in objects if isinstance(obj, type)]
    if not classes:
        return set()
    ids = set()
    for cls in classes:
        ids.add(id(cls.__mro__))
        ids.add(id(cls.__bases__))
        for referent in gc_referents(cls):
            if isinstance(referent, dict):  # the dict behind cls.__dict__'s mappingproxy
                ids.add(id(referent))
                ids.update(id(value) for value in referent.values()
                           if isinstance(value, (types.FunctionType, staticmethod, classmethod, property,
                                                 types.GetSetDescriptorType, types.MemberDescriptorType)))
    return ids


def gc_referents(obj):
    import gc

    return gc.get_referents(obj)


def _defined_in(obj):
    # The file that defines the object's code: a function's or frame's code object, else the module of
    # the object's class (which lets verify match a cycle to a finding about that class or function).
    import types

    code = None
    if isinstance(obj, types.FunctionType):
        code = obj.__code__
    elif isinstance(obj, types.FrameType):
        code = obj.f_code
    elif isinstance(obj, (types.GeneratorType, types.CoroutineType)):
        code = getattr(obj, "gi_code", None) or getattr(obj, "cr_code", None)
    if code is not None:
        return code.co_filename
    if isinstance(obj, type):
        return None
    module = sys.modules.get(getattr(type(obj), "__module__", None) or "")
    # CPython removes __main__.__file__ when the script returns, before atexit; its loader keeps the path.
    return getattr(module, "__file__", None) or getattr(getattr(module, "__loader__", None), "path", None)


def _type_name(kind):
    module = getattr(kind, "__module__", "builtins")
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module in ("builtins", "__main__") else module + "." + name


def _object_name(obj):
    import types

    if isinstance(obj, (types.FunctionType, type, types.MethodType)):
        return getattr(obj, "__qualname__", None)
    if isinstance(obj, types.FrameType):
        return obj.f_code.co_name
    if isinstance(obj, (types.GeneratorType, types.CoroutineType)):
        return getattr(obj, "__qualname__", None)
    return None


def _strongly_connected(edges):
    # Tarjan's algorithm, iterative (garbage graphs can be deeper than the recursion limit).
    n = len(edges)
    order, low, on_stack = [-1] * n, [0] * n, [False] * n
    stack, result, counter = [], [], 0
    for root in range(n):
        if order[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                order[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            recurse = False
            for k in range(child, len(edges[node])):
                nxt = edges[node][k]
                if order[nxt] == -1:
                    work.append((node, k + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if on_stack[nxt]:
                    low[node] = min(low[node], order[nxt])
            if recurse:
                continue
            if low[node] == order[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack[top] = False
                    component.append(top)
                    if top == node:
                        break
                result.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return result


def _cycle_path(garbage, edges, members, start):
    # Shortest path start -> ... -> start inside the component (breadth-first), each edge named as
    # CPython names the slot that holds the reference.
    previous = {}
    queue, seen = [start], {start}
    end = None
    while queue and end is None:
        following = []
        for node in queue:
            for nxt in edges[node]:
                if nxt not in members:
                    continue
                if nxt == start:
                    end = node
                    break
                if nxt not in seen:
                    seen.add(nxt)
                    previous[nxt] = node
                    following.append(nxt)
            if end is not None:
                break
        queue = following
    if end is None:
        return []
    nodes = [end]
    while nodes[-1] != start:
        nodes.append(previous[nodes[-1]])
    nodes.reverse()
    nodes.append(start)
    steps = []
    for a, b in zip(nodes, nodes[1:]):
        steps.append({"from": a, "via": _slot_name(garbage[a], garbage[b]), "to": b})
    # `X .__dict__ -> dict ['k'] -> Y` reads as `X.k -> Y`, as the source wrote it.
    merged = []
    for step in steps:
        if merged and merged[-1]["via"] == ".__dict__" and step["via"].startswith("['") and step["via"].endswith("']"):
            merged[-1] = {"from": merged[-1]["from"], "via": "." + step["via"][2:-2], "to": step["to"]}
        else:
            merged.append(step)
    return merged


def _slot_name(src, dst):
    import types

    try:
        if isinstance(src, dict):
            for key, value in src.items():
                if value is dst:
                    return "[%r]" % (key,)
                if key is dst:
                    return "(key %r)" % (key,)
        if isinstance(src, (list, tuple)) or type(src).__name__ == "deque":
            for i, value in enumerate(src):
                if value is dst:
                    return "[%d]" % i
        if isinstance(src, (set, frozenset)):
            return "(member)"
        if isinstance(src, types.MethodType):
            return ".__self__" if src.__self__ is dst else ".__func__"
        if isinstance(src, types.FunctionType):
            for name in ("__closure__", "__globals__", "__defaults__", "__kwdefaults__", "__dict__"):
                if getattr(src, name, None) is dst:
                    return "." + name
        if isinstance(src, types.CellType if hasattr(types, "CellType") else ()) or type(src).__name__ == "cell":
            return ".cell_contents"
        if isinstance(src, BaseException):
            for name in ("__traceback__", "__context__", "__cause__", "args"):
                if getattr(src, name, None) is dst:
                    return "." + name
        if isinstance(src, types.TracebackType):
            return ".tb_frame" if src.tb_frame is dst else ".tb_next"
        if isinstance(src, types.FrameType):
            for name, value in src.f_locals.items():
                if value is dst:
                    return ".f_locals[%r]" % (name,)
            for name in ("f_back", "f_globals", "f_builtins", "f_code"):
                if getattr(src, name, None) is dst:
                    return "." + name
        for attr in ("gi_frame", "cr_frame", "ag_frame"):
            frame = getattr(src, attr, None)
            if isinstance(frame, types.FrameType):
                if frame is dst:
                    return "." + attr
                for name, value in frame.f_locals.items():
                    if value is dst:
                        return ".%s.f_locals[%r]" % (attr, name)
        if isinstance(src, type):
            if src.__mro__ is dst:
                return ".__mro__"
            if src.__bases__ is dst:
                return ".__bases__"
            if isinstance(dst, dict):
                return ".__dict__"
        attrs = getattr(src, "__dict__", None)
        if attrs is dst:
            return ".__dict__"
        if isinstance(attrs, dict):
            for name, value in attrs.items():
                if value is dst:
                    return "." + name
        for klass in type(src).__mro__:
            for name in getattr(klass, "__slots__", ()) or ():
                if isinstance(name, str) and getattr(src, name, None) is dst:
                    return "." + name
    except Exception:
        pass
    return ""


if __name__ == "sitecustomize":
    _install()
"""#

    /// Module name of the pytest plugin below, written beside `sitecustomize.py` and named in `PYTEST_PLUGINS`.
    static let pytestPluginModule = "heaplint_verify_pytest"

    static let pytestPlugin = #"""
# heaplint verify: pytest plugin (written beside the harness's sitecustomize.py and loaded through
# PYTEST_PLUGINS; stdlib and pytest only). With the harness active (sys.modules["_heaplint_verify"]):
#   * around each test it sets the harness's CURRENT_TEST, and after the teardown it flushes: one
#     collection (under the harness's gc.DEBUG_SAVEALL what it and any automatic collection during the
#     test found unreachable is pending), the analysis of that garbage into cycle summaries naming the
#     test, and a collection without DEBUG_SAVEALL that frees it. So each test's garbage is analysed right
#     after the test and nothing of it outlives the next one;
#   * @pytest.mark.heaplint(max_cycles=N) fails a test whose setup and call left more than N cycles of the
#     user's code (after the noise filter): it flushes right after the test function returns, when its
#     frame and locals are gone, and turns the passed call report into a failure naming the cycles.
# Without the harness (plain pytest) the marker is registered and does nothing. `pytest --heaplint`
# (heaplint/pytest_plugin.py in the wheel) registers this same module after starting the harness.
import sys

import pytest


_STATE = {"started": False}


def _harness():
    harness = sys.modules.get("_heaplint_verify")
    return harness if harness is not None and harness.KEPT is not None else None


def _flush(harness):
    # A failure of the harness's own analysis must not fail the user's test or stop the session: it
    # becomes a note in the record (verify prints the notes) and the test's garbage is dropped unanalysed.
    try:
        harness.flush()
    except Exception as error:
        harness._STATE["flushing"] = False
        harness._note("a flush after a test failed (its garbage was not analysed): %r" % (error,))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "heaplint(max_cycles=0): fail the test when it leaves more than max_cycles reference cycles "
        "(checked under `heaplint verify` and `pytest --heaplint`)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    harness = _harness()
    if harness is None:
        yield
        return
    # What is pending from before this test is not its own. Before the first test that is the garbage of
    # start-up and collection, found by one full collection. Between two tests only pytest's own
    # bookkeeping runs (the previous test's teardown and reports ran before its flush), so later tests
    # flush first only when an automatic collection has found something since (garbage not yet found
    # then is counted as the next test's): a full collection per test saved, on a real suite's heap the
    # largest part of verify's overhead (docs/verify-report.md).
    if not _STATE["started"] or harness.KEPT:
        _STATE["started"] = True
        _flush(harness)
    harness.CURRENT_TEST = item.nodeid
    harness.TEST_CYCLES.clear()
    try:
        yield
        _flush(harness)
    finally:
        harness.CURRENT_TEST = None
        harness.TEST_CYCLES.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    marker = item.get_closest_marker("heaplint")
    harness = _harness()
    if marker is None or harness is None or call.when != "call":
        return
    report = outcome.get_result()
    if not report.passed:
        return
    limit = marker.kwargs.get("max_cycles", marker.args[0] if marker.args else 0)
    _flush(harness)
    left = sum(harness.TEST_CYCLES.values())
    if left <= limit:
        return
    lines = ["heaplint: the test left %d reference cycle(s), more than max_cycles=%d:" % (left, limit)]
    for text, count in sorted(harness.TEST_CYCLES.items()):
        lines.append("  " + text + (" (%d times)" % count if count > 1 else ""))
    report.outcome = "failed"
    report.longrepr = "\n".join(lines)
"""#
}
