# upstream: getsentry/raven-python (capturing exceptions from a wrapped call)
# reference: PR #321 (merged)
# url: https://github.com/getsentry/raven-python/pull/321
# leaked: local exc_info tuple -> traceback -> frame -> exc_info (see the before file).
# fix: sys.exc_info() is passed on directly, never bound in the frame on the traceback.
# expect: none
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
        client.capture(sys.exc_info())
        return None


def _handler():
    raise LookupError("not found")


def scenario():
    call_captured(Client(), _handler)
