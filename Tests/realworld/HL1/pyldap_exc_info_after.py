# upstream: pyldap/pyldap (python-ldap fork; LDAPObject result handling)
# reference: PR #133 (merged) "Move sys.exc_info() to avoid ref cycles"
# url: https://github.com/pyldap/pyldap/pull/133
# leaked: locals from sys.exc_info() -> traceback -> the frame holding them (see the before file).
# fix: the exception is annotated through `except ... as` and re-raised bare; nothing stays bound.
# expect: none


class LDAPError(Exception):
    pass


class LDAPObject:
    def _ldap_call(self, func, *args):
        try:
            return func(*args)
        except LDAPError as exc_value:
            exc_value.args = exc_value.args + ({"info": "annotated"},)
            raise


def _search(base):
    raise LDAPError("no such object: %s" % base)


def scenario():
    try:
        LDAPObject()._ldap_call(_search, "dc=example")
    except LDAPError:
        pass
