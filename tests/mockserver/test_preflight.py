"""A browser page and the mock over real HTTP: failed CORS preflights say why, in the Error shape."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import start_mock, stop

pytestmark = pytest.mark.live

PATH = "/v1/accounts/P12345678/insight/generate-report"
ALLOWED = "http://localhost:5173"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}


@pytest.fixture(scope="module")
def with_cors() -> Iterator[str]:
    process, base = start_mock("--cors-origin", ALLOWED)
    yield base.removesuffix("/v1")
    stop(process)


def preflight(root: str, origin: str, **headers: str) -> httpx.Response:
    return httpx.options(root + PATH, headers={**PREFLIGHT, "Origin": origin, **headers})


def test_a_preflight_to_the_default_server_says_to_start_it_with_cors_origin(live_mock: str) -> None:
    response = preflight(live_mock.removesuffix("/v1"), ALLOWED)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "CORS_NOT_ENABLED"
    assert f"--cors-origin {ALLOWED}" in error["message"]
    assert "access-control-allow-origin" not in response.headers


def test_an_options_request_that_is_not_a_preflight_is_still_a_405(live_mock: str) -> None:
    response = httpx.options(live_mock + "/accounts/P12345678/insight/generate-report")
    assert response.status_code == 405 and response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_a_refused_origin_gets_the_error_shape_naming_the_allowed_origins(with_cors: str) -> None:
    response = preflight(with_cors, "https://evil.example")
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "CORS_REFUSED"
    assert "the origin https://evil.example is not allowed" in error["message"] and ALLOWED in error["message"]
    assert "--cors-origin https://evil.example" in error["message"]
    assert int(response.headers["content-length"]) == len(response.content)
    assert "access-control-allow-origin" not in response.headers


def test_a_refused_request_header_gets_the_error_shape_and_keeps_the_cors_headers(with_cors: str) -> None:
    response = preflight(with_cors, ALLOWED, **{"Access-Control-Request-Headers": "x-secret"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "CORS_REFUSED"
    message = response.json()["error"]["message"]
    assert "'x-secret' is not allowed" in message and "Authorization" in message and "Prefer" in message
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_an_allowed_preflight_still_succeeds(with_cors: str) -> None:
    response = preflight(with_cors, ALLOWED)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == ALLOWED


@pytest.mark.parametrize("path", ["/v1", "/v1/"])
def test_the_api_base_leads_to_swagger_ui(live_mock: str, path: str) -> None:
    response = httpx.get(live_mock.removesuffix("/v1") + path)
    assert response.status_code == 307 and response.headers["location"] == "/v1/ui/"
    followed = httpx.get(live_mock.removesuffix("/v1") + path, follow_redirects=True)
    assert followed.status_code == 200 and "swagger-ui" in followed.text


def test_a_post_to_the_api_base_is_not_redirected(live_mock: str) -> None:
    assert httpx.post(live_mock + "/", json={}).status_code in (404, 405)
