"""The contract's error examples are what the mock really answers, word for word."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.document.completions import ERROR_EXAMPLES
from contracts.rules import periods
from contracts.testing.live import MONTHLY
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.settings import Settings

PATH = "/v1/accounts/P12345678/insight/generate-report"
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


# --- the plausible-date pattern changed no answer -------------------------------------------------------------------


@pytest.fixture(scope="module")
def general_syntax_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The mock serving the contract as it was before: from/to with the general bound syntax, not plausible dates."""
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    for _, node in spec.walk(document):
        if isinstance(node, dict) and node.get("pattern") == spec.PLAUSIBLE_BOUND_PATTERN:
            node["pattern"] = periods.BOUND_PATTERN
    path = tmp_path_factory.mktemp("general-syntax") / "insight.yaml"
    path.write_text(spec.dump_yaml(document), encoding="utf-8")
    with TestClient(create_app(Settings(spec_path=path)), raise_server_exceptions=False) as test_client:
        yield test_client


BAD_DATES = [
    {"from": "2026-13-01"},
    {"from": "2150-01-01", "to": "2150-02-01"},
    {"from": "1999-12-01", "to": "2000-01-01"},
    {"to": "2100-02-01"},
    {"from": "2026-11-01T00:00:00+24:00", "to": "2026-12-01T00:00:00+24:00"},
    {"from": "2026-02-30", "to": "2026-03-01"},
    {"from": "8967-98-01", "schedule": "fortnightly"},
    {"from": "2026-13-01", "language": "de", "reportFilters": [{"filter": "nope", "value": "x"}]},
]


@pytest.mark.parametrize("dates", BAD_DATES, ids=[str(dates) for dates in BAD_DATES])
def test_a_bad_date_gets_the_same_answer_as_before_the_narrower_pattern(
    client: TestClient, general_syntax_client: TestClient, dates: dict[str, Any]
) -> None:
    body = {**MONTHLY, **dates}
    now, before = (c.post(PATH, json=body, headers=WRITE) for c in (client, general_syntax_client))
    assert now.status_code == before.status_code == 400
    assert now.json() == before.json()
