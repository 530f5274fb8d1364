"""The coalescing transport: what a connection writes in one loop turn reaches the socket as one write, in order.

The last tests run uvicorn's protocols as our servers configure them (``uvicorn_options``) on a recording transport:
a whole answer, head and body, is one write with either HTTP parser.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import uvicorn
from uvicorn.server import ServerState

from contracts.testing.live import MONTHLY, VALID_AID
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.edge.coalescing import FLUSH_AT, CoalescingTransport
from mockserver.edge.protocols import uvicorn_options
from mockserver.settings import Settings

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the transport is an asyncio one: uvicorn runs on asyncio (uvloop)


class RecordingTransport(asyncio.Transport):
    """What reached the "socket": one entry per write, and the calls that end the stream."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.calls: list[str] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def write_eof(self) -> None:
        self.calls.append("write_eof")

    def can_write_eof(self) -> bool:
        return True

    def close(self) -> None:
        self.calls.append("close")
        self.closing = True

    def abort(self) -> None:
        self.calls.append("abort")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0

    def pause_reading(self) -> None:
        self.calls.append("pause_reading")

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 50000)}.get(name, default)


async def one_turn() -> None:
    await asyncio.sleep(0)


def coalescing() -> tuple[CoalescingTransport, RecordingTransport]:
    inner = RecordingTransport()
    return CoalescingTransport(inner, asyncio.get_running_loop()), inner


async def test_writes_made_in_one_turn_leave_as_one_write_in_their_order() -> None:
    transport, inner = coalescing()
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"{}")
    assert inner.writes == []
    await one_turn()
    assert inner.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]


async def test_writes_of_later_turns_are_not_held_back_by_earlier_ones() -> None:
    transport, inner = coalescing()
    transport.write(b"a")
    await one_turn()
    transport.write(b"b")
    await one_turn()
    assert inner.writes == [b"a", b"b"]


async def test_a_large_write_goes_out_at_once_after_what_was_held() -> None:
    transport, inner = coalescing()
    transport.write(b"head")
    transport.write(b"x" * FLUSH_AT)
    assert inner.writes == [b"head" + b"x" * FLUSH_AT]
    big = b"y" * FLUSH_AT
    transport.write(big)
    assert inner.writes[-1] == big
    await one_turn()
    assert len(inner.writes) == 2


async def test_closing_or_ending_the_stream_writes_what_is_held_first() -> None:
    transport, inner = coalescing()
    transport.write(b"last words")
    transport.write_eof()
    transport.close()
    assert inner.writes == [b"last words"]
    assert inner.calls == ["write_eof", "close"]
    await one_turn()
    assert inner.writes == [b"last words"]


async def test_abort_drops_what_is_held() -> None:
    transport, inner = coalescing()
    transport.write(b"never sent")
    transport.abort()
    await one_turn()
    assert inner.writes == []
    assert inner.calls == ["abort"]


async def test_nothing_is_written_to_a_connection_lost_before_the_turn_ended() -> None:
    transport, inner = coalescing()
    transport.write(b"too late")
    inner.closing = True
    await one_turn()
    assert inner.writes == []


async def test_the_buffer_size_counts_what_is_held_and_other_calls_reach_the_socket() -> None:
    transport, inner = coalescing()
    transport.write(b"12345")
    assert transport.get_write_buffer_size() == 5
    transport.pause_reading()
    assert inner.calls == ["pause_reading"]
    assert transport.get_extra_info("peername") == ("127.0.0.1", 50000)


def report_request() -> bytes:
    body = json.dumps(MONTHLY).encode()
    return (
        f"POST /v1/accounts/{VALID_AID}/insight/generate-report HTTP/1.1\r\nhost: 127.0.0.1:8080\r\n"
        f"authorization: Bearer {mint_token(('write:insight',))}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize("parser", ["httptools", "h11"])
async def test_an_answer_of_the_mock_is_one_write_with_either_parser(parser: str) -> None:
    config = uvicorn.Config(create_app(Settings()), lifespan="off", **uvicorn_options(parser))
    config.load()
    protocol = config.http_protocol_class(  # type: ignore[call-arg]
        config=config, server_state=ServerState(), app_state={}, _loop=asyncio.get_running_loop()
    )
    inner = RecordingTransport()
    protocol.connection_made(inner)
    protocol.data_received(report_request())
    for _ in range(100):
        await one_turn()
        if inner.writes:
            break
    await one_turn()
    assert len(inner.writes) == 1
    head, _, body = inner.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["schedule"] == MONTHLY["schedule"]
    protocol.connection_lost(None)
