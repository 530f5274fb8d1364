"""Each frontend control over real HTTP on 127.0.0.1: Prefer, latency, faults, CORS, the journal, clean stops."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator

import httpx
import pytest

from contracts.testing.live import MONTHLY
from mockserver.decisions.security import mint_token
from tests.conftest import TLS, output_of, start_mock, stop

PATH = "/accounts/P12345678/insight/generate-report"
VALID = MONTHLY
AUTH = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
ORIGIN = "https://reports.example.com"


@pytest.fixture(scope="module")
def controlled_mock() -> Iterator[str]:
    process, base = start_mock("--cors-origin", ORIGIN, "--cors-origin", "http://localhost:5173", "--journal-size", "5")
    yield base
    stop(process)


def post(base: str, body: object = VALID, **headers: str) -> httpx.Response:
    return httpx.post(base + PATH, json=body, headers={**AUTH, **headers}, timeout=40, verify=TLS)


@pytest.mark.parametrize("code", [400, 401, 403, 404, 405, 413, 415, 500])
def test_prefer_code_returns_that_declared_status_with_a_realistic_error(controlled_mock: str, code: int) -> None:
    response = post(controlled_mock, Prefer=f"code={code}")
    assert response.status_code == code
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["message"] and error["code"]


def test_prefer_code_200_is_the_normal_answer(controlled_mock: str) -> None:
    response = post(controlled_mock, Prefer="code=200")
    assert response.status_code == 200 and response.json()["dataType"] == "checkout/transactions"


def test_an_undeclared_prefer_code_is_a_400_listing_the_declared_ones(controlled_mock: str) -> None:
    response = post(controlled_mock, Prefer="code=418")
    assert response.status_code == 400
    assert "declared: 200, 400, 401, 403, 404, 405, 413, 415, 500" in response.json()["error"]["message"]


def test_validation_and_auth_run_before_a_preferred_code(controlled_mock: str) -> None:
    assert post(controlled_mock, {**VALID, "to": "2026-12-02"}, Prefer="code=500").status_code == 400
    unauthenticated = httpx.post(controlled_mock + PATH, json=VALID, headers={"Prefer": "code=500"})
    assert unauthenticated.status_code == 401


def test_validation_skip_forces_the_code_without_looking_at_the_request(controlled_mock: str) -> None:
    response = httpx.post(controlled_mock + PATH, content=b"garbage", headers={"Prefer": "code=500, validation=skip"})
    assert response.status_code == 500


def test_prefer_delay_delays_the_answer(controlled_mock: str) -> None:
    began = time.perf_counter()
    assert post(controlled_mock, Prefer="delay=400").status_code == 200
    assert time.perf_counter() - began >= 0.4


def test_global_latency_and_fail_rate_are_seeded_and_bounded() -> None:
    process, base = start_mock("--latency", "150-250ms", "--fail-rate", "0.5", "--seed", "7")
    try:
        timings, statuses = [], []
        for _ in range(12):
            began = time.perf_counter()
            statuses.append(post(base).status_code)
            timings.append(time.perf_counter() - began)
    finally:
        stop(process)
    assert min(timings) >= 0.15  # the range itself: tests/mockserver/decisions/test_controls.py
    assert set(statuses) == {200, 500}
    again, base = start_mock("--fail-rate", "0.5", "--seed", "7")
    try:
        assert [post(base).status_code for _ in range(12)] == statuses
    finally:
        stop(again)


def test_cors_headers_are_on_success_and_on_every_error(controlled_mock: str) -> None:
    for response in (
        post(controlled_mock, Origin=ORIGIN),
        post(controlled_mock, {**VALID, "language": "sv"}, Origin=ORIGIN),
        httpx.post(controlled_mock + PATH, json=VALID, headers={"Origin": ORIGIN}),
        post(controlled_mock, Origin=ORIGIN, Prefer="code=500"),
        httpx.get(controlled_mock + PATH, headers={"Origin": ORIGIN}),
        httpx.post(controlled_mock + "/nowhere", headers={"Origin": ORIGIN}),
    ):
        assert response.headers.get("access-control-allow-origin") == ORIGIN, response.status_code
        assert response.headers.get("access-control-allow-credentials") == "true"
    assert "x-mock-report-url" in post(controlled_mock, Origin=ORIGIN).headers["access-control-expose-headers"].lower()


def test_a_preflight_for_the_post_with_authorization_and_json_succeeds(controlled_mock: str) -> None:
    response = httpx.options(
        controlled_mock + PATH,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, prefer",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed and "prefer" in allowed


def test_an_origin_not_configured_gets_no_cors_headers(controlled_mock: str) -> None:
    assert "access-control-allow-origin" not in post(controlled_mock, Origin="https://evil.example").headers


def test_any_origin_echoes_the_origin_so_credentialed_requests_work() -> None:
    process, base = start_mock("--cors-origin", "*")
    try:
        response = post(base, Origin="https://anything.example")
        assert response.headers["access-control-allow-origin"] == "https://anything.example"
        assert response.headers["access-control-allow-credentials"] == "true"
    finally:
        stop(process)


def test_the_journal_lists_the_last_requests_newest_first_and_can_be_cleared(controlled_mock: str) -> None:
    root = controlled_mock.removesuffix("/v1")
    assert httpx.delete(root + "/_mock/requests").status_code == 204
    post(controlled_mock)
    post(controlled_mock, {**VALID, "to": "2026-12-02"})
    journal = httpx.get(root + "/_mock/requests").json()
    newest, older = journal["requests"][:2]
    assert (newest["status"], newest["outcome"], newest["error_code"]) == (400, "rejected", "INVALID_PERIOD")
    assert (older["status"], older["outcome"]) == (200, "accepted")
    assert older["report_url"].startswith(root + "/_mock/reports/")
    assert older["authorization"] == "bearer (redacted)"
    assert AUTH["Authorization"].split()[1] not in str(journal)
    for _ in range(8):
        post(controlled_mock)
    assert httpx.get(root + "/_mock/requests").json()["count"] == 5


def test_the_journal_shows_the_body_as_sent_with_secrets_redacted(controlled_mock: str) -> None:
    root = controlled_mock.removesuffix("/v1")
    sent = {**VALID, "reportFilters": [{"filter": "store_id", "value": "NET001"}], "accessToken": "s3cret-value"}
    post(controlled_mock, sent)
    newest = httpx.get(root + "/_mock/requests").json()["requests"][0]
    assert json.loads(newest["body"]) == {**sent, "accessToken": "(redacted)"}
    assert "s3cret-value" not in newest["body"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_on_sigint_and_sigterm_without_waiting_for_a_kept_alive_connection(sig: signal.Signals) -> None:
    process, base = start_mock("--access-log")  # uvicorn's own lines say whether it waited for connections
    with httpx.Client() as client:  # a kept-alive connection must not hold the stop up
        assert client.post(base + PATH, json=VALID, headers=AUTH).status_code == 200
        process.send_signal(sig)
        process.wait(timeout=5)
    assert process.returncode in (0, -sig, 128 + sig)
    said = output_of(process)
    assert "Shutting down" in said and "Finished server process" in said
    assert "Waiting for connections to close" not in said, said
    assert "timeout graceful shutdown exceeded" not in said, said
