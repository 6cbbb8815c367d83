# HL106 fixture: clearing a caught exception's traceback kills the exception -> __traceback__ edge on the
# paths after it (the stored exception then no longer reaches the frame), and only on those paths.
import contextlib


class AfterStore:
    def run(self, job):
        try:
            job()
        except ValueError as err:
            self.error = err
            err.__traceback__ = None


class Rebound:
    def run(self, job):
        try:
            job()
        except ValueError as err:
            err = err.with_traceback(None)
            self.error = err


class OneBranchOnly:
    def run(self, job, quiet):
        try:
            job()
        except ValueError as err:
            self.error = err  # expect: HL106
            if quiet:
                err.__traceback__ = None


class ClearedThenCaughtAgain:
    def run(self, jobs):
        for job in jobs:
            try:
                job()
            except ValueError as err:
                err.__traceback__ = None
                self.first = err
            try:
                job()
            except ValueError as again:
                self.second = again  # expect: HL106


class Transaction:
    def __init__(self):
        self.failure = None

    @contextlib.contextmanager
    def guard(self):
        try:
            yield
        except Exception as exc:
            # contextlib gives the re-raised exception back its traceback from before throw().
            self.failure = exc
            raise

    @contextlib.contextmanager
    def swallow(self):
        try:
            yield
        except Exception as exc:
            self.failure = exc  # expect: HL106
