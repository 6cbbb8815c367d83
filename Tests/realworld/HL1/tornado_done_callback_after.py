# upstream: tornadoweb/tornado (tornado.concurrent / ioloop, run_on_executor)
# reference: PR #3315 (merged), fixes issue #2620
# url: https://github.com/tornadoweb/tornado/pull/3315
# leaked: future -> callbacks -> closure -> cell -> future (see the before file).
# fix: the callback takes the future as its argument; nothing captured.
# expect: none
from concurrent.futures import Future


def chain_future(source, results):
    source.add_done_callback(lambda done: results.append(done.result()))


def scenario():
    results = []
    future = Future()
    chain_future(future, results)
    future.set_result(42)
