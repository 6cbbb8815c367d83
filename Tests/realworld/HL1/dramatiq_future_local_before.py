# upstream: Bogdanp/dramatiq (asyncio middleware, EventLoopThread.run_coroutine)
# reference: PR #878 (merged), alternative to PR #806
# url: https://github.com/Bogdanp/dramatiq/pull/878
# leaked: run_coroutine keeps the concurrent future in a local and returns future.result(); when the
#   actor raised, the future holds the exception and re-raising it puts this frame on its traceback:
#   "BigException -> traceback -> frames -> run_coroutine locals -> Future -> BigException".
# fix: "Clear reference to `future` so that Exceptions are not caught in reference cycles".
# expect: HL103
from concurrent.futures import Future


def _submit(message):
    # the actor's exception is created on the worker side, not in a frame of run_coroutine
    future = Future()
    future.set_exception(MemoryError(message))
    return future


def run_coroutine(message):
    future = _submit(message)
    return future.result(timeout=1)


def scenario():
    try:
        run_coroutine("big actor failure")
    except MemoryError:
        pass
