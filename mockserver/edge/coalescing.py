"""One ``send()`` per answer: the writes a connection makes in one turn of the event loop leave together.

uvicorn writes an answer's head (status line and headers) and its body with two ``transport.write`` calls, so every
answer costs two ``send()`` system calls and, with ``TCP_NODELAY``, two TCP segments, which the client reads with two
``recv()`` calls. The ASGI app sends the body right after the head without waiting for anything, so the two writes
always fall in the same turn of the loop: :class:`CoalescingTransport` holds them until the end of that turn and
writes them as one. 7.9% less CPU per request: 211 against 229 us on uvicorn's own protocol, distinct requests
(harness.py --bodies 5000 --uvicorn-protocol, CPU us/req, 2026-12-03).

Nothing is held longer than the turn that wrote it, nothing is reordered, and large writes (reports) go out at once,
so uvicorn's flow control still sees the real buffer.
"""

from __future__ import annotations

import asyncio
from typing import Any

FLUSH_AT = 64 * 1024  # bytes held before writing at once: a report body does not wait, nor is it copied twice


class CoalescingTransport:
    """A transport whose writes within one loop turn reach the socket as one write; everything else is delegated."""

    __slots__ = ("_held", "_held_bytes", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None
        self._held_bytes = 0

    def write(self, data: bytes) -> None:
        if self._held is None:
            if len(data) >= FLUSH_AT:
                self._transport.write(data)
                return
            self._held, self._held_bytes = [data], len(data)
            self._loop.call_soon(self.flush)
            return
        self._held.append(data)
        self._held_bytes += len(data)
        if self._held_bytes >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write what is held (called at the end of the turn, and before anything that ends the stream)."""
        held, self._held = self._held, None
        if held and not self._transport.is_closing():  # a connection already lost has no one to read it
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + (self._held_bytes if self._held else 0)

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, pause_reading, set_protocol...
        return getattr(self._transport, name)
