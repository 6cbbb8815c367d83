# upstream: tornadoweb/tornado (tornado.concurrent / ioloop, run_on_executor)
# reference: PR #3315 (merged) "ioloop,concurrent: Fix reference cycles", fixes issue #2620
# url: https://github.com/tornadoweb/tornado/pull/3315
# leaked: per the PR, testing run_on_executor "reveals several reference cycles in Future done
#   callbacks": a done callback that closes over the future it is attached to. A concurrent.futures
#   Future keeps its _done_callbacks list after running them, so future -> list -> closure -> cell ->
#   future stays until the collector runs.
# fix (reduction of the PR's change): the callback uses the future passed to it as argument instead
#   of capturing it.
# expect: HL102
from concurrent.futures import Future


def chain_future(source, results):
    source.add_done_callback(lambda _: results.append(source.result()))


def scenario():
    results = []
    future = Future()
    chain_future(future, results)
    future.set_result(42)
