"""The contract's error examples are what the mock really answers, word for word."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.completions import ERROR_EXAMPLES
from mockserver.app import create_app
from mockserver.security import mint_token
from mockserver.settings import Settings

PATH = "/v1/accounts/P12345678/insight/generate-report"
MONTHLY = {
    "dataType": "checkout/transactions",
    "schedule": "monthly",
    "language": "no",
    "from": "2026-11-01",
    "to": "2026-12-01",
}
WRITE = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}

# The request behind each example: (method, path, headers, JSON body or raw bytes).
REQUESTS: dict[str, tuple[str, str, dict[str, str], Any]] = {
    "invalid-body": ("POST", PATH, WRITE, {**MONTHLY, "dataType": "orders/orderoperations"}),
    "invalid-period": ("POST", PATH, WRITE, {**MONTHLY, "to": "2026-12-02"}),
    "invalid-parameter": ("POST", PATH.replace("P12345678", "X1"), WRITE, MONTHLY),
    "missing-token": ("POST", PATH, {}, MONTHLY),
    "insufficient-scope": ("POST", PATH, {"Authorization": f"Bearer {mint_token(('read:insight',))}"}, MONTHLY),
    "account-mismatch": (
        "POST",
        PATH,
        {"Authorization": f"Bearer {mint_token(('write:insight',), aid='P00000001')}"},
        MONTHLY,
    ),
    "not-found": ("POST", "/v1/accounts/P12345678/insight/no-such-route", WRITE, MONTHLY),
    "method-not-allowed": ("GET", PATH, WRITE, None),
    "payload-too-large": ("POST", PATH, {**WRITE, "Content-Type": "application/json"}, b"x" * 70000),
    "unsupported-media-type": ("POST", PATH, {**WRITE, "Content-Type": "text/plain"}, b"a=b"),
}
EXAMPLES = [(status, name, value) for status, named in ERROR_EXAMPLES.items() for name, (_, value) in named.items()]


@pytest.fixture(scope="module")
def failing_client() -> Any:
    with TestClient(create_app(Settings(fail_rate=1.0)), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(("status", "name", "example"), EXAMPLES, ids=[name for _, name, _ in EXAMPLES])
def test_the_example_is_the_mocks_own_answer(
    client: TestClient, failing_client: TestClient, status: str, name: str, example: dict[str, Any]
) -> None:
    if name == "internal-error":
        response = failing_client.post(PATH, json=MONTHLY, headers=WRITE)
    else:
        method, path, headers, body = REQUESTS[name]
        raw = {"content": body} if isinstance(body, bytes) else {"json": body}
        response = client.request(method, path, headers=headers, **raw)
    assert response.status_code == int(status)
    assert response.json() == example
