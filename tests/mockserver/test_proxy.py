"""The validating proxy over real HTTP on 127.0.0.1: in front of our mock, and in front of deliberately wrong upstreams.

Every server here is real: the mock is a process (``live_mock``), the proxies and the wrong upstreams are uvicorn
servers in threads, the broken ones are raw sockets that speak bad HTTP on purpose.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from contracts.model import validation
from contracts.model.contract import default_contract
from contracts.testing.live import MONTHLY, free_port, wait_until_serving
from mockserver.decisions.security import mint_token
from mockserver.proxy.app import create_proxy_app
from mockserver.proxy.cli import register
from mockserver.proxy.violations import HEADER, decode_header
from tests.conftest import ROOT, TLS

pytestmark = pytest.mark.live

PATH = "/v1/accounts/P12345678/insight/generate-report"
VALID = MONTHLY
ORDERS_MONTHLY = {**VALID, "dataType": "orders/orderoperations"}
WRONG_WINDOW = {**VALID, "to": "2026-11-30"}
TOKEN = mint_token(("write:insight",))
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SLOW_SECONDS = 3.0
PROXY_TIMEOUT = 1.0


# --- servers ---------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(app: ASGIApp, *, proxy: bool = False, **options: Any) -> Iterator[str]:
    """An ASGI app served by uvicorn in a thread on a free port (``options``: more uvicorn settings); its origin."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="critical",
        lifespan="on",
        server_header=not proxy,  # as `insight-mock proxy` runs it: the upstream's Server and Date are passed on
        date_header=not proxy,
        timeout_graceful_shutdown=1,
        **options,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("a test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A one-thread TCP server that reads a request's head, then does ``answer`` on the socket: bad HTTP on purpose."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stopping = threading.Event()

    def loop() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                received = b""
                while b"\r\n\r\n" not in received and (chunk := connection.recv(65536)):
                    received += chunk
                answer(connection)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()


# --- a deliberately wrong upstream: the request's X-Behave header picks how it is wrong -------------------------------


class WrongUpstream:
    def __init__(self) -> None:
        self.calls = 0
        self.app = Starlette(
            routes=[
                Route("/v1/accounts/{aid}/insight/generate-report", self.report, methods=["POST"]),
                Route("/echo-headers", self.echo_headers, methods=["GET", "POST"]),
                Route("/download", self.download),
            ]
        )

    async def report(self, request: Request) -> Response:
        self.calls += 1
        sent = json.loads(await request.body())
        echo = validation.accepted_params(default_contract(), sent)
        behave = request.headers.get("x-behave", "right")
        if behave == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        if behave == "422":
            return JSONResponse({"error": {"code": "UNPROCESSABLE", "message": "no"}}, status_code=422)
        if behave == "201":
            return JSONResponse(echo, status_code=201)
        if behave == "problem":
            problem = {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "the window is wrong"}
            return JSONResponse(problem, status_code=400, media_type="application/problem+json")
        if behave == "bad-echo":
            return JSONResponse({**echo, "language": "en"})  # VALID asks for "no"
        if behave == "huge":
            return JSONResponse({**echo, "padding": "x" * 200_000})
        if behave == "gzip":
            body = gzip.compress(json.dumps(echo).encode())
            return Response(body, headers={"Content-Encoding": "gzip"}, media_type="application/json")
        return JSONResponse(echo)

    async def echo_headers(self, request: Request) -> Response:
        self.calls += 1
        return JSONResponse({"headers": request.headers.items(), "body": (await request.body()).decode()})

    async def download(self, request: Request) -> Response:
        async def chunks() -> Any:
            for index in range(80):  # 5 MiB in 64 KiB pieces
                yield bytes([index]) * 65536

        return StreamingResponse(chunks(), media_type="application/octet-stream")


@pytest.fixture(scope="module")
def wrong() -> Iterator[tuple[WrongUpstream, str]]:
    upstream = WrongUpstream()
    with serving(upstream.app) as origin:
        yield upstream, origin


@pytest.fixture(scope="module")
def mock_origin(live_mock: str) -> str:
    return live_mock.removesuffix("/v1")


@pytest.fixture(scope="module")
def proxy(mock_origin: str) -> Iterator[str]:
    with serving(create_proxy_app(mock_origin), proxy=True) as origin:
        yield origin


@pytest.fixture(scope="module")
def enforcing(mock_origin: str) -> Iterator[str]:
    with serving(create_proxy_app(mock_origin, "enforce"), proxy=True) as origin:
        yield origin


@pytest.fixture(scope="module")
def proxy_to_wrong(wrong: tuple[WrongUpstream, str]) -> Iterator[str]:
    with serving(create_proxy_app(wrong[1], timeout=PROXY_TIMEOUT), proxy=True) as origin:
        yield origin


@pytest.fixture(scope="module")
def enforcing_to_wrong(wrong: tuple[WrongUpstream, str]) -> Iterator[str]:
    with serving(create_proxy_app(wrong[1], "enforce", timeout=PROXY_TIMEOUT), proxy=True) as origin:
        yield origin


def post(origin: str, body: object = VALID, path: str = PATH, **headers: str) -> httpx.Response:
    return httpx.post(origin + path, json=body, headers={**AUTH, **headers}, timeout=10, verify=TLS)


def violations(response: httpx.Response) -> list[dict[str, Any]]:
    return decode_header(response.headers.get(HEADER))


def journal(origin: str) -> list[dict[str, Any]]:
    return list(httpx.get(origin + "/_proxy/requests", timeout=5).json()["requests"])


def without_date(response: httpx.Response) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, value in response.headers.raw if name.lower() != b"date"]


