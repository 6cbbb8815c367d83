# upstream: python-trio/outcome (Error.unwrap)
# reference: PR #29 (merged), for python-trio/trio issue #1770
# url: https://github.com/python-trio/outcome/pull/29
# leaked: outcome -> error -> traceback -> unwrap() frame -> self (see the before file).
# fix: the frame keeps neither self nor the error once it has raised.
# expect: none


class Error:
    def __init__(self, error):
        self.error = error

    def unwrap(self):
        captured_error = self.error
        try:
            raise captured_error
        finally:
            # both locals would be on the traceback's frame: drop them
            del captured_error, self


def scenario():
    outcome = Error(ValueError("task failed"))
    try:
        outcome.unwrap()
    except ValueError:
        pass
    finally:
        outcome = None
