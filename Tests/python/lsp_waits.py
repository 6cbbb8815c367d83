"""Waiting on a real LSP client's pushed diagnostics, shared by the server tests (test_lsp,
test_lsp_notebooks). Every wait ends on the specific publication it expects; the timeout is a safety net
for a loaded machine, never a measurement."""
import asyncio

import pytest
from lsprotocol import types

TIMEOUT = 60


async def diagnostics_where(client, uri, predicate, what, timeout=TIMEOUT):
    """Waits until the diagnostics last pushed for `uri` satisfy `predicate`, and returns them. Each
    document (each notebook cell) gets its own publication, so the wait is on `uri`'s own."""
    async def poll():
        while True:
            if uri in client.diagnostics and predicate(list(client.diagnostics[uri])):
                return list(client.diagnostics[uri])
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    try:
        return await asyncio.wait_for(poll(), timeout)
    except asyncio.TimeoutError:
        pytest.fail(f"timed out waiting for {what}; last diagnostics for {uri}: {client.diagnostics.get(uri)}")


def codes(diags):
    return [d.code for d in diags]