# --- in front of our mock --------------------------------------------------------------------------------------------


def test_valid_traffic_has_no_violations_and_is_byte_identical_to_a_direct_call(proxy: str, mock_origin: str) -> None:
    direct, proxied = post(mock_origin), post(proxy)
    assert proxied.status_code == direct.status_code == 200
    assert HEADER not in proxied.headers  # Prism's convention: no header when the exchange kept the contract
    assert proxied.content == direct.content
    assert without_date(proxied) == without_date(direct)


def test_a_report_download_streams_through_the_proxy_unchanged(proxy: str, mock_origin: str) -> None:
    link = post(mock_origin, {**VALID, "contentType": "application/pdf"}).headers["x-mock-report-url"]
    direct = httpx.get(link, timeout=30)
    proxied = httpx.get(link.replace(mock_origin, proxy), timeout=30)
    assert proxied.status_code == direct.status_code == 200 and HEADER not in proxied.headers
    assert proxied.content == direct.content and proxied.content.startswith(b"%PDF")
    assert journal(proxy)[0]["operation"] is None  # not in the contract: forwarded, not judged


def test_orders_with_a_monthly_schedule_is_named_in_the_header_and_the_mocks_400_passes(proxy: str) -> None:
    response = post(proxy, ORDERS_MONTHLY)
    assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_BODY"
    (violation,) = violations(response)
    assert violation["location"] == ["request", "body", "schedule"] and violation["code"] == "enum"
    entry = journal(proxy)[0]
    assert entry["violations"] == [violation] and entry["outcome"] == "forwarded" and entry["upstream_status"] == 400


def test_a_wrong_window_is_named_by_its_rule_with_the_right_value(proxy: str) -> None:
    response = post(proxy, WRONG_WINDOW)
    assert response.status_code == 400 and response.json()["error"]["code"] == "INVALID_PERIOD"
    (violation,) = violations(response)
    assert violation["code"] == "window-end" and "2026-12-01" in violation["message"]


def test_non_ascii_in_a_violation_is_escaped_so_the_header_stays_visible_ascii(proxy: str) -> None:
    response = post(proxy, {**VALID, "language": "nø"})
    raw = response.headers.raw
    value = next(value for name, value in raw if name.lower() == HEADER.encode())
    assert all(0x20 <= byte <= 0x7E for byte in value) and b"\\u00f8" in value
    assert "'nø'" in violations(response)[0]["message"]


def test_the_journal_is_newest_first_and_never_holds_a_token(proxy: str) -> None:
    post(proxy, WRONG_WINDOW, path=PATH + "?access_token=s3cret")
    post(proxy, VALID)
    newest, older = journal(proxy)[:2]
    assert newest["violations"] == [] and older["violations"][0]["code"] == "window-end"
    assert json.loads(newest["body"]) == VALID and json.loads(older["body"]) == WRONG_WINDOW  # what the app sent
    assert older["query"] == "access_token=(redacted)" and older["authorization"] == "bearer (redacted)"
    assert (
        TOKEN not in httpx.get(proxy + "/_proxy/requests").text
        and "s3cret" not in httpx.get(proxy + "/_proxy/requests").text
    )


