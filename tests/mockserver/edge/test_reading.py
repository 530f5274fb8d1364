"""Reading a request off ASGI: the body within its size limit, also when chunked, and a client that leaves."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Receive

from mockserver.decisions.errors import PayloadTooLarge
from mockserver.edge import reading


def chunks(*parts: bytes) -> Receive:
    messages = [
        {"type": "http.request", "body": part, "more_body": index < len(parts) - 1} for index, part in enumerate(parts)
    ]

    async def receive() -> dict[str, object]:
        return messages.pop(0)

    return receive  # type: ignore[return-value]


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit() -> None:
    with pytest.raises(PayloadTooLarge):
        asyncio.run(reading.read_body(chunks(b"a" * 60, b"a" * 60), limit=100))
    assert asyncio.run(reading.read_body(chunks(b"a" * 50, b"a" * 50), limit=100)) == b"a" * 100


def test_a_client_that_disconnects_mid_body_is_noticed() -> None:
    async def receive() -> dict[str, object]:
        return {"type": "http.disconnect"}

    with pytest.raises(reading.ClientDisconnected):
        asyncio.run(reading.read_body(receive, limit=100))  # type: ignore[arg-type]
