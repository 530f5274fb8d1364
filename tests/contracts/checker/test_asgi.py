"""The in-process request hands an app what a server would, and gives back all of its answer."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from contracts.checker import asgi
from mockserver.app import create_app
from mockserver.decisions.security import mint_token


def run(app: Any, url: str, headers: dict[str, str] | None = None, body: bytes = b"") -> asgi.Response:
    return asyncio.run(asgi.request(app, "POST", url, headers or {}, body))


def test_the_scope_carries_the_url_the_headers_and_the_body_length_as_a_server_builds_them() -> None:
    scope = asgi.scope_of("POST", "http://testserver:8080/v1/accounts/P 1%41/x?a=1", {"X-Thing": "yes"}, b"{}")
    assert scope["method"] == "POST" and scope["scheme"] == "http" and scope["server"] == ("testserver", 8080)
    assert scope["raw_path"] == b"/v1/accounts/P%201%41/x"  # encoded where it must be, an escape kept as sent
    assert scope["path"] == "/v1/accounts/P 1A/x" and scope["query_string"] == b"a=1"
    assert scope["headers"] == [(b"host", b"testserver:8080"), (b"content-length", b"2"), (b"x-thing", b"yes")]


def test_a_streamed_answer_is_collected_whole_and_the_disconnect_comes_only_after_it() -> None:
    seen: list[str] = []

    async def app(scope: dict, receive: Any, send: Any) -> None:
        request = await receive()
        seen.append(request["type"])
        await send({"type": "http.response.start", "status": 201, "headers": [(b"X-Answer", b"two parts")]})
        await send({"type": "http.response.body", "body": request["body"], "more_body": True})
        await send({"type": "http.response.body", "body": b"!"})
        seen.append((await receive())["type"])

    answer = run(app, "http://testserver/echo", body=b"hello")
    assert (answer.status, answer.body, answer.header("X-ANSWER")) == (201, b"hello!", "two parts")
    assert seen == ["http.request", "http.disconnect"]


def test_an_app_that_raises_raises_to_the_caller() -> None:
    async def app(scope: dict, receive: Any, send: Any) -> None:
        raise RuntimeError("broken app")

    with pytest.raises(RuntimeError, match="broken app"):
        run(app, "http://testserver/")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/accounts/P12345678/insight/generate-report", b'{"dataType": "checkout"}'),
        ("/v1/accounts/P12345678/insight/generate-report", b"not json"),
        ("/v1/accounts/X1/insight/generate-report", b"{}"),
        ("/accounts/P12345678/insight/generate-report", b"{}"),
    ],
)
def test_the_mock_answers_it_as_it_answers_httpx(path: str, body: bytes) -> None:
    """A second road to the same app: httpx's own ASGI transport must get the same status, type and body."""
    app = create_app()
    headers = {"Authorization": f"Bearer {mint_token(('write:insight',))}", "Content-Type": "application/json"}

    async def through_httpx() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            return await client.post(path, content=body, headers=headers)

    ours, theirs = run(app, "http://testserver" + path, headers, body), asyncio.run(through_httpx())
    assert ours.status == theirs.status_code and ours.header("content-type") == theirs.headers["content-type"]
    assert ours.body == theirs.content
