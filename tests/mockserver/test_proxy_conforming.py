"""The proxy in front of the conforming server (another implementation, with legal habits of its own): under the default
``contract`` profile none of its answers is a violation, in report mode and in enforce mode (never a 502); under
``--profile mock`` its habits are named, as the checker names them.

Every request of a default check's plan goes through the proxy, in-process (ASGI both ways): valid bodies of each
variant, schedule and form, each refused value and broken window, each auth failure, each media type.
"""

from __future__ import annotations

import asyncio
import json
import time
from functools import cache
from typing import Any

import httpx
import pytest

from contracts.checker import probes, properties
from contracts.model.contract import default_contract
from mockserver.decisions.security import mint_token
from mockserver.proxy.app import create_proxy_app
from mockserver.proxy.violations import HEADER, decode_header
from tests.conforming.server import create_app
from tests.conftest import output_of, start_proxy, stop

TOKEN = mint_token(("write:insight",))


@cache
def plan() -> probes.Plan:
    """A default check's plan, made on first use (every pytest-xdist worker collects every module)."""
    return probes.plan(default_contract(), TOKEN, "P12345678", seed=5, examples=5, now=time.time())


def requests() -> list[probes.Probe]:
    """The plan, plus what the checker's contract profile leaves out: a charset parameter, which the conforming server
    ignores."""
    first = plan().probes[0]
    return [
        *plan().probes,
        probes.Probe("charset", first.params, "P12345678", TOKEN, "2xx", content_type=probes.CHARSET_REFUSED),
    ]


def exchanges(mode: str, profile: str) -> list[tuple[probes.Probe, httpx.Response]]:
    upstream = httpx.ASGITransport(app=create_app())
    proxy = create_proxy_app("http://conforming.test", mode, transport=upstream, profile=profile)  # type: ignore[arg-type]

    async def send_all() -> list[tuple[probes.Probe, httpx.Response]]:
        answers = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy), base_url="http://proxy.test") as client:
            for probe in requests():
                path, body, headers = properties.request_parts(probe, None)
                answers.append((probe, await client.post("/v1" + path, content=body, headers=headers)))
        return answers

    return asyncio.run(send_all())


def response_violations(response: httpx.Response) -> list[dict[str, Any]]:
    return [item for item in decode_header(response.headers.get(HEADER)) if item["location"][0] == "response"]


@pytest.mark.parametrize("mode", ["report", "enforce"])
def test_no_legal_answer_of_the_conforming_server_is_a_violation_of_the_contract(mode: str) -> None:
    found = exchanges(mode, "contract")
    assert all(response.status_code != 502 for _, response in found), [
        (probe.case, response.text) for probe, response in found if response.status_code == 502
    ]
    violations = [(probe.case, response_violations(response)) for probe, response in found]
    assert [item for item in violations if item[1]] == []
    assert sum(response.status_code == 200 for _, response in found) > 50  # valid requests reached it and came back
    if mode == "report":  # the request violations the proxy reports are the probes' own breakage
        broken = {probe.case for probe, response in found if response.headers.get(HEADER)}
        assert "valid" not in broken and "charset" not in broken and "window-start" in broken


def test_the_mock_profile_names_the_conforming_servers_habits_in_its_answers() -> None:
    found = exchanges("report", "mock")
    codes = {item["code"] for _, response in found for item in response_violations(response)}
    # No default contentType filled in; a charset accepted (its message-only errors keep the served Error schema).
    assert codes == {"echo", "accepted-invalid"}
    accepted = {
        probe.case
        for probe, response in found
        for item in response_violations(response)
        if item["code"] == "accepted-invalid"
    }
    assert accepted == {"charset"}
    charset = next(response for probe, response in found if probe.case == "charset")
    assert any(item["code"] == 415 for item in decode_header(charset.headers.get(HEADER)))
    assert json.loads(charset.content)["dataType"]  # report mode: the upstream's own answer still comes back


def test_an_unknown_profile_is_refused_when_the_proxy_is_built() -> None:
    with pytest.raises(ValueError, match="profile must be one of contract, mock"):
        create_proxy_app("http://conforming.test", profile="strict")


def test_the_proxy_command_takes_the_profile_by_the_checkers_flag_name(live_mock: str) -> None:
    process, proxy = start_proxy(live_mock.removesuffix("/v1"), "--profile", "mock", pipe=True)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json; charset=latin-1"}
        body = json.dumps(plan().probes[0].params)
        answer = httpx.post(f"{proxy}/v1/accounts/P12345678/insight/generate-report", content=body, headers=headers)
        assert answer.status_code == 415  # the mock's own answer, passed through
        assert [item["code"] for item in decode_header(answer.headers.get(HEADER))] == [415]
    finally:
        stop(process)
    assert "profile: mock" in output_of(process)
