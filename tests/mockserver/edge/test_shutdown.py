"""Ctrl-C with a request in flight, over real HTTP: the client gets the 503 Error JSON; no traceback is printed."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from contracts.testing.live import MONTHLY
from mockserver.decisions.security import mint_token
from tests.conftest import start_mock, start_proxy, stop
from tests.mockserver.test_proxy import serving

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]

PATH = "/v1/accounts/P12345678/insight/generate-report"
AUTH = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
TROUBLE = ("Traceback", "Exception in ASGI application", "ERROR")


def slow_request(root: str) -> httpx.Response:
    return httpx.post(root + PATH, json=MONTHLY, headers={**AUTH, "Prefer": "delay=30000"}, timeout=60)


def interrupt_with_a_request_in_flight(process: subprocess.Popen[bytes], root: str) -> tuple[httpx.Response, str]:
    """Send a request the server holds for 30 s, press Ctrl-C while it waits; the answer and all the server printed.

    The answer must come long before the delay ends: the wait for it gives up after 20 s.
    """
    output: list[bytes] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True)
    reader.start()
    with ThreadPoolExecutor(max_workers=1) as pool:
        answer: Future[httpx.Response] = pool.submit(slow_request, root)
        time.sleep(1.0)  # the request is in flight, waiting on its delay
        assert not answer.done()
        process.send_signal(signal.SIGINT)
        response = answer.result(timeout=20)
    process.wait(timeout=20)
    reader.join(timeout=5)
    return response, b"".join(output).decode(errors="replace")


def assert_stopping_answer(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert response.headers["connection"] == "close"
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE" and "stopping" in error["message"]


def test_ctrl_c_answers_the_request_in_flight_with_a_503_and_prints_no_traceback() -> None:
    process, base = start_mock(pipe=True)
    try:
        response, output = interrupt_with_a_request_in_flight(process, base.removesuffix("/v1"))
    finally:
        stop(process)
    assert_stopping_answer(response)
    assert [line for line in output.splitlines() if any(word in line for word in TROUBLE)] == [], output
    assert "1 request(s) in flight" in output


def test_ctrl_c_on_the_proxy_answers_the_exchange_in_flight_with_a_503(live_mock: str) -> None:
    process, proxy = start_proxy(live_mock, pipe=True)
    try:
        response, output = interrupt_with_a_request_in_flight(process, proxy)
    finally:
        stop(process)
    assert_stopping_answer(response)
    assert [line for line in output.splitlines() if any(word in line for word in TROUBLE)] == [], output


async def _slow_download(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"x" * 1024
            await asyncio.sleep(0.1)

    return StreamingResponse(chunks(), media_type="application/octet-stream")


def test_ctrl_c_during_a_download_through_the_proxy_cuts_it_short_without_an_error() -> None:
    upstream_app = Starlette(routes=[Route("/download", _slow_download)])
    with serving(upstream_app) as upstream:
        process, proxy = start_proxy(upstream, pipe=True)
        try:
            with httpx.stream("GET", f"{proxy}/download", timeout=30) as response:
                assert response.status_code == 200
                chunks = response.iter_bytes()
                next(chunks)  # the download is under way
                process.send_signal(signal.SIGINT)
                with pytest.raises(httpx.RemoteProtocolError):  # cut short: the client knows it is incomplete
                    for _ in chunks:
                        pass
            output = process.communicate(timeout=20)[0].decode(errors="replace")
        finally:
            stop(process)
    assert [line for line in output.splitlines() if any(word in line for word in TROUBLE)] == [], output
    assert "cut short by the shutdown" in output
