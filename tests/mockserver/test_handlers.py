"""The report operation's handler: the echo and the report link, a pure function of the account, body and host."""

from __future__ import annotations

import json

import pytest

from contracts.model.contract import Contract
from contracts.testing.live import MONTHLY, VALID_AID
from mockserver.decisions.acceptance import check_body
from mockserver.decisions.report_links import open_report_token
from mockserver.decisions.security import ANONYMOUS
from mockserver.service.gate import AcceptedRequest
from mockserver.service.handlers import Handlers
from mockserver.settings import Settings
from mockserver.state.journal import Journal

BASE = "http://127.0.0.1:8080"


def accepted(
    contract: Contract, body: dict[str, object], aid: str = VALID_AID, raw: bytes | None = None
) -> AcceptedRequest:
    raw = json.dumps(body).encode() if raw is None else raw
    return AcceptedRequest(aid, check_body(contract, json.loads(raw)), ANONYMOUS, BASE, raw)


def answer(handler: Handlers, request: AcceptedRequest) -> tuple[dict[str, object], str]:
    response = handler.generate_report(request)
    link = dict(response.headers)["x-mock-report-url"]
    return json.loads(response.body), link


@pytest.fixture
def handler(contract: Contract) -> Handlers:
    return Handlers(contract, Settings(), Journal(10))


def test_the_answer_echoes_the_params_with_defaults_and_links_to_the_report(
    handler: Handlers, contract: Contract
) -> None:
    echo, link = answer(handler, accepted(contract, MONTHLY))
    assert echo == {**MONTHLY, "contentType": "text/csv"}
    assert link.startswith(f"{BASE}/_mock/reports/")
    aid, params = open_report_token(link.rsplit("/", 1)[1], Settings().report_key)
    assert aid == VALID_AID and params == echo


def test_a_body_sent_again_gets_the_same_answer(handler: Handlers, contract: Contract) -> None:
    first = answer(handler, accepted(contract, MONTHLY))
    assert first == answer(handler, accepted(contract, MONTHLY))
    assert first == answer(Handlers(contract, Settings(), Journal(10)), accepted(contract, MONTHLY))  # another worker


def test_each_account_and_each_body_gets_its_own_answer(handler: Handlers, contract: Contract) -> None:
    english = {**MONTHLY, "language": "en"}
    answers = [
        answer(handler, accepted(contract, body, aid))
        for aid in (VALID_AID, "T87654321")
        for body in (MONTHLY, english)
    ]
    assert len({link for _, link in answers}) == 4
    assert [echo["language"] for echo, _ in answers] == ["no", "en", "no", "en"]
    for (_, link), aid in zip(answers, (VALID_AID, VALID_AID, "T87654321", "T87654321"), strict=True):
        assert open_report_token(link.rsplit("/", 1)[1], Settings().report_key)[0] == aid


def test_the_link_keeps_the_host_each_request_used(handler: Handlers, contract: Contract) -> None:
    request = accepted(contract, MONTHLY)
    answer(handler, request)
    elsewhere = AcceptedRequest(request.aid, request.params, request.principal, "http://mock.test:9000", request.body)
    assert answer(handler, elsewhere)[1].startswith("http://mock.test:9000/_mock/reports/")
