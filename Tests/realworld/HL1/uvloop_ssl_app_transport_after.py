# upstream: MagicStack/uvloop (sslproto), refs CPython bpo-34745
# reference: PR #237 (merged) "Fix SSL memory leak"
# url: https://github.com/MagicStack/uvloop/pull/237
# leaked: protocol -> app transport -> protocol (see the before file).
# fix (reduction): connection_lost() breaks both links.
# expect: none


class AppTransport:
    def __init__(self, ssl_protocol):
        self._ssl_protocol = ssl_protocol
        self._closed = False


class SSLProtocol:
    def __init__(self, context):
        self._sslcontext = context
        self._app_transport = AppTransport(self)

    def connection_lost(self, exc):
        self._app_transport._closed = True
        self._app_transport._ssl_protocol = None
        self._app_transport = None


def scenario():
    protocol = SSLProtocol(context={"certs": list(range(50))})
    protocol.connection_lost(None)
