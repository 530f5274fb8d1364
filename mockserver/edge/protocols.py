"""The uvicorn protocols our servers run (the mock and the proxy): uvicorn's own, with two changes.

* The request head is capped at ``MAX_HEAD_BYTES`` before it is parsed any further, and a longer one is answered with
  the 431 in the Error shape (``mockserver.edge.header_limit``): httptools has no limit of its own, h11 answers plain
  text.
* Writes go through :class:`~mockserver.coalescing.CoalescingTransport`: an answer's head and body leave in one write.

``uvicorn_options()`` is what the servers pass to ``uvicorn.run`` / ``uvicorn.Config`` to use them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mockserver.edge.coalescing import CoalescingTransport
from mockserver.edge.header_limit import MAX_HEAD_BYTES, MAX_HEADER_BYTES, raw_431

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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]

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

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]

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
    """``http=`` and ``ws=`` for uvicorn: httptools (uvicorn's own choice, a dependency through ``uvicorn[standard]``)
    or h11, capped as above. An import string, so worker processes started by ``--workers`` load the same class.
    """
    # No WebSocket protocol: nothing here serves one, and uvicorn's default imports the websockets library at start.
    if protocol == "h11":
        return {"http": f"{__name__}:LimitedH11Protocol", "ws": "none", "h11_max_incomplete_event_size": MAX_HEAD_BYTES}
    return {"http": f"{__name__}:LimitedHttpToolsProtocol", "ws": "none"}
