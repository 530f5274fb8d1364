"""Connexion's routing with remembered decisions: a path Connexion routed once is routed the same way without its
router walk, never mixed with another path, never for a 404 or a 405, and in bounded memory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from connexion.middleware.routing import RoutingMiddleware
from starlette.responses import Response
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from contracts.model.contract import Contract
from contracts.testing.live import MONTHLY, VALID_AID
from mockserver.app import create_app
from mockserver.service import connexion_app
from mockserver.service.gate import AcceptedRequest
from mockserver.settings import Settings

OTHER_AID = "T87654321"


def report_path(aid: str) -> str:
    return f"/v1/accounts/{aid}/insight/generate-report"


@pytest.fixture
def router_walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths Connexion's own router was asked to route (its ``RoutingMiddleware.__call__``)."""
    walked: list[str] = []
    original = RoutingMiddleware.__call__

    async def counting(self: RoutingMiddleware, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            walked.append(f"{scope['method']} {scope['path']}")
        await original(self, scope, receive, send)

    monkeypatch.setattr(RoutingMiddleware, "__call__", counting)
    return walked


@pytest.fixture
def answered(contract: Contract) -> Iterator[tuple[TestClient, list[AcceptedRequest]]]:
    seen: list[AcceptedRequest] = []

    def handler(accepted: AcceptedRequest) -> Response:
        seen.append(accepted)
        return Response(accepted.aid.encode(), media_type="text/plain")

    with TestClient(create_app(Settings(), handlers={contract.operation_id: handler})) as client:
        yield client, seen


def test_a_path_routed_once_is_routed_again_without_the_router_walk(
    answered: tuple[TestClient, list[AcceptedRequest]], router_walks: list[str], auth_headers: dict[str, str]
) -> None:
    client, seen = answered
    first = client.post(report_path(VALID_AID), json=MONTHLY, headers=auth_headers)
    second = client.post(report_path(VALID_AID), json=MONTHLY, headers=auth_headers)
    assert first.status_code == second.status_code == 200
    assert [accepted.aid for accepted in seen] == [VALID_AID, VALID_AID]
    assert router_walks == [f"POST {report_path(VALID_AID)}"]


def test_each_path_keeps_its_own_path_parameters(
    answered: tuple[TestClient, list[AcceptedRequest]], router_walks: list[str], contract: Contract
) -> None:
    client, seen = answered
    headers = {"Authorization": f"Bearer {_token()}"}
    for aid in (VALID_AID, OTHER_AID, VALID_AID, OTHER_AID):
        assert client.post(report_path(aid), json=MONTHLY, headers=headers).text == aid
    assert [accepted.aid for accepted in seen] == [VALID_AID, OTHER_AID, VALID_AID, OTHER_AID]
    assert len(router_walks) == 2


def test_a_malformed_account_id_is_routed_to_the_operation_and_refused_each_time(
    answered: tuple[TestClient, list[AcceptedRequest]], auth_headers: dict[str, str]
) -> None:
    client, seen = answered
    for _ in range(2):
        refused = client.post(report_path("P1"), json=MONTHLY, headers=auth_headers)
        assert refused.status_code == 400 and "'P1'" in refused.json()["error"]["message"]
    assert seen == []


def test_no_route_and_wrong_method_are_asked_of_the_router_every_time(
    answered: tuple[TestClient, list[AcceptedRequest]], router_walks: list[str], auth_headers: dict[str, str]
) -> None:
    client, _ = answered
    for _ in range(2):
        assert client.post("/v1/accounts/P12345678/insight/nothing-here", json=MONTHLY).status_code == 404
        wrong = client.get(report_path(VALID_AID), headers=auth_headers)
        assert wrong.status_code == 405 and wrong.headers["allow"] == "POST"
    assert len(router_walks) == 4


def test_the_admin_api_is_remembered_like_the_contract(router_walks: list[str]) -> None:
    with TestClient(create_app(Settings())) as client:  # a fresh app: the shared one has routed these paths before
        for _ in range(3):
            assert client.get("/_mock/requests").status_code == 200
        assert client.delete("/_mock/requests").status_code == 204
    assert router_walks == ["GET /_mock/requests", "DELETE /_mock/requests"]


def test_remembered_decisions_are_bounded(
    answered: tuple[TestClient, list[AcceptedRequest]],
    router_walks: list[str],
    monkeypatch: pytest.MonkeyPatch,
    auth_headers: dict[str, str],
) -> None:
    monkeypatch.setattr(connexion_app, "MAX_REMEMBERED_ROUTES", 2)
    sizes: list[int] = []
    remember = connexion_app.RememberedOperation.__call__

    async def measuring(self: connexion_app.RememberedOperation, scope: Scope, receive: Receive, send: Send) -> None:
        await remember(self, scope, receive, send)
        sizes.append(len(self.decisions))

    monkeypatch.setattr(connexion_app.RememberedOperation, "__call__", measuring)
    client, seen = answered
    aids = [f"P1234567{digit}" for digit in range(5)]
    for aid in aids * 2:
        assert client.post(report_path(aid), json=MONTHLY, headers={"Authorization": f"Bearer {_token()}"}).text == aid
    assert len(router_walks) == 10  # five paths taking turns never fit in two places: each is routed by Connexion
    assert [accepted.aid for accepted in seen] == aids * 2
    assert sizes and max(sizes) <= 2


def _token() -> str:
    from mockserver.decisions.security import mint_token

    return mint_token(("write:insight",))  # names no account: valid for every aid
