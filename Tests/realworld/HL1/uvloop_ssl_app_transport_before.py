# upstream: MagicStack/uvloop (sslproto), refs CPython bpo-34745
# reference: PR #237 (merged) "Fix SSL memory leak"
# url: https://github.com/MagicStack/uvloop/pull/237
# leaked: "protocol and transport form circular reference, causing SSLContext stack up": the SSL
#   protocol creates its app-facing transport with itself as argument and keeps it, the transport keeps
#   the protocol.
# fix (reduction): the protocol drops its app transport (and the transport its protocol) when the
#   connection is lost.
# expect: HL101


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


def scenario():
    protocol = SSLProtocol(context={"certs": list(range(50))})
    protocol.connection_lost(None)
