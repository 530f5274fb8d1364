"""Request headers larger than 16 KiB in total get a 431 in the contract's Error shape, on the mock and the proxy.

Two layers, because uvicorn's parsers disagree on limits: httptools has none at all (a 2 MiB header reaches the app),
h11 answers a plain-text 400 past its 16 KiB buffer. So:

* :class:`HeaderLimit` (ASGI) answers a request whose headers add up to more than ``MAX_HEADER_BYTES`` with a 431 that
  passes through the app's other layers (CORS headers, the journal), so a browser can read it;
* the protocol classes of ``mockserver.edge.protocols`` cut a request head that grows past ``MAX_HEAD_BYTES`` (four
  times as
  much) before it is parsed any further, with the same Error body (``raw_431``) written straight to the socket: memory
  stays bounded whatever a client sends, and the client still gets the Error shape instead of a reset or uvicorn's
  plain-text 400.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.decisions.errors import ApiError, error_body, json_bytes
from mockserver.edge.responses import error_response

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
