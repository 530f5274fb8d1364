"""Request headers larger than 16 KiB in total get a 431 in the contract's Error shape, on the mock and the proxy.

Two layers, because uvicorn's parsers disagree on limits: httptools has none at all (a 2 MiB header reaches the app),
h11 answers a plain-text 400 past its 16 KiB buffer. So:

* :class:`HeaderLimit` (ASGI) answers a request whose headers add up to more than ``MAX_HEADER_BYTES`` with a 431 that
  passes through the app's other layers (CORS headers, the journal), so a browser can read it;
* the protocol classes below cut a request head that grows past ``MAX_HEAD_BYTES`` (four times as much) before it is
  parsed any further, with the same Error body written straight to the socket: memory stays bounded whatever a client
  sends, and the client still gets the Error shape instead of a reset or uvicorn's plain-text 400.

``uvicorn_options()`` is what the servers pass to ``uvicorn.run`` / ``uvicorn.Config`` to use them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mockserver.errors import ApiError, error_body, error_response, json_bytes

MAX_HEADER_BYTES = 16 * 1024  # all request headers together, counted as sent: "name: value\r\n"
MAX_HEAD_BYTES = 4 * MAX_HEADER_BYTES  # the request line and headers, before the app sees anything


class HeaderFieldsTooLarge(ApiError):
    status, code = 431, "REQUEST_HEADER_FIELDS_TOO_LARGE"


def header_bytes(headers: list[tuple[bytes, bytes]]) -> int:
    """The size of the headers as they were sent on the wire (``name: value`` and CRLF each)."""
    return sum(len(name) + len(value) + 4 for name, value in headers)


def too_large(size: int | None) -> HeaderFieldsTooLarge:
    told = f"are {size} bytes" if size is not None else f"exceed {MAX_HEAD_BYTES} bytes"
    return HeaderFieldsTooLarge(
        f"the request headers {told}; at most {MAX_HEADER_BYTES} bytes (16 KiB) in total are accepted "
        "(a large cookie or token is the usual cause)"
    )


class HeaderLimit:
    """Answer 431 to a request whose headers exceed ``MAX_HEADER_BYTES``; anything else passes untouched."""

    def __init__(self, app: ASGIApp, limit: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = header_bytes(scope["headers"])
            if size > self.limit:
                await error_response(too_large(size))(scope, receive, send)
                return
        await self.app(scope, receive, send)


def raw_431(default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """The whole 431 answer as bytes, for a protocol that answers before any app is called."""
    body = json_bytes(error_body(too_large(None)))
    lines = [b"HTTP/1.1 431 Request Header Fields Too Large"]
    lines += [name + b": " + value for name, value in default_headers]
    lines += [b"content-type: application/json", b"content-length: " + str(len(body)).encode(), b"connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


LINGER_SECONDS = 2.0


def refuse(transport: asyncio.Transport, default_headers: list[tuple[bytes, bytes]]) -> None:
    """Send the 431, end our side, and close a little later.

    Closing at once while the client is still sending would make the kernel answer with a reset, which can destroy
    the 431 before the client reads it; so the rest of the request is read and dropped for ``LINGER_SECONDS``.
    """
    transport.write(raw_431(default_headers))
    if transport.can_write_eof():
        transport.write_eof()
    asyncio.get_running_loop().call_later(LINGER_SECONDS, transport.close)


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, its buffer limit (``h11_max_incomplete_event_size``) answered with our 431."""

    _refused = False

    def data_received(self, data: bytes) -> None:
        if not self._refused:
            super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        # h11 raises the same RemoteProtocolError for any bad request; only a buffer past the limit is a 431.
        if len(self.conn.trailing_data[0]) <= (self.config.h11_max_incomplete_event_size or MAX_HEADER_BYTES):
            super().send_400_response(msg)
            return
        self._refused = True
        refuse(self.transport, self.server_state.default_headers)


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (the fast one, but without any header limit) with a cap on the request head.

    Bytes are counted from the start of a request until its headers are complete; past ``MAX_HEAD_BYTES`` the
    connection gets our 431 and is closed. (Bytes of a pipelined request that arrive with the previous one's body are
    not counted: the cap bounds memory, it is not an exact measure.)
    """

    _head_bytes = 0
    _in_head = True
    _refused = False

    def on_message_begin(self) -> None:
        self._in_head = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._in_head, self._head_bytes = False, 0
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES and not self.transport.is_closing():
            self._refused = True
            refuse(self.transport, self.server_state.default_headers)


def uvicorn_options(protocol: str = "httptools") -> dict[str, Any]:
    """``http=`` for uvicorn: httptools (uvicorn's own choice, a dependency through ``uvicorn[standard]``) or h11,
    capped as above. An import string, so worker processes started by ``--workers`` load the same class.
    """
    if protocol == "h11":
        return {"http": f"{__name__}:LimitedH11Protocol", "h11_max_incomplete_event_size": MAX_HEAD_BYTES}
    return {"http": f"{__name__}:LimitedHttpToolsProtocol"}
