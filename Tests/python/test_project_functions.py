"""Cross-module cycles through a module-level function: the project index keeps a summary of each function
whose call leaves references (what it returns and stores, in terms of its parameters), and a call of it from
another module replays that summary. The case is blinker 1.9.0's Signal.connect (the cycle census, issue 25):
`make_ref(receiver, self._make_cleanup(key))` from `._utilities` returns `weakref.ref(obj, callback)`, which
keeps its callback (PyWeakReference.wr_callback); the callback is a closure whose cell holds the Signal, and
the weakref is stored in the Signal's dict: Signal -> dict -> weakref -> cleanup -> cell -> Signal.
Each project is also run under CPython: the positives leave cyclic garbage, the negatives none."""
import json
import os
import subprocess
import sys
import textwrap

BIN = os.path.abspath(os.environ.get("HEAPLINT_BIN", ".build/debug/heaplint"))

UTILITIES = '''
import inspect
from weakref import WeakMethod, ref


def make_ref(obj, callback=None):
    if inspect.ismethod(obj):
        return WeakMethod(obj, callback)
    return ref(obj, callback)


def make_plain_ref(obj, callback=None):
    # Drops the callback: the weakref keeps nothing but its (weak) referent.
    return ref(obj)
'''

# `from ._utilities import make_ref`, the callback a closure over `self`.
BASE = '''
from ._utilities import make_ref


class Signal:
    def __init__(self):
        self.receivers = {}

    def connect(self, receiver):
        key = id(receiver)
        self.receivers[key] = make_ref(receiver, self._make_cleanup(key))
        return receiver

    def _make_cleanup(self, key):
        def cleanup(ref):
            self.receivers.pop(key, None)
        return cleanup
'''

# `from . import _utilities; _utilities.make_ref(...)`, the callback a bound method.
MODULE_ATTRIBUTE = '''
from . import _utilities


class Registry:
    def __init__(self):
        self.entries = []

    def add(self, item):
        self.entries.append(_utilities.make_ref(item, self._forget))

    def _forget(self, ref):
        self.entries.remove(ref)
'''

# The fix: the closure holds the Signal weakly, so the weakref's callback no longer reaches it.
WEAK_SELF = '''
import weakref

from ._utilities import make_ref


class Signal:
    def __init__(self):
        self.receivers = {}

    def connect(self, receiver):
        key = id(receiver)
        self.receivers[key] = make_ref(receiver, self._make_cleanup(key))
        return receiver

    def _make_cleanup(self, key):
        signal_ref = weakref.ref(self)

        def cleanup(ref):
            signal = signal_ref()
            if signal is not None:
                signal.receivers.pop(key, None)
        return cleanup
'''

# A function that does not keep its callback: no path back to the Signal.
PLAIN = BASE.replace("make_ref", "make_plain_ref")


def write_project(root):
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_utilities.py").write_text(UTILITIES)
    (package / "base.py").write_text(BASE)
    (package / "registry.py").write_text(MODULE_ATTRIBUTE)
    (package / "weak_self.py").write_text(WEAK_SELF)
    (package / "plain.py").write_text(PLAIN)


def findings(root, *extra):
    proc = subprocess.run([BIN, "check", "--isolated", "--select", "HL1", "--output-format", "json", *extra, "."],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    return sorted((os.path.relpath(item["filename"], root), item["location"]["row"], item["code"])
                  for item in json.loads(proc.stdout))


def test_function_of_another_module_is_replayed(tmp_path):
    write_project(tmp_path)
    expected = [(os.path.join("pkg", "base.py"), 11, "HL102"), (os.path.join("pkg", "registry.py"), 10, "HL102")]
    assert findings(tmp_path, "--no-cache") == expected
    # Warm: the index is rebuilt from the cached module interfaces, function summaries included.
    assert findings(tmp_path) == expected
    assert findings(tmp_path) == expected


def test_the_path_runs_through_the_weakref_callback(tmp_path):
    write_project(tmp_path)
    proc = subprocess.run([BIN, "check", "--isolated", "--no-cache", "--select", "HL1", "pkg/base.py", "pkg/_utilities.py"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "weakref.__callback__" in proc.stdout and "function cleanup" in proc.stdout, proc.stdout


def test_a_changed_function_changes_the_caller_findings(tmp_path):
    write_project(tmp_path)
    findings(tmp_path)
    # make_ref no longer keeps the callback: base.py is unchanged, yet its finding must go.
    (tmp_path / "pkg" / "_utilities.py").write_text(
        UTILITIES.replace("WeakMethod(obj, callback)", "WeakMethod(obj)").replace("ref(obj, callback)", "ref(obj)"))
    assert findings(tmp_path) == []


def test_cpython_agrees(tmp_path):
    write_project(tmp_path)
    script = textwrap.dedent('''
        import gc, sys, weakref
        sys.path.insert(0, sys.argv[1])
        from pkg import base, registry, weak_self, plain

        class Receiver:
            def method(self, sender):
                pass

        def receiver(sender):
            pass

        keep = Receiver()
        gc.collect(); gc.disable()
        result = {}
        for name, make, register in (
            ("base", base.Signal, lambda s: s.connect(receiver)),
            ("base_method", base.Signal, lambda s: s.connect(keep.method)),
            ("registry", registry.Registry, lambda r: r.add(receiver)),
            ("weak_self", weak_self.Signal, lambda s: s.connect(receiver)),
            ("plain", plain.Signal, lambda s: s.connect(receiver)),
        ):
            obj = make()
            register(obj)
            ref = weakref.ref(obj)
            del obj
            # Still alive after its last reference went: only the collector frees it.
            alive = ref() is not None
            gc.collect()
            result[name] = alive and ref() is None
        print(result)
    ''')
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert eval(out.stdout) == {"base": True, "base_method": True, "registry": True, "weak_self": False, "plain": False}
