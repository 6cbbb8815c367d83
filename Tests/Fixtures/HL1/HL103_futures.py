# HL103 fixture, futures: `fut.result()` re-raises the exception the future keeps in `_exception`; its
# traceback gets the calling frame, which still holds `fut`: frame -> fut -> _exception -> exception ->
# __traceback__ -> traceback -> tb_frame -> frame. Every case below is a self-contained program (this
# prologue is run before each), checked under CPython by Tests/python/test_oracle_futures.py: a case
# with a finding marker must leave cyclic garbage, one without must leave none.
import asyncio
import concurrent.futures
import contextlib


class InlineExecutor:
    """Runs the call at once, as a thread pool would, and hands back a finished future."""

    def submit(self, fn, *args):
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            # Without its traceback: this frame (which holds `future`) is on it.
            future.set_exception(exc.with_traceback(None))
        return future


def parse(text):
    return int(text)


# case: the future made here is kept while its result() raises out of the frame
def wait_direct():
    fut = concurrent.futures.Future()
    fut.set_exception(ValueError("boom"))
    return fut.result()  # expect: HL103


with contextlib.suppress(ValueError):
    wait_direct()


# case: an executor's future, the failure caught in the frame that keeps the future
def parse_or_none(executor, text):
    fut = executor.submit(parse, text)
    try:
        value = fut.result()  # expect: HL103
    except ValueError:
        value = None
    return value


parse_or_none(InlineExecutor(), "x")


# case: a module function whose every return gives a future, result() in a condition
def start(text):
    pending = InlineExecutor().submit(parse, text)
    return pending


def is_positive(text):
    fut = start(text)
    if fut.result() > 0:  # expect: HL103
        return True
    return False


with contextlib.suppress(ValueError):
    is_positive("x")


# case: a retry loop catches each failure and ends holding the last future
def first_number(executor, texts):
    for text in texts:
        fut = executor.submit(parse, text)
        try:
            return fut.result()  # expect: HL103
        except ValueError:
            continue
    return None


first_number(InlineExecutor(), ["x", "y"])


# case: an asyncio future of a loop, result() raising inside a with block
def loop_result():
    loop = asyncio.new_event_loop()
    fut = loop.create_future()
    fut.set_exception(KeyError("k"))
    with contextlib.suppress(KeyError):
        fut.result()  # expect: HL103
    loop.close()


loop_result()


# case: the iterable of a for loop is the result of the future
def total(executor, text):
    fut = executor.submit(parse, text)
    count = 0
    for _ in range(fut.result()):  # expect: HL103
        count += 1
    return count


with contextlib.suppress(ValueError):
    total(InlineExecutor(), "x")


# case: a release in the handler of one branch only
def parse_logged(executor, text, verbose):
    fut = executor.submit(parse, text)
    try:
        return fut.result()  # expect: HL103
    except ValueError:
        if verbose:
            fut = None
        return -1


parse_logged(InlineExecutor(), "x", False)


# case: a finally drops the future on every way out
def wait_released():
    fut = concurrent.futures.Future()
    fut.set_exception(ValueError("boom"))
    try:
        return fut.result()
    finally:
        del fut


with contextlib.suppress(ValueError):
    wait_released()


# case: no local keeps the future
def wait_inline(executor, text):
    return executor.submit(parse, text).result()


with contextlib.suppress(ValueError):
    wait_inline(InlineExecutor(), "x")


# case: the caught failure is followed by a release before the frame ends
def parse_then_release(executor, text):
    fut = executor.submit(parse, text)
    try:
        value = fut.result()
    except ValueError:
        value = None
    fut = None
    return value


parse_then_release(InlineExecutor(), "x")


# case: the handler drops the future before re-raising
def parse_or_raise(executor, text):
    fut = executor.submit(parse, text)
    try:
        return fut.result()
    except ValueError:
        del fut
        raise


with contextlib.suppress(ValueError):
    parse_or_raise(InlineExecutor(), "x")


# case: each round of the retry loop drops the failed future
def first_number_released(executor, texts):
    for text in texts:
        fut = executor.submit(parse, text)
        try:
            return fut.result()
        except ValueError:
            fut = None
    return None


first_number_released(InlineExecutor(), ["x", "y"])


# case: an asyncio future released in a finally after the with block
def loop_result_released():
    loop = asyncio.new_event_loop()
    fut = loop.create_future()
    fut.set_exception(KeyError("k"))
    try:
        with contextlib.suppress(KeyError):
            fut.result()
    finally:
        fut = None
        loop.close()


loop_result_released()


# case: the name is rebound to something that is no future before result() is asked of it
class Ready:
    def result(self):
        raise ValueError("not a future")


def ask_ready(executor, text):
    fut = executor.submit(parse, text)
    fut.cancel()
    fut = Ready()
    with contextlib.suppress(ValueError):
        fut.result()
    return fut


ask_ready(InlineExecutor(), "1")


# case: another local keeps the future after the one result() is called on is deleted
def wait_through_alias(executor, text):
    fut = executor.submit(parse, text)
    waited = fut
    try:
        return waited.result()  # expect: HL103
    finally:
        del waited


with contextlib.suppress(ValueError):
    wait_through_alias(InlineExecutor(), "x")
