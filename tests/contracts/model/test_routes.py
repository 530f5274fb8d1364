"""The one route matcher: built from the contract's path templates, it agrees with the mock's Connexion routing."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.model.contract import Contract
from contracts.model.routes import route, routes_of


def test_the_report_route_is_the_contracts_template_under_its_base_path(contract: Contract) -> None:
    report = contract.route
    assert (report.method, report.template) == ("POST", "/v1/accounts/{aid}/insight/generate-report")
    assert report.operation_id == contract.operation_id
    assert report.match("/v1/accounts/P12345678/insight/generate-report") == {"aid": "P12345678"}
    assert report.match("/v1/accounts/P1/insight/generate-report/x") is None
    assert report.match("/v1/accounts//insight/generate-report") is None  # an empty segment names no account
    assert report.match("/accounts/P1/insight/generate-report") is None
    assert report.match("/v1/accounts/P1\n/insight/generate-report") == {"aid": "P1\n"}  # a malformed id: its 400
    assert report.match("/v1/accounts/P1/insight/generate-report\n") is None  # the whole path, not a prefix


def test_parameter_names_that_are_not_identifiers_keep_their_contract_name() -> None:
    assert route("get", "/shops/{shop-id}", "getShop").match("/shops/S1") == {"shop-id": "S1"}


def test_every_operation_of_a_contract_gets_a_route(contract: Contract) -> None:
    admin = spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8"))
    assert [found.operation_id for found in routes_of(contract.document, contract.base_path)] == [contract.operation_id]
    assert {found.operation_id for found in routes_of(admin, "/_mock")} >= {"mock_list_requests", "mock_get_report"}


@pytest.mark.parametrize(
    "path",
    [
        "/v1/accounts/P12345678/insight/generate-report",
        "/v1/accounts/X1/insight/generate-report",
        "/v1/accounts/P12345678%0A/insight/generate-report",
        "/v1/accounts/P12345678/insight/generate-report%0A",
        "/v1%0A/accounts/P12345678/insight/generate-report",
        "/v1/accounts/P12345678/insight/generate-reports",
        "/v1/accounts/P1/x/insight/generate-report",
        "/v1/accounts/%2F/insight/generate-report",
    ],
)
def test_the_mock_routes_a_path_to_the_report_operation_exactly_when_the_matcher_does(
    client: TestClient, contract: Contract, path: str
) -> None:
    # Without a token: the report operation answers 401, any other path Connexion's routing 404.
    routed = client.post(path, json={}).status_code == 401
    assert routed == (contract.route.match(unquote(path)) is not None)
