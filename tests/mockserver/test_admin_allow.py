"""A 405 lists every method of the route in ``Allow``, on the admin API as on the contract's operation."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contracts.document import spec
from contracts.model.routes import allowed_methods, routes_of


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/_mock/requests", "GET, HEAD, DELETE"),
        ("PUT", "/_mock/requests", "GET, HEAD, DELETE"),
        ("POST", "/_mock/health", "GET, HEAD"),
        ("DELETE", "/_mock/reports/some-token", "GET, HEAD"),
        ("GET", "/v1/accounts/P12345678/insight/generate-report", "POST"),
    ],
)
def test_a_405_lists_every_method_of_the_route(client: TestClient, method: str, path: str, allow: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["error"] == {
        "code": "METHOD_NOT_ALLOWED",
        "message": f"method not allowed on this route; allowed: {allow}",
    }


def test_the_allow_table_is_read_from_the_document_with_its_path_templates() -> None:
    table = routes_of(spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8")), "/_mock")
    assert allowed_methods(table, "/_mock/requests") == "GET, HEAD, DELETE"
    assert allowed_methods(table, "/_mock/reports/abc") == "GET, HEAD"
    assert allowed_methods(table, "/_mock/reports/a/b") is None
    assert allowed_methods(table, "/v1/requests") is None
