"""CPython oracle for heaplint rule examples: run an example under the local interpreter and report
what it really leaves behind. Other rule families reuse it with their own modes.

Protocol (one fresh subprocess per example, so examples never see each other's state):

1. Pre-import: every module the example imports (found with `ast`) is imported first, so import-time
   garbage is not blamed on the example.
2. Baseline: `gc.disable()`, then `gc.collect()` until it returns 0. From here only reference counting
   frees objects.
3. Run: the source is compiled with the file name ``<heaplint-example>`` and executed as the body of a
   fresh module named ``heaplint_example`` (registered in ``sys.modules``). stdout/stderr of the example
   are captured (examples may print, e.g. from ``__del__``).
4. Mode ``"cycles"`` (HL1xx, HL201): delete every module-namespace entry that is not a class, a function
   or a module (dunder names stay). Defined types therefore stay alive, so the ordinary cycles between a
   class, its methods and the module dict are not counted. Then ``gc.set_debug(gc.DEBUG_SAVEALL)`` and
   ``gc.collect()``: the unreachable objects land in ``gc.garbage``. Finalizers (``__del__``) run during
   this collection, with output captured. The result lists the garbage objects *the example made*:
   instances of classes it defined, its functions, frames, tracebacks, cells and generators (code from
   ``<heaplint-example>``), exceptions, and builtin containers (list, dict, set, tuple, deque).
   A triggering example must leave at least one; a non-triggering one none.
5. Mode ``"survivors"`` (HL107): the namespace is emptied as for ``"cycles"``; every live instance of an
   example class and every example generator is then watched through a weak reference, and
   ``gc.collect()`` runs. The result lists the watched objects that collection freed: objects reference
   counting could not free. (An unstarted generator's cycle is freed by the collector without showing up
   in ``gc.garbage`` on CPython 3.11, so ``"cycles"`` cannot see it.)
6. Mode ``"alive_until_collected"`` (HL203): as ``"cycles"``, the names are deleted; the result lists the
   instances of example classes still alive before any collection (a cycle holds them and their ``__del__``
   has not run). ``"cycles"`` would see nothing here: the collection runs ``__del__``, which breaks the
   cycle, and reference counting then frees the objects instead of leaving them in ``gc.garbage``.
7. Mode ``"classes"`` (HL108): as ``"cycles"``, but names bound to a dict or to a cached function
   (``functools.lru_cache``/``cache``) stay too: a module-level memo lives as long as the process, so the
   classes it keeps are not garbage. The result lists the class objects the example made (``__module__``
   is the example's) that land in ``gc.garbage``: every class is on cycles of its own (``__mro__``, the
   ``__dict__``/``__weakref__`` descriptors), so one made and dropped is always there.
8. Mode ``"resurrection"`` (HL202): nothing is deleted; the result lists live instances of example
   classes whose finalizer has already run (``gc.is_finalized``, 3.9+): objects that `__del__` brought
   back to life.

`run_example(source, mode)` returns an `ExampleRun`; `load_examples(binary)` reads every rule's
examples from ``heaplint rule --all --output-format json`` so docs, Swift tests and oracle agree.
Other families add modes in `_DRIVER` (a function ``mode_<name>(namespace, module)`` returning a dict)
and pass ``mode="<name>"``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

EXAMPLE_FILENAME = "<heaplint-example>"

_DRIVER = r'''
import ast, collections, contextlib, gc, io, json, sys, types, weakref

FILENAME = "<heaplint-example>"
source = sys.stdin.read()
mode = sys.argv[1]
result = {"mode": mode, "error": None, "objects": [], "output": ""}

def preimport(tree):
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            try:
                __import__(name)
            except Exception:
                pass

def made_by_example(obj, module):
    if isinstance(obj, type):
        return obj.__module__ == module.__name__
    if isinstance(obj, types.FrameType):
        return obj.f_code.co_filename == FILENAME
    if isinstance(obj, types.TracebackType):
        return True
    if isinstance(obj, (types.FunctionType,)):
        return obj.__code__.co_filename == FILENAME
    if isinstance(obj, (types.GeneratorType, types.CoroutineType)):
        return obj.gi_code.co_filename == FILENAME if hasattr(obj, "gi_code") else True
    if isinstance(obj, types.CellType):
        return False
    if isinstance(obj, BaseException):
        return True
    if type(obj).__module__ == module.__name__:
        return True
    return type(obj) in (list, dict, set, tuple, collections.deque)

def describe(obj):
    kind = type(obj)
    name = kind.__qualname__ if kind.__module__ in ("builtins", "heaplint_example") else kind.__module__ + "." + kind.__qualname__
    return name

def mode_cycles(namespace, module):
    for key in list(namespace):
        value = namespace[key]
        if key.startswith("__") and key.endswith("__"):
            continue
        if isinstance(value, (type, types.FunctionType, types.ModuleType)):
            continue
        del namespace[key]
    del value
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    gc.set_debug(0)
    found = [describe(o) for o in gc.garbage if made_by_example(o, module)]
    gc.garbage.clear()
    return found

def mode_classes(namespace, module):
    for key in list(namespace):
        value = namespace[key]
        if key.startswith("__") and key.endswith("__"):
            continue
        if isinstance(value, (type, types.FunctionType, types.ModuleType, dict)) or hasattr(value, "cache_info"):
            continue
        del namespace[key]
    value = None
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    gc.set_debug(0)
    found = [o.__qualname__ for o in gc.garbage if isinstance(o, type) and o.__module__ == module.__name__]
    gc.garbage.clear()
    return found

def drop_example_names(namespace):
    # As in mode_cycles: the example's names go, its classes, functions and modules stay.
    for key in list(namespace):
        value = namespace[key]
        if key.startswith("__") and key.endswith("__"):
            continue
        if isinstance(value, (type, types.FunctionType, types.ModuleType)):
            continue
        del namespace[key]

def mode_survivors(namespace, module):
    # Every live instance of an example class and every example generator is watched through a weak
    # reference. One that reference counting left alive and gc.collect() frees was on a cycle (this also
    # sees cycles whose objects gc.garbage does not list).
    drop_example_names(namespace)
    watched = []
    for obj in gc.get_objects():
        made = type(obj).__module__ == module.__name__ and not isinstance(obj, type)
        if isinstance(obj, types.GeneratorType):
            made = obj.gi_code.co_filename == FILENAME
        if made:
            try:
                watched.append((describe(obj), weakref.ref(obj)))
            except TypeError:
                pass
    obj = None
    gc.collect()
    return [name for name, ref in watched if ref() is None]

def mode_alive_until_collected(namespace, module):
    # HL203: with the collector disabled, drop the example's names, then list the instances of its classes
    # that reference counting did not free (a cycle holds them, so their __del__ has not run); a collection
    # afterwards runs those finalizers, which then free the objects by reference counting, so gc.garbage
    # alone would show nothing.
    drop_example_names(namespace)
    found = [describe(o) for o in gc.get_objects()
             if type(o).__module__ == module.__name__ and not isinstance(o, type)]
    gc.collect()
    return found

def mode_resurrection(namespace, module):
    found = []
    for obj in gc.get_objects():
        if type(obj).__module__ == module.__name__ and gc.is_finalized(obj):
            found.append(describe(obj))
    return found

try:
    tree = ast.parse(source, FILENAME)
    preimport(tree)
    code = compile(tree, FILENAME, "exec")
except SyntaxError as error:
    result["error"] = "SyntaxError: %s" % error
    print(json.dumps(result))
    sys.exit(0)

gc.disable()
while gc.collect():
    pass
module = types.ModuleType("heaplint_example")
module.__file__ = FILENAME
sys.modules["heaplint_example"] = module
namespace = module.__dict__
captured = io.StringIO()
with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
    try:
        exec(code, namespace)
    except BaseException as error:
        result["error"] = "%s: %s" % (type(error).__name__, error)
        error = None
    if result["error"] is None:
        handler = globals().get("mode_" + mode)
        if handler is None:
            result["error"] = "unknown mode %r" % mode
        else:
            result["objects"] = handler(namespace, module)
result["output"] = captured.getvalue()
print(json.dumps(result))
'''


@dataclasses.dataclass
class ExampleRun:
    mode: str
    #: What the mode found (type names of garbage / resurrected objects).
    objects: list
    #: The example's own stdout and stderr.
    output: str
    #: An exception the example raised (or a driver problem), else None.
    error: str | None


def run_example(source: str, mode: str = "cycles", python: str | None = None, timeout: float = 60) -> ExampleRun:
    """Runs `source` in a fresh interpreter under `mode` (see the module doc)."""
    proc = subprocess.run([python or sys.executable, "-c", _DRIVER, mode], input=source, capture_output=True,
                          text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return ExampleRun(mode, [], proc.stdout, "driver failed (%d): %s" % (proc.returncode, proc.stderr[-2000:]))
    data = json.loads(lines[-1])
    return ExampleRun(data["mode"], data["objects"], data["output"], data["error"])


def load_examples(binary: str | None = None) -> list[dict]:
    """Every rule (code, name, examples with source/triggering/markers) from the heaplint binary."""
    binary = binary or os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint")
    proc = subprocess.run([binary, "rule", "--all", "--output-format", "json"], capture_output=True, text=True,
                          check=True)
    return json.loads(proc.stdout)
