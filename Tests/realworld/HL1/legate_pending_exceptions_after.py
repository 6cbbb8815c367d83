# upstream: nv-legate/legate (legate.core Runtime pending exceptions)
# reference: PR #447 (merged) "Only keep traceback reprs, to avoid cycles"
# url: https://github.com/nv-legate/legate/pull/447
# leaked: runtime -> pending list -> exception -> traceback -> frame -> runtime (see the before file).
# fix: only the formatted traceback text is kept.
# expect: none
import traceback


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
            self._pending_exceptions.append((type(exc), "".join(traceback.format_exception(exc))))


def scenario():
    Runtime().submit("fill")
