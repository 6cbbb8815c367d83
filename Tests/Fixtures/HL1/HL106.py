# HL106 fixture: caught exceptions stored where the catching frame reaches them.
import concurrent.futures
import sys
import threading


class Worker(threading.Thread):
    def __init__(self, task):
        super().__init__()
        self.task = task
        self.exc = None

    def run(self):
        try:
            self.task()
        except BaseException as e:
            self.exc = e  # expect: HL106

    def join(self, timeout=None):
        super().join(timeout)
        if self.exc is not None:
            raise self.exc


def submit(executor_future, fn):
    try:
        executor_future.set_result(fn())
    except BaseException as exc:
        executor_future.set_exception(exc)  # expect: HL106


class Response:
    def __init__(self):
        self.errors = []
        self.last_info = None

    def parse(self, raw):
        try:
            return int(raw)
        except ValueError as err:
            self.errors.append(err)  # expect: HL106
            self.last_info = sys.exc_info()  # expect: HL106
            return None


class Clean:
    def __init__(self):
        self.message = None
        self.error = None

    def parse(self, raw):
        try:
            return int(raw)
        except ValueError as err:
            self.message = str(err)
            self.error = err.with_traceback(None)
            return None

    def set_exception(self, exception):
        # Received from a caller: its traceback does not reach this frame.
        self.error = exception


def wait_all(futures):
    for future in futures:
        try:
            future.result()
        except concurrent.futures.CancelledError:
            continue


def signal_receivers(receivers, signal):
    responses = []
    for receiver in receivers:
        try:
            receiver(signal)
        except Exception as exc:
            # The exception's own traceback, set again: no new holder.
            exc.__traceback__ = exc.__traceback__
            responses.append((receiver, str(exc)))
    return responses


def setup_fixture(fixturedef, func):
    # pytest's `pytest_fixture_setup`: the `raise` leaves the frame with the caught exception stored; the
    # rebinding on the normal path does not undo it there.
    try:
        result = func()
    except Exception as e:
        fixturedef.cached_result = (None, (e, e.__traceback__))  # expect: HL106
        raise
    fixturedef.cached_result = (result, None)
    return result


def run_reporting(job, func):
    # Undone on every path where the frame ends: the `finally` drops it.
    try:
        func()
    except Exception as e:
        job.error = e
        job.report()
    finally:
        job.error = None
