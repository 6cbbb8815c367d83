# upstream: python-trio/outcome (Error.unwrap)
# reference: PR #29 (merged), for python-trio/trio issue #1770
# url: https://github.com/python-trio/outcome/pull/29
# leaked: Error.unwrap() does `raise self.error`; the traceback gets unwrap's frame, which holds `self`,
#   which holds the error: outcome -> error -> traceback -> frame -> outcome. Trio's run loop made
#   cyclic garbage on every failed task step.
# fix: copy the error to a local, drop `self`, raise, and delete the local in a finally block.
# expect: HL103 (raise self._exception: HL103 covers an exception raised while any local, `self` included, reaches it)


class Error:
    def __init__(self, error):
        self.error = error

    def unwrap(self):
        raise self.error


def scenario():
    outcome = Error(ValueError("task failed"))
    try:
        outcome.unwrap()
    except ValueError:
        pass
    finally:
        # the caller's frame is on the traceback too; only the unwrap() frame is under test
        outcome = None
