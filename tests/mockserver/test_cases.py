"""The request table: each kind of request the mock must accept or refuse, with its status and error code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.decisions.security import mint_token

AID = "P12345678"
PATH = f"/v1/accounts/{AID}/insight/generate-report"
WRITE = mint_token(("write:insight",))
ADMIN = mint_token(("admin:insight",))


def body(data_type: str = "checkout/transactions", schedule: str = "monthly", **fields: Any) -> dict[str, Any]:
    windows = {
        "daily": ("2026-11-03", "2026-11-04"),
        "weekly": ("2026-11-02", "2026-11-09"),
        "twice-a-month": ("2026-11-16", "2026-12-01"),
        "monthly": ("2026-11-01", "2026-12-01"),
    }
    start, end = windows[schedule]
    return {"dataType": data_type, "schedule": schedule, "language": "en", "from": start, "to": end, **fields}


def without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in mapping.items() if name != key}


@dataclass
class Case:
    name: str
    status: int
    code: str | None = None  # error.code for errors
    json: Any = None
    content: bytes | None = None
    token: str | None = WRITE
    headers: dict[str, str] = field(default_factory=dict)
    path: str = PATH
    method: str = "POST"
    error_paths: tuple[str, ...] = ()  # JSON pointers that error.errors must name


CASES = [
    # --- accepted: every variant and every schedule it allows ---
    Case("checkout daily", 200, json=body(schedule="daily")),
    Case("checkout weekly", 200, json=body(schedule="weekly")),
    Case("checkout monthly pdf", 200, json=body(contentType="application/pdf")),
    Case("checkout monthly with filters", 200, json=body(reportFilters=[{"filter": "store_id", "value": "S1"}])),
    Case(
        "checkout with payout filter", 200, json=body(reportFilters=[{"filter": "payout_destination_id", "value": "P"}])
    ),
    Case("orders daily", 200, json=body("orders/orderoperations", "daily")),
    Case("orders weekly", 200, json=body("orders/orderoperations", "weekly")),
    Case("orders twice-a-month, second half", 200, json=body("orders/orderoperations", "twice-a-month")),
    Case(
        "orders twice-a-month, first half",
        200,
        json=body("orders/orderoperations", "twice-a-month", **{"from": "2026-11-01", "to": "2026-11-16"}),
    ),
    Case(
        "orders filter",
        200,
        json=body(
            "orders/orderoperations", "daily", reportFilters=[{"filter": "operation_payout_destination", "value": "x"}]
        ),
    ),
    Case(
        "orders empty filter object (schema requires nothing)",
        200,
        json=body("orders/orderoperations", "daily", reportFilters=[{}]),
    ),
    Case("wallets daily", 200, json=body("wallets/transactions", "daily")),
    Case("wallets weekly", 200, json=body("wallets/transactions", "weekly")),
    Case("wallets monthly pdf", 200, json=body("wallets/transactions", contentType="application/pdf")),
    Case("norwegian", 200, json=body(language="no")),
    Case(
        "date-time window with offset",
        200,
        json=body(**{"from": "2026-11-01T00:00:00+01:00", "to": "2026-12-01T00:00:00+01:00"}),
    ),
    Case("extra keys are accepted", 200, json=body(note="kept")),
    Case("admin scope", 200, json=body(), token=ADMIN),
    Case("token bound to this account", 200, json=body(), token=mint_token(("write:insight",), aid=AID)),
    Case("test account", 200, json=body(), path="/v1/accounts/T00000001/insight/generate-report"),
    Case(
        "charset utf-8",
        200,
        content=b'{"dataType":"checkout/transactions","schedule":"daily","language":"en","from":"2026-11-03","to":"2026-11-04"}',
        headers={"content-type": "application/json; charset=UTF-8"},
    ),
    # --- wrong enum values and variant rules ---
    Case("unknown dataType", 400, "INVALID_BODY", json=body(dataType="orders/orders"), error_paths=("/dataType",)),
    Case("dataType missing", 400, "INVALID_BODY", json=without(body(), "dataType"), error_paths=("/dataType",)),
    Case("dataType not a string", 400, "INVALID_BODY", json=body(dataType=7), error_paths=("/dataType",)),
    Case(
        "orders monthly (schedule not allowed)",
        400,
        "INVALID_BODY",
        json=body("orders/orderoperations", "monthly"),
        error_paths=("/schedule",),
    ),
    Case(
        "checkout twice-a-month",
        400,
        "INVALID_BODY",
        json={**body("orders/orderoperations", "twice-a-month"), "dataType": "checkout/transactions"},
        error_paths=("/schedule",),
    ),
    Case(
        "orders pdf",
        400,
        "INVALID_BODY",
        json=body("orders/orderoperations", "daily", contentType="application/pdf"),
        error_paths=("/contentType",),
    ),
    Case("unknown language", 400, "INVALID_BODY", json=body(language="sv"), error_paths=("/language",)),
    Case("language NO upper case", 400, "INVALID_BODY", json=body(language="NO"), error_paths=("/language",)),
    Case(
        "unknown content type", 400, "INVALID_BODY", json=body(contentType="text/html"), error_paths=("/contentType",)
    ),
    # --- required fields and types ---
    Case("language missing", 400, "INVALID_BODY", json=without(body(), "language"), error_paths=("/language",)),
    Case("schedule missing", 400, "INVALID_BODY", json=without(body(), "schedule"), error_paths=("/schedule",)),
    Case("from missing", 400, "INVALID_BODY", json=without(body(), "from"), error_paths=("/from",)),
    Case("to missing", 400, "INVALID_BODY", json=without(body(), "to"), error_paths=("/to",)),
    Case("from a number", 400, "INVALID_BODY", json=body(**{"from": 20261101}), error_paths=("/from",)),
    Case(
        "reportFilters an object",
        400,
        "INVALID_BODY",
        json=body(reportFilters={"filter": "store_id"}),
        error_paths=("/reportFilters",),
    ),
    Case(
        "filter key unknown",
        400,
        "INVALID_BODY",
        json=body(reportFilters=[{"filter": "shop", "value": "1"}]),
        error_paths=("/reportFilters/0/filter",),
    ),
    Case(
        "filter of another variant",
        400,
        "INVALID_BODY",
        json=body(reportFilters=[{"filter": "operation_payout_destination", "value": "1"}]),
        error_paths=("/reportFilters/0/filter",),
    ),
    Case(
        "filter value missing",
        400,
        "INVALID_BODY",
        json=body(reportFilters=[{"filter": "store_id"}]),
        error_paths=("/reportFilters/0/value",),
    ),
    Case(
        "filter value a number",
        400,
        "INVALID_BODY",
        json=body(reportFilters=[{"filter": "store_id", "value": 1}]),
        error_paths=("/reportFilters/0/value",),
    ),
    Case(
        "two problems are both listed",
        400,
        "INVALID_BODY",
        json=body(language="sv", **{"to": "2026-12-02"}),
        error_paths=("/language", "/to"),
    ),
    Case("body is an array", 400, "INVALID_BODY", json=[body()], error_paths=("",)),
    Case("body is null", 400, "INVALID_BODY", json=None, content=b"null", headers={"content-type": "application/json"}),
    # --- windows ---
    Case("monthly to one day late", 400, "INVALID_PERIOD", json=body(**{"to": "2026-12-02"}), error_paths=("/to",)),
    Case(
        "monthly from not the 1st",
        400,
        "INVALID_PERIOD",
        json=body(**{"from": "2026-11-02", "to": "2026-12-02"}),
        error_paths=("/from",),
    ),
    Case(
        "weekly from a Tuesday",
        400,
        "INVALID_PERIOD",
        json=body(schedule="weekly", **{"from": "2026-11-03", "to": "2026-11-10"}),
        error_paths=("/from",),
    ),
    Case(
        "weekly six days",
        400,
        "INVALID_PERIOD",
        json=body(schedule="weekly", **{"to": "2026-11-08"}),
        error_paths=("/to",),
    ),
    Case(
        "daily zero days",
        400,
        "INVALID_PERIOD",
        json=body(schedule="daily", **{"to": "2026-11-03"}),
        error_paths=("/to",),
    ),
    Case(
        "twice-a-month 16th to 16th",
        400,
        "INVALID_PERIOD",
        json=body("orders/orderoperations", "twice-a-month", **{"to": "2026-12-16"}),
        error_paths=("/to",),
    ),
    Case(
        "twice-a-month from the 2nd",
        400,
        "INVALID_PERIOD",
        json=body("orders/orderoperations", "twice-a-month", **{"from": "2026-11-02", "to": "2026-11-16"}),
        error_paths=("/from",),
    ),
    Case("mixed forms", 400, "INVALID_PERIOD", json=body(**{"to": "2026-12-01T00:00:00Z"}), error_paths=("/to",)),
    Case(
        "mixed offsets",
        400,
        "INVALID_PERIOD",
        json=body(**{"from": "2026-11-01T00:00:00+01:00", "to": "2026-12-01T00:00:00Z"}),
        error_paths=("/to",),
    ),
    Case(
        "not midnight",
        400,
        "INVALID_PERIOD",
        json=body(schedule="daily", **{"from": "2026-11-03T10:00:00Z", "to": "2026-11-04T10:00:00Z"}),
        error_paths=("/from", "/to"),
    ),
    Case(
        "not a calendar date",
        400,
        "INVALID_PERIOD",
        json=body(schedule="daily", **{"from": "2026-02-29", "to": "2026-03-01"}),
        error_paths=("/from",),
    ),
    Case("not a date at all", 400, "INVALID_PERIOD", json=body(**{"from": "yesterday"}), error_paths=("/from",)),
    Case(
        "before 2000",
        400,
        "INVALID_PERIOD",
        json=body(**{"from": "1999-12-01", "to": "2000-01-01"}),
        error_paths=("/from",),
    ),
    Case(
        "after 2100",
        400,
        "INVALID_PERIOD",
        json=body(**{"from": "2100-01-01", "to": "2100-02-01"}),
        error_paths=("/from", "/to"),
    ),
    # --- account id ---
    Case(
        "aid with wrong prefix",
        400,
        "INVALID_PARAMETER",
        json=body(),
        path="/v1/accounts/X12345678/insight/generate-report",
    ),
    Case("aid too short", 400, "INVALID_PARAMETER", json=body(), path="/v1/accounts/P1234567/insight/generate-report"),
    Case(
        "aid with a newline",
        400,
        "INVALID_PARAMETER",
        json=body(),
        path="/v1/accounts/P12345678%0A/insight/generate-report",
    ),
    Case(
        "aid with arabic-indic digits",
        400,
        "INVALID_PARAMETER",
        json=body(),
        path="/v1/accounts/P%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6%D9%A7%D9%A8/insight/generate-report",
    ),
    # --- auth ---
    Case("no token", 401, "UNAUTHORIZED", json=body(), token=None),
    Case("no token, bad body: 401 first", 401, "UNAUTHORIZED", json={}, token=None),
    Case("not a JWT", 401, "UNAUTHORIZED", json=body(), token="not-a-jwt"),
    Case("expired token", 401, "UNAUTHORIZED", json=body(), token=mint_token(("write:insight",), ttl_seconds=-10)),
    Case("read scope only", 403, "INSUFFICIENT_SCOPE", json=body(), token=mint_token(("read:insight",))),
    Case("scope substring", 403, "INSUFFICIENT_SCOPE", json=body(), token=mint_token(("write:insights",))),
    Case(
        "foreign account", 403, "ACCOUNT_MISMATCH", json=body(), token=mint_token(("write:insight",), aid="P87654321")
    ),
    # --- bodies that are not JSON objects, media types, sizes ---
    Case("bad JSON", 400, "INVALID_JSON", content=b'{"dataType": ', headers={"content-type": "application/json"}),
    Case(
        "not UTF-8", 400, "INVALID_JSON", content=b'{"language": "\xff"}', headers={"content-type": "application/json"}
    ),
    Case("empty body", 400, "INVALID_JSON", content=b"", headers={"content-type": "application/json"}),
    Case(
        "duplicate keys",
        400,
        "INVALID_JSON",
        content=b'{"language": "en", "language": "no"}',
        headers={"content-type": "application/json"},
    ),
    Case("NaN", 400, "INVALID_JSON", content=b'{"x": NaN}', headers={"content-type": "application/json"}),
    Case("too deep", 400, "INVALID_JSON", content=b"[" * 40 + b"]" * 40, headers={"content-type": "application/json"}),
    Case("wrong content type", 415, "UNSUPPORTED_MEDIA_TYPE", content=b"{}", headers={"content-type": "text/plain"}),
    Case(
        "form content type",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        content=b"a=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
    ),
    Case("missing content type", 415, "UNSUPPORTED_MEDIA_TYPE", content=b"{}"),
    Case(
        "latin-1 charset",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        content=b"{}",
        headers={"content-type": "application/json; charset=latin-1"},
    ),
    Case(
        "too large",
        413,
        "PAYLOAD_TOO_LARGE",
        content=b'{"x": "' + b"a" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    ),
    # --- routing ---
    Case("GET on the operation", 405, "METHOD_NOT_ALLOWED", method="GET"),
    Case("DELETE on the operation", 405, "METHOD_NOT_ALLOWED", method="DELETE"),
    Case("unknown route", 404, "NOT_FOUND", json=body(), path="/v1/accounts/P12345678/insight/generate-reports"),
    Case("outside the base path", 404, "NOT_FOUND", json=body(), path="/accounts/P12345678/insight/generate-report"),
]


def send(client: TestClient, case: Case) -> Any:
    headers = dict(case.headers)
    if case.token is not None:
        headers["Authorization"] = f"Bearer {case.token}"
    if case.content is not None:
        return client.request(case.method, case.path, content=case.content, headers=headers)
    if case.method in ("GET", "DELETE"):
        return client.request(case.method, case.path, headers=headers)
    return client.request(case.method, case.path, json=case.json, headers=headers)


def test_the_table_has_at_least_forty_cases_across_all_variants_and_schedules() -> None:
    assert len(CASES) >= 40
    sent = [case.json for case in CASES if isinstance(case.json, dict) and case.status == 200]
    assert {b["dataType"] for b in sent} == {"checkout/transactions", "orders/orderoperations", "wallets/transactions"}
    assert {b["schedule"] for b in sent} == {"daily", "weekly", "twice-a-month", "monthly"}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_request_gets_its_status_and_error_code(client: TestClient, case: Case) -> None:
    response = send(client, case)
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"] == "application/json"
    payload = response.json()
    if case.status == 200:
        assert payload == {"contentType": "text/csv", **case.json} if case.json is not None else payload
        return
    assert set(payload) == {"error"}
    assert payload["error"]["code"] == case.code
    assert isinstance(payload["error"]["message"], str) and payload["error"]["message"]
    named = {item["path"] for item in payload["error"].get("errors", [])}
    for pointer in case.error_paths:
        assert pointer in named, payload


def test_the_200_echo_keeps_every_key_the_client_sent_in_order_and_fills_defaults(client: TestClient) -> None:
    sent = {"note": {"nested": [1, 2.5, None]}, **body(), "zzz": True}
    response = client.post(PATH, json=sent, headers={"Authorization": f"Bearer {WRITE}"})
    assert list(response.json()) == [*sent, "contentType"]
    assert response.json() == {**sent, "contentType": "text/csv"}


def test_a_405_keeps_the_allow_header(client: TestClient) -> None:
    response = client.get(PATH, headers={"Authorization": f"Bearer {WRITE}"})
    assert response.headers["allow"] == "POST"


def test_a_401_carries_a_bearer_challenge(client: TestClient) -> None:
    response = client.post(PATH, json=body())
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_window_error_names_the_expected_value(client: TestClient) -> None:
    response = client.post(PATH, json=body(**{"to": "2026-12-02"}), headers={"Authorization": f"Bearer {WRITE}"})
    error = response.json()["error"]
    assert error["message"] == "schedule 'monthly' needs 'to' = 2026-12-01 (the first day of the month after 'from')"
    assert error["errors"] == [
        {"code": "window-end", "path": "/to", "message": error["message"], "expected": "2026-12-01"}
    ]


def test_an_unknown_data_type_lists_the_valid_ones(client: TestClient) -> None:
    response = client.post(PATH, json=body(dataType="x"), headers={"Authorization": f"Bearer {WRITE}"})
    message = response.json()["error"]["message"]
    for data_type in ("checkout/transactions", "orders/orderoperations", "wallets/transactions"):
        assert data_type in message


def test_parameter_errors_do_not_dump_schemas(client: TestClient) -> None:
    response = client.post(
        "/v1/accounts/X1/insight/generate-report", json=body(), headers={"Authorization": f"Bearer {WRITE}"}
    )
    assert "minLength" not in response.text and "{'type'" not in response.text


def test_a_trailing_slash_is_a_404_in_the_error_shape_not_an_empty_redirect(client: TestClient) -> None:
    response = client.post(
        PATH + "/", json=body(), headers={"Authorization": f"Bearer {WRITE}"}, follow_redirects=False
    )
    assert response.status_code == 404
    assert (
        response.json()["error"]["code"] == "NOT_FOUND" and "no trailing slash" in response.json()["error"]["message"]
    )


def test_hundreds_of_problems_are_listed_up_to_a_bound(client: TestClient) -> None:
    filters = [{"filter": "bad", "value": 1}] * 300
    response = client.post(PATH, json=body(reportFilters=filters), headers={"Authorization": f"Bearer {WRITE}"})
    errors = response.json()["error"]["errors"]
    assert response.status_code == 400 and len(errors) == 51
    assert errors[-1] == {"code": "truncated", "path": "", "message": "550 more problem(s) not listed"}