def test_a_body_with_hundreds_of_problems_keeps_the_header_and_the_journal_entry_bounded(proxy: str) -> None:
    response = post(proxy, {**VALID, "reportFilters": [{"filter": "bad", "values": ["x"]}] * 300})
    listed = violations(response)
    assert response.status_code == 400 and len(response.headers[HEADER]) < 8 * 1024
    # 600 request problems; the mock's answer lists 50 of them, small enough to validate (and it keeps the contract)
    assert listed[-1]["code"] == "truncated" and int(listed[-1]["message"].split()[0]) + len(listed) - 1 == 600
    journalled = journal(proxy)[0]["violations"]
    assert len(journalled) == 51 and journalled[-1]["message"] == "550 more violation(s)"


def test_the_journal_can_be_emptied(proxy: str) -> None:
    post(proxy)
    assert httpx.delete(proxy + "/_proxy/requests").json()["removed"] >= 1
    assert journal(proxy) == []


def test_enforce_mode_refuses_a_breaking_request_itself_without_forwarding_it(enforcing: str, mock_origin: str) -> None:
    httpx.delete(mock_origin + "/_mock/requests")
    response = post(enforcing, ORDERS_MONTHLY)
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "INVALID_BODY" and error["errors"][0]["path"] == "/schedule"
    assert violations(response)[0]["code"] == "enum"
    assert httpx.get(mock_origin + "/_mock/requests").json()["count"] == 0  # the mock never saw it
    assert journal(enforcing)[0]["outcome"] == "refused"


def test_the_proxys_own_answer_is_readable_by_the_browser_page_that_asked(enforcing: str) -> None:
    response = post(enforcing, ORDERS_MONTHLY, Origin="http://localhost:5173")
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert response.headers["access-control-expose-headers"] == HEADER


def test_enforce_mode_answers_a_missing_token_with_the_contracts_401(enforcing: str, mock_origin: str) -> None:
    httpx.delete(mock_origin + "/_mock/requests")
    response = httpx.post(enforcing + PATH, json=VALID, timeout=10)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert httpx.get(mock_origin + "/_mock/requests").json()["count"] == 0


def test_enforce_mode_forwards_valid_traffic_unchanged(enforcing: str, mock_origin: str) -> None:
    direct, proxied = post(mock_origin), post(enforcing)
    assert proxied.status_code == 200 and proxied.content == direct.content and HEADER not in proxied.headers


def test_the_contracts_own_server_url_as_upstream_does_not_double_the_base_path(mock_origin: str) -> None:
    for upstream in (mock_origin + "/v1", mock_origin + "/v1/"):
        with serving(create_proxy_app(upstream), proxy=True) as origin:
            response = post(origin)
            assert response.status_code == 200 and HEADER not in response.headers, upstream
            assert journal(origin)[0]["upstream_status"] == 200


async def _path_seen(request: Request) -> Response:
    return JSONResponse({"path": request.url.path})


@pytest.mark.parametrize(
    ("suffix", "seen"),
    [
        ("", "/v1/x"),  # an origin: the path as sent
        ("/v1", "/v1/x"),  # the contract's server URL: /v1 once
        ("/api", "/api/v1/x"),  # another prefix: kept, the path appended
        ("/api/v1", "/api/v1/x"),  # a prefix and then the server URL's path
    ],
)
def test_where_a_request_goes_for_each_kind_of_upstream(suffix: str, seen: str) -> None:
    upstream_app = Starlette(routes=[Route("/{path:path}", _path_seen)])
    with serving(upstream_app) as upstream, serving(create_proxy_app(upstream + suffix), proxy=True) as origin:
        assert httpx.get(origin + "/v1/x", timeout=10).json() == {"path": seen}


# --- in front of wrong upstreams -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("behave", "status"), [("422", 422), ("201", 201)])
def test_an_undeclared_status_is_reported_and_passed_through(proxy_to_wrong: str, behave: str, status: int) -> None:
    response = post(proxy_to_wrong, **{"X-Behave": behave})
    assert response.status_code == status
    (violation,) = violations(response)
    assert (
        violation["location"] == ["response", "status"] and f"status {status} is not declared" in violation["message"]
    )


