"""The gate on a cache hit: a request sent again finds its token's claims and its window's verdict remembered, and
still passes every check: a changed input (the time, the scope, the account, Prefer, --fail-rate) changes the
answer, latency is still added and the journal records every request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.rules import periods
from contracts.testing.live import MONTHLY, VALID_AID
from mockserver.app import create_app
from mockserver.decisions import security
from mockserver.decisions.controls import Latency
from mockserver.decisions.security import mint_token
from mockserver.edge import frontdoor
from mockserver.settings import Settings

OTHER_AID = "T87654321"


def report_path(aid: str = VALID_AID) -> str:
    return f"/v1/accounts/{aid}/insight/generate-report"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def mock(**settings: Any) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(**settings)), raise_server_exceptions=False) as client:
        yield client


def cache_hits() -> tuple[int, int]:
    """Hits so far of the caches a repeated report request goes through: the token's claims, the window's verdict."""
    return security._verified_claims.cache_info().hits, periods._window_violations.cache_info().hits


@contextmanager
def cache_hit(*, claims: bool = True, window: bool = True) -> Iterator[None]:
    """The requests inside found the token's claims (and the window's verdict) remembered, at least once each."""
    before = cache_hits()
    yield
    after = cache_hits()
    hit = (after[0] > before[0], after[1] > before[1])
    assert hit == (claims, window), f"cache hits (claims, window): expected {(claims, window)}, got {hit}"


def test_an_expired_token_is_refused_though_its_claims_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    issued = time.time()
    token = mint_token(("write:insight",), ttl_seconds=60, now=issued)
    with mock() as client:
        assert client.post(report_path(), json=MONTHLY, headers=bearer(token)).status_code == 200
        monkeypatch.setattr(security.time, "time", lambda: issued + 61)
        with cache_hit(window=False):  # refused before its body is read
            expired = client.post(report_path(), json=MONTHLY, headers=bearer(token))
    assert expired.status_code == 401 and expired.json()["error"]["message"] == "the token has expired"


def test_a_token_without_the_scope_is_refused_each_time() -> None:
    token = mint_token(("read:insight",))
    with mock() as client:
        first = client.post(report_path(), json=MONTHLY, headers=bearer(token))
        with cache_hit(window=False):  # refused before its body is read
            second = client.post(report_path(), json=MONTHLY, headers=bearer(token))
    assert first.status_code == second.status_code == 403
    assert second.json()["error"]["code"] == "INSUFFICIENT_SCOPE"


def test_a_token_for_one_account_is_refused_for_another() -> None:
    token = mint_token(("write:insight",), aid=VALID_AID)
    with mock() as client:
        assert client.post(report_path(VALID_AID), json=MONTHLY, headers=bearer(token)).status_code == 200
        with cache_hit():
            other = client.post(report_path(OTHER_AID), json=MONTHLY, headers=bearer(token))
            again = client.post(report_path(VALID_AID), json=MONTHLY, headers=bearer(token))
    assert other.status_code == 403 and other.json()["error"]["code"] == "ACCOUNT_MISMATCH"
    assert again.status_code == 200


def test_prefer_code_still_replaces_the_200(auth_headers: dict[str, str]) -> None:
    with mock() as client:
        assert client.post(report_path(), json=MONTHLY, headers=auth_headers).status_code == 200
        with cache_hit():
            forced = client.post(report_path(), json=MONTHLY, headers={**auth_headers, "Prefer": "code=500"})
    assert forced.status_code == 500 and "forced by Prefer" in forced.json()["error"]["message"]


def test_fail_rate_still_fails_a_request_whose_caches_hit(auth_headers: dict[str, str]) -> None:
    with mock() as client:
        assert client.post(report_path(), json=MONTHLY, headers=auth_headers).status_code == 200
    with mock(fail_rate=1.0) as failing, cache_hit():
        failed = [failing.post(report_path(), json=MONTHLY, headers=auth_headers) for _ in range(2)]
    assert [answer.status_code for answer in failed] == [500, 500]
    assert "--fail-rate" in failed[1].json()["error"]["message"]


def test_latency_is_added_to_every_request(auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []

    async def recorded(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(frontdoor, "asyncio", SimpleNamespace(sleep=recorded))
    with mock(latency=Latency(150, 150)) as client, cache_hit():
        statuses = [client.post(report_path(), json=MONTHLY, headers=auth_headers).status_code for _ in range(2)]
    assert statuses == [200, 200] and waited == [0.15, 0.15]


def test_the_journal_records_every_request(auth_headers: dict[str, str]) -> None:
    with mock() as client:
        with cache_hit():
            for _ in range(2):
                client.post(report_path(), json=MONTHLY, headers=auth_headers)
        journal = client.get("/_mock/requests").json()["requests"]
    assert [(entry["path"], entry["status"]) for entry in journal] == [(report_path(), 200)] * 2
