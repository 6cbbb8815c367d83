# upstream: cannatag/ldap3 (strategy/restartable.py, RestartableStrategy._add_exception_to_history)
# reference: issue #529 (closed, labelled "Fixed In upcoming version")
# url: https://github.com/cannatag/ldap3/issues/529
# leaked: strategy -> history -> exception -> traceback -> frame -> strategy (see the before file).
# fix (reduction): store type and message only.
# expect: none
import datetime


class RestartableStrategy:
    def __init__(self):
        self.exception_history = []
        self.socket = object()

    def _open_socket(self, address):
        raise ConnectionRefusedError(111, "refused %s" % address)

    def open(self, address):
        try:
            self._open_socket(address)
        except OSError as e:
            self.exception_history.append((datetime.datetime.now(), type(e), str(e)))


def scenario():
    RestartableStrategy().open("ldap://10.0.0.1")
