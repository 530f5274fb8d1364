"""Headers over 16 KiB in total get a 431 in the Error shape, on the mock and the proxy, over real HTTP.

Two sizes: 20 KiB reaches the app (which answers, CORS headers included); 1 MiB is cut by the HTTP protocol before the
app sees it (httptools has no limit of its own, h11 answers plain text) and still gets the same Error body.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contracts.testing.live import MONTHLY
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.edge.header_limit import MAX_HEADER_BYTES
from mockserver.edge.protocols import uvicorn_options
from mockserver.settings import Settings
from tests.conftest import start_mock, start_proxy, stop
from tests.mockserver.test_proxy import serving

pytestmark = pytest.mark.live

PATH = "/v1/accounts/P12345678/insight/generate-report"
AUTH = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
ORIGIN = "http://localhost:5173"


def raw_exchange(origin: str, head_padding: int) -> tuple[int, dict[str, str], dict[str, Any]]:
    """POST with one padding header of ``head_padding`` bytes over a raw socket; status, headers, JSON body."""
    host, port = origin.removeprefix("http://").split(":")
    body = json.dumps(MONTHLY).encode()
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {AUTH['Authorization']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\nX-Padding: "
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as client:
        with contextlib.suppress(ConnectionError):  # the server may answer and close before it has read it all
            client.sendall(head + b"p" * head_padding + b"\r\n\r\n" + body)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    head_part, _, payload = answer.partition(b"\r\n\r\n")
    lines = head_part.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(payload)


def assert_431(status: int, headers: dict[str, str], body: dict[str, Any]) -> None:
    assert status == 431
    assert headers["content-type"] == "application/json"
    assert body["error"]["code"] == "REQUEST_HEADER_FIELDS_TOO_LARGE"
    assert "16384 bytes" in body["error"]["message"]


@pytest.fixture(scope="module")
def mock() -> Iterator[str]:
    process, base = start_mock("--cors-origin", ORIGIN)
    yield base.removesuffix("/v1")
    stop(process)


def test_headers_just_under_16_kib_are_served(mock: str) -> None:
    padding = "p" * (MAX_HEADER_BYTES - 1024)
    assert httpx.post(mock + PATH, json=MONTHLY, headers={**AUTH, "X-Padding": padding}).status_code == 200


def test_20_kib_of_headers_get_a_431_the_browser_can_read(mock: str) -> None:
    response = httpx.post(
        mock + PATH, json=MONTHLY, headers={**AUTH, "Origin": ORIGIN, "Cookie": "session=" + "c" * 20_000}
    )
    assert_431(response.status_code, dict(response.headers), response.json())
    assert "20" in response.json()["error"]["message"]  # says how large they were
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_a_megabyte_of_headers_is_cut_off_with_the_same_431(mock: str) -> None:
    assert_431(*raw_exchange(mock, 1024 * 1024))
    assert httpx.post(mock + PATH, json=MONTHLY, headers=AUTH).status_code == 200  # and the server is fine


@pytest.mark.parametrize("protocol", ["httptools", "h11"])
@pytest.mark.parametrize("padding", [20_000, 1024 * 1024], ids=["20 KiB", "1 MiB"])
def test_either_http_parser_answers_431(protocol: str, padding: int) -> None:
    with serving(create_app(Settings()), **uvicorn_options(protocol)) as origin:
        assert_431(*raw_exchange(origin, padding))


def test_the_proxy_answers_431_too(mock: str) -> None:
    process, proxy = start_proxy(mock)
    try:
        assert httpx.post(proxy + PATH, json=MONTHLY, headers=AUTH).status_code == 200
        for padding in (20_000, 1024 * 1024):
            assert_431(*raw_exchange(proxy, padding))
    finally:
        stop(process)