def test_a_problem_json_error_is_reported_as_the_wrong_media_type(proxy_to_wrong: str) -> None:
    response = post(proxy_to_wrong, WRONG_WINDOW, **{"X-Behave": "problem"})
    assert response.status_code == 400 and response.json()["title"] == "Bad Request"
    assert [v["location"] for v in violations(response)] == [
        ["request", "body", "to"],
        ["response", "header", "content-type"],
    ]


def test_an_echo_that_differs_from_the_request_is_reported(proxy_to_wrong: str) -> None:
    response = post(proxy_to_wrong, **{"X-Behave": "bad-echo"})
    assert response.status_code == 200 and response.json()["language"] == "en"
    assert [v["code"] for v in violations(response)] == ["echo"]


def test_a_gzip_answer_is_validated_after_decoding_and_passed_on_still_encoded(proxy_to_wrong: str) -> None:
    response = post(proxy_to_wrong, **{"X-Behave": "gzip", "Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert HEADER not in response.headers and response.json()["dataType"] == VALID["dataType"]


def test_an_answer_too_large_to_keep_is_passed_through_and_reported_not_validated(proxy_to_wrong: str) -> None:
    response = post(proxy_to_wrong, **{"X-Behave": "huge"})
    assert response.status_code == 200 and len(response.json()["padding"]) == 200_000
    (violation,) = violations(response)
    assert violation["severity"] == "Warning" and violation["message"].startswith("not validated: larger than")


def test_a_request_too_large_to_keep_is_forwarded_whole_and_reported_not_validated(proxy_to_wrong: str) -> None:
    response = post(proxy_to_wrong, {**VALID, "padding": "y" * 100_000})
    assert response.status_code == 200 and len(response.json()["padding"]) == 100_000
    assert [(v["location"], v["severity"]) for v in violations(response)] == [
        (["request", "body"], "Warning"),
        (["response", "body"], "Warning"),
    ]


def test_a_chunked_upload_is_forwarded_with_its_body(proxy_to_wrong: str) -> None:
    def pieces() -> Iterator[bytes]:
        yield b"hel"
        yield b"lo"

    response = httpx.post(proxy_to_wrong + "/echo-headers", content=pieces(), timeout=10)
    assert response.json()["body"] == "hello"


def test_a_large_download_outside_the_contract_streams_through(proxy_to_wrong: str) -> None:
    with httpx.stream("GET", proxy_to_wrong + "/download", timeout=10) as response:
        received = b"".join(response.iter_raw())
    assert len(received) == 80 * 65536 and received[-1] == 79


def test_hop_by_hop_headers_are_dropped_host_is_the_upstream_and_the_rest_is_forwarded(
    proxy_to_wrong: str, wrong: tuple[WrongUpstream, str]
) -> None:
    headers = {"Connection": "keep-alive, X-Private", "X-Private": "1", "Proxy-Authorization": "Basic x", "X-Keep": "2"}
    response = httpx.post(proxy_to_wrong + "/echo-headers?q=%20a", content=b"hello", headers=headers, timeout=10)
    received = dict(response.json()["headers"])
    assert received["host"] == wrong[1].removeprefix("http://") and received["x-keep"] == "2"
    assert "x-private" not in received and "proxy-authorization" not in received
    assert "user-agent" in received and received["user-agent"].startswith("python-httpx")  # the client's, not ours
    assert response.json()["body"] == "hello"


def test_a_slow_upstream_becomes_a_504_naming_it(proxy_to_wrong: str, wrong: tuple[WrongUpstream, str]) -> None:
    response = post(proxy_to_wrong, **{"X-Behave": "slow"})
    assert response.status_code == 504
    error = response.json()["error"]
    assert error["code"] == "GATEWAY_TIMEOUT" and wrong[1] in error["message"]


def test_a_refused_connection_becomes_a_502_naming_the_upstream() -> None:
    nobody = f"http://127.0.0.1:{free_port()}"
    with serving(create_proxy_app(nobody, timeout=PROXY_TIMEOUT), proxy=True) as origin:
        response = post(origin)
        entry = journal(origin)[0]
    assert response.status_code == 502 and response.headers["content-type"] == "application/json"
    assert response.json()["error"]["message"].startswith(f"cannot connect to the upstream {nobody}")
    assert entry["outcome"] == "failed" and entry["status"] == 502 and entry["upstream_status"] is None


def _drop_mid_body(connection: socket.socket) -> None:
    connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"dataType"')


def _not_http(connection: socket.socket) -> None:
    connection.sendall(b"this is not HTTP at all\r\n\r\n")


@pytest.mark.parametrize(("answer", "words"), [(_drop_mid_body, "broke off"), (_not_http, "broke off")])
def test_an_upstream_that_breaks_http_becomes_a_502(answer: Callable[[socket.socket], None], words: str) -> None:
    with (
        raw_server(answer) as upstream,
        serving(create_proxy_app(upstream, timeout=PROXY_TIMEOUT), proxy=True) as origin,
    ):
        response = post(origin)
        entry = journal(origin)[0]
    assert response.status_code == 502 and words in response.json()["error"]["message"]
    assert entry["outcome"] == "failed" and upstream in entry["error"]


def test_a_connection_dropped_mid_download_is_cut_for_the_client_too() -> None:
    with raw_server(_drop_mid_body) as upstream, serving(create_proxy_app(upstream), proxy=True) as origin:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(origin + "/download", timeout=10)
        entry = journal(origin)[0]
    assert entry["outcome"] == "failed" and entry["status"] is None and "broke off" in entry["error"]


def test_a_tls_upstream_that_does_not_speak_tls_becomes_a_502(wrong: tuple[WrongUpstream, str]) -> None:
    upstream = wrong[1].replace("http://", "https://")
    with serving(create_proxy_app(upstream, timeout=PROXY_TIMEOUT), proxy=True) as origin:
        response = post(origin)
    assert response.status_code == 502 and "TLS handshake with the upstream" in response.json()["error"]["message"]


@pytest.mark.parametrize("behave", ["422", "201", "problem", "bad-echo"])
def test_enforce_mode_replaces_a_breaking_answer_with_a_502_that_explains_it(
    enforcing_to_wrong: str, behave: str
) -> None:
    response = post(enforcing_to_wrong, **{"X-Behave": behave})
    assert response.status_code == 502 and response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "UPSTREAM_CONTRACT_VIOLATION" and "which breaks the contract" in error["message"]
    assert error["errors"] and violations(response)
    assert journal(enforcing_to_wrong)[0]["outcome"] == "replaced"


def test_enforce_mode_passes_a_too_large_answer_through_with_its_warning(enforcing_to_wrong: str) -> None:
    response = post(enforcing_to_wrong, **{"X-Behave": "huge"})
    assert response.status_code == 200 and violations(response)[0]["severity"] == "Warning"


def test_enforce_mode_never_calls_the_upstream_for_a_breaking_request(
    enforcing_to_wrong: str, wrong: tuple[WrongUpstream, str]
) -> None:
    before = wrong[0].calls
    assert post(enforcing_to_wrong, WRONG_WINDOW).status_code == 400
    assert wrong[0].calls == before


# --- the command line ------------------------------------------------------------------------------------------------


def test_the_proxy_command_serves_the_proxy(mock_origin: str) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mockserver.proxy.cli", "proxy", "--upstream", mock_origin, "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(origin + "/_proxy/requests", process, 20.0)
        response = post(origin, ORDERS_MONTHLY)
        assert response.status_code == 400 and violations(response)[0]["code"] == "enum"
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert f"-> {mock_origin}" in output and "/_proxy/requests" in output


def test_the_proxy_command_refuses_an_upstream_that_is_not_a_url() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver.proxy.cli", "proxy", "--upstream", "ftp://x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "must be an http:// or https:// URL" in result.stderr


def test_register_adds_the_proxy_command_with_its_defaults_to_any_parser() -> None:
    root = argparse.ArgumentParser()
    register(root.add_subparsers(dest="command", required=True))
    args = root.parse_args(["proxy", "--upstream", "http://127.0.0.1:8080"])
    assert (args.host, args.port, args.mode, args.timeout, args.max_validated_kib) == (
        "127.0.0.1",
        8081,
        "report",
        30.0,
        64,
    )
    assert callable(args.run)
