"""The request path: Connexion routes the report operation from the contract, the gate checks it, and the handler
Connexion's Resolver found for the operationId answers it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.responses import Response
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.model.contract import Contract
from contracts.testing.live import MONTHLY, VALID_AID
from mockserver.app import create_app
from mockserver.decisions import acceptance, security
from mockserver.service.gate import AcceptedRequest
from mockserver.settings import Settings

PATH = f"/v1/accounts/{VALID_AID}/insight/generate-report"


def test_a_handler_swapped_through_the_resolver_gives_the_200(contract: Contract, auth_headers: dict[str, str]) -> None:
    seen: list[AcceptedRequest] = []

    def swapped(accepted: AcceptedRequest) -> Response:
        seen.append(accepted)
        return Response(b'{"answered_by":"the swapped handler"}', media_type="application/json")

    with TestClient(create_app(Settings(), handlers={contract.operation_id: swapped})) as client:
        response = client.post(PATH, json=MONTHLY, headers=auth_headers)
        refused = client.post(PATH, json={**MONTHLY, "to": "2026-12-02"}, headers=auth_headers)
    assert response.status_code == 200 and response.json() == {"answered_by": "the swapped handler"}
    (accepted,) = seen  # the checks still ran first: the invalid body never reached the handler
    assert refused.status_code == 400
    assert accepted.aid == VALID_AID and accepted.params == {**MONTHLY, "contentType": "text/csv"}
    assert json.loads(accepted.body) == MONTHLY


def test_an_async_handler_is_awaited(contract: Contract, auth_headers: dict[str, str]) -> None:
    async def swapped(accepted: AcceptedRequest) -> Response:
        return Response(accepted.aid.encode(), status_code=200)

    with TestClient(create_app(Settings(), handlers={contract.operation_id: swapped})) as client:
        assert client.post(PATH, json=MONTHLY, headers=auth_headers).text == VALID_AID


def test_a_handler_that_fails_is_a_500_in_the_error_shape(contract: Contract, auth_headers: dict[str, str]) -> None:
    def broken(accepted: AcceptedRequest) -> Response:
        raise RuntimeError("boom")

    app = create_app(Settings(), handlers={contract.operation_id: broken})
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(PATH, json=MONTHLY, headers=auth_headers)
    assert response.status_code == 500 and response.json()["error"]["code"] == "INTERNAL_ERROR"
    assert "boom" not in response.text


def test_the_journal_shows_the_body_that_was_sent(client: TestClient, auth_headers: dict[str, str]) -> None:
    client.delete("/_mock/requests")
    client.post(
        PATH, json={**MONTHLY, "note": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"}, headers=auth_headers
    )
    (entry,) = client.get("/_mock/requests").json()["requests"]
    assert json.loads(entry["body"]) == {**MONTHLY, "note": "(redacted)"}
    assert entry["status"] == 200 and entry["authorization"] == "bearer (redacted)"


def test_the_app_serves_the_contract_it_was_given_not_the_checked_in_one(
    tmp_path: Path, auth_headers: dict[str, str]
) -> None:
    """`serve --spec PATH`: routing, the gate's checks and the journal's API prefix all follow the loaded file."""
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    document["servers"] = [{"url": "https://insight.example.test/v2"}]
    orders = document["components"]["schemas"]["InsightOrdersOrderOperationsReportParams"]
    orders["allOf"][0]["properties"]["schedule"]["enum"].append("monthly")
    path = tmp_path / "insight.yaml"
    path.write_text(spec.dump_yaml(document), encoding="utf-8")
    orders_monthly = {**MONTHLY, "dataType": "orders/orderoperations"}
    with TestClient(create_app(Settings(spec_path=path))) as client:
        served = client.post(PATH.replace("/v1/", "/v2/"), json=orders_monthly, headers=auth_headers)
        old_prefix = client.post(PATH, json=MONTHLY, headers=auth_headers)
        journal = client.get("/_mock/requests").json()["requests"]
    assert served.status_code == 200 and served.json()["schedule"] == "monthly"
    assert old_prefix.status_code == 404
    assert [entry["path"] for entry in journal] == [PATH.replace("/v1/", "/v2/")]


def test_the_checks_are_looked_up_at_request_time_so_a_test_can_replace_one(
    client: TestClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the checker's mutants rely on: a check replaced on its module changes the app that is already built."""
    malformed = PATH.replace(VALID_AID, "X12345678")
    assert client.post(malformed, json=MONTHLY, headers=auth_headers).status_code == 400
    monkeypatch.setattr(acceptance, "check_account", lambda contract, aid: None)
    assert client.post(malformed, json=MONTHLY, headers=auth_headers).status_code == 200
    monkeypatch.setattr(security, "authorize", lambda header, aid, policy: security.ANONYMOUS)
    assert client.post(PATH, json=MONTHLY).status_code == 200
