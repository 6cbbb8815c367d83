# upstream: CPython (Lib/asyncio/streams.py, StreamReaderProtocol)
# reference: bpo-34638, PR #9201 (issue closed as fixed)
# url: https://github.com/python/cpython/issues/78819
# leaked: protocol -> reader -> transport -> protocol (see the before file).
# fix (reduction): the protocol holds the reader through a weak reference.
# expect: none
import weakref


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
        self._stream_reader_wr = weakref.ref(stream_reader)

    def connection_made(self, transport):
        reader = self._stream_reader_wr()
        if reader is not None:
            reader.set_transport(transport)


def scenario():
    reader = StreamReader()
    protocol = StreamReaderProtocol(reader)
    protocol.connection_made(Transport(protocol))
