# upstream: Bogdanp/dramatiq (asyncio middleware, EventLoopThread.run_coroutine)
# reference: PR #878 (merged), alternative to PR #806
# url: https://github.com/Bogdanp/dramatiq/pull/878
# leaked: frame -> future -> exception -> traceback -> frame (see the before file).
# fix: the local reference to the future is cleared in a finally block.
# expect: none
from concurrent.futures import Future


def _submit(message):
    # the actor's exception is created on the worker side, not in a frame of run_coroutine
    future = Future()
    future.set_exception(MemoryError(message))
    return future


def run_coroutine(message):
    future = _submit(message)
    try:
        return future.result(timeout=1)
    finally:
        future = None


def scenario():
    try:
        run_coroutine("big actor failure")
    except MemoryError:
        pass
