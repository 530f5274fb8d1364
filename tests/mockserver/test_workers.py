"""`serve --workers N`: the journal and --fail-rate behave as with one worker (one SQLite file they share)."""

from __future__ import annotations

import time

import httpx

from contracts.testing.live import MONTHLY
from mockserver.decisions.security import mint_token
from mockserver.state.failures import fails
from tests.conftest import start_mock, stop

AUTH = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}
PATH = "/accounts/P12345678/insight/generate-report"


def post_on_a_new_connection(base: str) -> int:
    # A fresh connection each time, so that the kernel hands the requests to either worker.
    return httpx.post(base + PATH, json=MONTHLY, headers={**AUTH, "Connection": "close"}, timeout=10).status_code


def listed(base: str) -> list[dict[str, object]]:
    time.sleep(0.2)  # each worker writes its buffered entries within 50 ms
    origin = base.removesuffix("/v1")
    return list(httpx.get(origin + "/_mock/requests", timeout=10).json()["requests"])


def test_two_workers_share_one_journal_and_one_clear_empties_it_for_both() -> None:
    process, base = start_mock("--workers", "2")
    try:
        statuses = [post_on_a_new_connection(base) for _ in range(20)]
        entries = listed(base)
        assert statuses == [200] * 20
        assert [entry["path"] for entry in entries] == ["/v1" + PATH] * 20  # the readiness probe is not journalled
        httpx.delete(base.removesuffix("/v1") + "/_mock/requests", timeout=10)
        assert listed(base) == []
    finally:
        stop(process)


def test_fail_rate_fails_the_same_requests_with_one_worker_or_two() -> None:
    expected = [500 if fails(7, number, 0.5) else 200 for number in range(1, 17)]
    assert set(expected) == {200, 500}
    for workers in ("1", "2"):
        process, base = start_mock("--workers", workers, "--fail-rate", "0.5", "--seed", "7")
        try:
            # start_mock's readiness probe is a GET of the contract: it counts no valid request
            assert [post_on_a_new_connection(base) for _ in range(16)] == expected, workers
        finally:
            stop(process)
