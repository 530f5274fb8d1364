"""Reading a request off ASGI: its headers once per request, and its body within a size limit."""

from __future__ import annotations

from starlette.types import Receive, Scope

from mockserver.decisions.errors import PayloadTooLarge

HEADERS_EXTENSION = "insight_mock.headers"  # where a request's headers, read once, are kept in its ASGI scope


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name, the first of repeated ones, read once per request.

    Starlette's ``Headers.get`` scans and decodes the whole list on every lookup, and the front door and the gate
    look up five between them: the first caller reads the ASGI list in one pass, later ones find it in the scope.
    """
    extensions = scope.setdefault("extensions", {})
    found: dict[str, str] | None = extensions.get(HEADERS_EXTENSION)
    if found is None:
        found = {}
        for name, value in scope["headers"]:
            key = name.decode("latin-1").lower()
            if key not in found:
                found[key] = value.decode("latin-1")
        extensions[HEADERS_EXTENSION] = found
    return found


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
