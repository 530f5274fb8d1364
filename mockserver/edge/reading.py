"""Reading a request's body off ASGI, within a size limit."""

from __future__ import annotations

from starlette.types import Receive

from mockserver.decisions.errors import PayloadTooLarge


class ClientDisconnected(Exception):
    """The client went away before sending its whole body: there is nobody to answer."""


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, refusing it as soon as it passes ``limit`` bytes (also for chunked uploads)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)
