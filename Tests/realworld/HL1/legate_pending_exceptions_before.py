# upstream: nv-legate/legate (legate.core Runtime pending exceptions)
# reference: PR #447 (merged) "Only keep traceback reprs, to avoid cycles"
# url: https://github.com/nv-legate/legate/pull/447
# leaked: the runtime appended caught exceptions to self._pending_exceptions to raise them later; the
#   exception's traceback holds the runtime method's frame, which holds the runtime (and, through other
#   frames' locals, stores with large buffers): runtime -> list -> exception -> traceback -> frame -> runtime.
# fix: keep only the traceback's text (a repr) instead of the exception object.
# expect: HL106


class Runtime:
    def __init__(self):
        self._pending_exceptions = []
        self.buffers = [bytearray(64) for _ in range(4)]

    def _launch(self, task):
        raise RuntimeError("task %s failed" % task)

    def submit(self, task):
        try:
            self._launch(task)
        except RuntimeError as exc:
            self._pending_exceptions.append(exc)


def scenario():
    Runtime().submit("fill")
