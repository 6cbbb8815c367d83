# upstream: getsentry/raven-python (capturing exceptions from a wrapped call)
# reference: PR #321 (merged) "Avoid creating circular reference cycles by sidestepping the use of a
#   local variable to sys.exc_info[2]"
# url: https://github.com/getsentry/raven-python/pull/321
# leaked: the handling frame stored `exc_info = sys.exc_info()` in a local; the tuple's traceback holds
#   that very frame (the warning in the sys.exc_info docs, Django ticket 10758 cited by the PR).
# fix: do not bind the traceback to a local of the handling frame (pass sys.exc_info() straight on).
# expect: HL103
import sys
import traceback


class Client:
    def __init__(self):
        self.sent = []

    def capture(self, exc_info):
        self.sent.append("".join(traceback.format_exception(*exc_info))[-60:])


def call_captured(client, func):
    try:
        return func()
    except Exception:
        exc_info = sys.exc_info()
        client.capture(exc_info)
        return None


def _handler():
    raise LookupError("not found")


def scenario():
    call_captured(Client(), _handler)
