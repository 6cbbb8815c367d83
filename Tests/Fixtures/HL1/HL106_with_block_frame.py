# HL106 fixture: `__exit__` stores the exception leaving a `with self:` block. Its traceback starts at the
# frame that ran the block, which holds `self` (the context manager) unless it drops it on every way out.


class Outcome:
    def __init__(self):
        self.error = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        self.error = value
        return True

    def run(self, job):
        try:
            with self:
                job()
        finally:
            self = None


class KeptOutcome:
    def __init__(self):
        self.error = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        # Not suppressed: the exception leaves run() before its `del self`.
        self.error = value  # expect: HL106
        return False

    def run(self, job):
        with self:
            job()
        del self


class HalfKeptOutcome:
    def __init__(self):
        self.error = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        self.error = value  # expect: HL106
        return True

    def run(self, job):
        try:
            with self:
                job()
        finally:
            self = None

    def run_again(self, job):
        with self:
            job()
