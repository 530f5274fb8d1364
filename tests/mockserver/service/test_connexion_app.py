"""The Connexion app: its routing from the documents (the proxy's matcher), the documents served as their files, and
Connexion used through its public seams only."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from starlette.responses import Response
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.model.contract import Contract
from contracts.testing.live import MONTHLY, VALID_AID
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.service.connexion_app import build_connexion_app
from mockserver.service.gate import AcceptedRequest
from mockserver.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
OTHER_AID = "T87654321"


def report_path(aid: str) -> str:
    return f"/v1/accounts/{aid}/insight/generate-report"


@pytest.fixture
def answered(contract: Contract) -> Iterator[tuple[TestClient, list[AcceptedRequest]]]:
    seen: list[AcceptedRequest] = []

    def handler(accepted: AcceptedRequest) -> Response:
        seen.append(accepted)
        return Response(accepted.aid.encode(), media_type="text/plain")

    with TestClient(create_app(Settings(), handlers={contract.operation_id: handler})) as client:
        yield client, seen


def test_each_path_is_routed_with_its_own_path_parameters(answered: tuple[TestClient, list[AcceptedRequest]]) -> None:
    client, seen = answered
    headers = {"Authorization": f"Bearer {mint_token(('write:insight',))}"}  # names no account: valid for every aid
    for aid in (VALID_AID, OTHER_AID, VALID_AID, OTHER_AID):
        assert client.post(report_path(aid), json=MONTHLY, headers=headers).text == aid
    assert [accepted.aid for accepted in seen] == [VALID_AID, OTHER_AID, VALID_AID, OTHER_AID]


def test_a_malformed_account_id_is_routed_to_the_operation_and_refused(
    answered: tuple[TestClient, list[AcceptedRequest]], auth_headers: dict[str, str]
) -> None:
    client, seen = answered
    for malformed in ("P1", "P1%0A", "P12345678%0A"):  # a line break in the id is still the id, never "no route"
        refused = client.post(report_path(malformed), json=MONTHLY, headers=auth_headers)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "INVALID_PARAMETER"
    assert seen == []


@pytest.mark.parametrize(
    "path",
    [
        "/v1/accounts/P12345678/insight/nothing-here",
        report_path(VALID_AID) + "%0A",  # the whole path must match: a final line break is not the operation's
        "/v1/accounts/P12345678/insight/generate-report/more",
        "/_mock/requests%0A",
    ],
)
def test_a_path_no_operation_has_is_a_404_in_the_error_shape(client: TestClient, path: str) -> None:
    response = client.post(path, json=MONTHLY)
    assert response.status_code == 404 and response.json()["error"] == {"code": "NOT_FOUND", "message": "no such route"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", report_path(VALID_AID), "POST"),
        ("PUT", report_path("P1"), "POST"),
        ("POST", "/_mock/requests", "GET, HEAD, DELETE"),  # every method the admin document declares on the path
        ("PATCH", "/_mock/health", "GET, HEAD"),
    ],
)
def test_a_wrong_method_is_a_405_allowing_every_method_the_documents_declare(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405 and response.headers["allow"] == allowed
    assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED" and allowed in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path"), [("POST", report_path(VALID_AID) + "/"), ("GET", "/_mock/requests/")])
def test_an_operation_with_a_trailing_slash_is_a_404_saying_where_it_is(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, follow_redirects=False)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"no such route; the operation is at {path[:-1]} (no trailing slash)"


def test_head_is_routed_to_the_get_operation(client: TestClient) -> None:
    response = client.head("/_mock/health")
    assert response.status_code == 200 and response.content == b""


def test_an_operation_without_a_handler_stops_the_start_naming_it(contract: Contract) -> None:
    document = spec.load_yaml(spec.SERVED_PATH.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match=f"no handler for the operation.*{contract.operation_id}.*mock_health"):
        build_connexion_app(document, contract, Settings(), {})


# --- the documents, served as they are written ---------------------------------------------------------------------


@pytest.mark.parametrize(("base", "path"), [("/v1", spec.SERVED_PATH), ("/_mock", spec.ADMIN_PATH)])
def test_the_served_json_is_the_file_with_servers_pointing_at_the_mock(
    client: TestClient, base: str, path: Path
) -> None:
    served = client.get(f"{base}/openapi.json")
    written = spec.load_yaml(path.read_text(encoding="utf-8"))
    assert served.status_code == 200 and served.headers["content-type"] == "application/json"
    assert served.json() == {**written, "servers": [{"url": base}]}
    assert served.text.count('"$ref"') == json.dumps(written).count('"$ref"') > 0  # references kept, not inlined


@pytest.mark.parametrize(("base", "path"), [("/v1", spec.SERVED_PATH), ("/_mock", spec.ADMIN_PATH)])
def test_the_served_yaml_is_the_file_with_servers_pointing_at_the_mock(
    client: TestClient, base: str, path: Path
) -> None:
    served = client.get(f"{base}/openapi.yaml")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/yaml")
    assert spec.load_yaml(served.text) == {
        **spec.load_yaml(path.read_text(encoding="utf-8")),
        "servers": [{"url": base}],
    }
    assert yaml.safe_load(served.text) == spec.load_yaml(served.text)  # 'no' stays a string to a YAML 1.1 reader (D8)


def test_swagger_ui_reads_the_served_document(client: TestClient) -> None:
    for base in ("/v1", "/_mock"):
        page = client.get(f"{base}/ui/")
        assert page.status_code == 200 and f"{base}/openapi.json" in page.text


def test_a_document_asked_with_another_method_is_a_405_in_the_error_shape(client: TestClient) -> None:
    response = client.post("/v1/openapi.json", json={})
    assert response.status_code == 405 and response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["allow"]


# --- Connexion through its seams -----------------------------------------------------------------------------------


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_connexion_uses(source: str) -> list[str]:
    """Private names taken from Connexion: imported from it, or read as an attribute of anything but our own ``self``
    in a module that imports Connexion."""
    tree = ast.parse(source)
    imported = [
        f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if (node.module if isinstance(node, ast.ImportFrom) else alias.name or "").split(".")[0] == "connexion"
    ]
    found = [name for name in imported if any(is_private(part) for part in name.split("."))]
    if imported:
        found += [
            ast.unparse(node)
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and not (isinstance(node.value, ast.Name) and node.value.id == "self")
        ]
    return found


def test_no_private_connexion_name_is_used_anywhere() -> None:
    used = {
        str(path.relative_to(ROOT)): private_connexion_uses(path.read_text(encoding="utf-8"))
        for package in ("mockserver", "contracts")
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in used.items() if names} == {}


def test_the_guard_finds_private_connexion_names() -> None:
    """The check above can fail: what the mock once did is caught."""
    assert private_connexion_uses("from connexion.middleware import routing\nrouting._scope.get()\n") == [
        "routing._scope"
    ]
    assert private_connexion_uses("from connexion.middleware.routing import _scope\n") == [
        "connexion.middleware.routing._scope"
    ]
    assert private_connexion_uses("import connexion\nself._app = 1\n") == []
