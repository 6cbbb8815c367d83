# upstream: cannatag/ldap3 (strategy/restartable.py, RestartableStrategy._add_exception_to_history)
# reference: issue #529 (closed, labelled "Fixed In upcoming version")
# url: https://github.com/cannatag/ldap3/issues/529
# leaked: the strategy appended every caught exception to self.exception_history; the issue shows
#   `exception.__traceback__.tb_frame.f_locals['self']` is the strategy itself, so each entry closed a
#   cycle that also kept the sockets in the frames alive.
# fix (as reduced here, the fix diff was not read): keep the exception's type and message, not the
#   exception object.
# expect: HL106
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
            self.exception_history.append((datetime.datetime.now(), type(e), e))


def scenario():
    RestartableStrategy().open("ldap://10.0.0.1")
