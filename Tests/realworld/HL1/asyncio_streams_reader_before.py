# upstream: CPython (Lib/asyncio/streams.py, StreamReaderProtocol)
# reference: bpo-34638, PR #9201 (issue closed as fixed)
# url: https://github.com/python/cpython/issues/78819
# leaked: "Avoid circular references in asyncio streams": the protocol keeps the stream reader, the
#   reader keeps the transport, and the transport keeps the protocol.
# fix (reduction; the asyncio code since then holds the reader through weakref.ref in the protocol):
#   the protocol refers to the reader weakly; the user's reference keeps the reader alive.
# expect: HL101


class Transport:
    def __init__(self, protocol):
        self._protocol = protocol


class StreamReader:
    def __init__(self):
        self._transport = None
        self._buffer = bytearray()

    def set_transport(self, transport):
        self._transport = transport


class StreamReaderProtocol:
    def __init__(self, stream_reader):
        self._stream_reader = stream_reader

    def connection_made(self, transport):
        self._stream_reader.set_transport(transport)


def scenario():
    reader = StreamReader()
    protocol = StreamReaderProtocol(reader)
    protocol.connection_made(Transport(protocol))
