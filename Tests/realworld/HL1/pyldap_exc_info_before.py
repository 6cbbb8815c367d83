# upstream: pyldap/pyldap (python-ldap fork; LDAPObject result handling)
# reference: PR #133 (merged) "Move sys.exc_info() to avoid ref cycles"
# url: https://github.com/pyldap/pyldap/pull/133
# leaked: the error path unpacked `sys.exc_info()` into locals (type, value, traceback) of the frame
#   that is on that traceback, then re-raised; frame -> traceback local -> frame.
# fix: sys.exc_info() is no longer kept in the handling frame's locals (the PR moves the call to where
#   the value is consumed; cites "exception leaks in Python 2 and 3").
# expect: HL103
import sys


class LDAPError(Exception):
    pass


class LDAPObject:
    def _ldap_call(self, func, *args):
        try:
            return func(*args)
        except LDAPError:
            exc_type, exc_value, exc_traceback = sys.exc_info()
            exc_value.args = exc_value.args + ({"info": "annotated"},)
            raise exc_value.with_traceback(exc_traceback)


def _search(base):
    raise LDAPError("no such object: %s" % base)


def scenario():
    try:
        LDAPObject()._ldap_call(_search, "dc=example")
    except LDAPError:
        pass
