"""Differential property test: the mock and the conforming server (two implementations written apart) agree on the
status class of every body Hypothesis draws, valid and of each invalid kind. A disagreement is a bug in one of them; the
failure prints both answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from starlette.testclient import TestClient

from contracts.checker import properties
from contracts.checker.probes import Probe
from contracts.testing.live import MONTHLY
from contracts.testing.strategies import invalid_report_params, report_params
from mockserver.app import create_app
from mockserver.decisions.security import mint_token
from mockserver.settings import Settings
from tests.conforming.server import create_app as create_conforming_app

TOKEN = mint_token(("write:insight",), ttl_seconds=24 * 3600, now=time.time())
BODIES = st.one_of(report_params(), invalid_report_params().map(lambda invalid: invalid.params))


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[properties.Transport, properties.Transport]]:
    mock, close_mock = properties.asgi_transport(create_app(Settings()))
    conforming, close_conforming = properties.asgi_transport(create_conforming_app())
    yield mock, conforming
    close_mock()
    close_conforming()


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@given(body=BODIES)
def test_the_mock_and_the_conforming_server_agree_on_every_body(
    servers: tuple[properties.Transport, properties.Transport], body: Any
) -> None:
    probe = Probe("differential", body, "P12345678", TOKEN, "any")
    mock, conforming = (send(probe) for send in servers)
    note(f"mock: {mock.status} {mock.body[:300]!r}")
    note(f"conforming server: {conforming.status} {conforming.body[:300]!r}")
    assert status_class(mock.status) == status_class(conforming.status), (
        f"they disagree on {body!r}: the mock answers {mock.status} {mock.body[:300]!r}, "
        f"the conforming server {conforming.status} {conforming.body[:300]!r}"
    )


@pytest.mark.parametrize("method", ["POST", "GET", "DELETE", "TRACE"])
@pytest.mark.parametrize("aid", ["P12345678", "%0A", "a%0Ab", "%C2%85"])
def test_the_conforming_server_answers_any_method_and_path_in_its_error_shape(method: str, aid: str) -> None:
    with TestClient(create_conforming_app()) as client:
        answer = client.request(method, f"/v1/accounts/{aid}/insight/generate-report", json=MONTHLY)
        stray = client.request(method, f"/v2/{aid}")
    for response in (answer, stray):
        assert response.headers["content-type"] == "application/json", (method, aid, response.text)
        assert set(response.json()["error"]) == {"code", "message"}
    assert stray.status_code == 404
    if aid == "P12345678":
        assert (answer.status_code == 405) == (method != "POST"), answer.text
