"""The property phase of ``insight-contracts check``: send drawn params to a server and judge every answer.

I/O lives behind one seam (``Transport``: params in, ``Answer`` out) so the judgements stay pure and testable; the
draws are seeded, so a failing run is reproduced by its seed.
"""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from contracts import judgements
from contracts.model import Contract, default_contract
from contracts.strategies import INVALID_KINDS, InvalidParams, invalid_report_params, report_params


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str | None
    body: bytes


@dataclass(frozen=True)
class Probe:
    """One request of the phase and the rule it tests."""

    rule: str
    params: Any
    aid: str
    token: str | None
    expect: str  # "2xx", "400", "401" or "4xx"


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str
    curl: str


@dataclass
class PhaseResult:
    sent: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    successes: int = 0
    stopped_early: bool = False

    @property
    def total(self) -> int:
        return sum(self.sent.values())


Transport = Callable[[Probe], Answer]
DEFAULT_AID = "P12345678"


def draws(strategy: st.SearchStrategy[Any], count: int, seed_value: int) -> list[Any]:
    """``count`` examples of a strategy, the same ones for the same seed (no database, no shrinking)."""
    drawn: list[Any] = []

    @seed(seed_value)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn[:count]


def probes(examples: int, seed_value: int, token: str, aid: str = DEFAULT_AID) -> list[Probe]:
    """Every request of the phase: valid params, each invalid kind, and the auth and account-id probes."""
    planned = [
        Probe("valid-params-accepted", params, aid, token, "2xx")
        for params in draws(report_params(), examples, seed_value)
    ]
    per_kind = max(2, examples // 5)
    for index, kind in enumerate(INVALID_KINDS):
        invalid: list[InvalidParams] = draws(invalid_report_params(kind), per_kind, seed_value + index + 1)
        planned += [Probe(kind, item.params, aid, token, "400") for item in invalid]
    sample = planned[0].params
    planned += [
        Probe("auth-required", sample, aid, None, "401"),
        Probe("auth-garbage-token", sample, aid, "not-a-jwt", "401"),
        Probe("auth-unsigned-token", sample, aid, _unsigned_token(), "401"),
        Probe("account-id-pattern", sample, "X12345678", token, "4xx"),
    ]
    return planned


def _unsigned_token() -> str:
    import base64

    def segment(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment({'scope': 'write:insight admin:insight'})}."


def judge(contract: Contract, probe: Probe, answer: Answer) -> list[str]:
    """Every way an answer breaks the contract for its probe (empty when it keeps it)."""
    problems = []
    expected = {"2xx": 200 <= answer.status < 300, "4xx": 400 <= answer.status < 500}.get(
        probe.expect, str(answer.status) == probe.expect
    )
    if not expected:
        detail = judgements.window_problem(contract, probe.params, answer.status) if probe.token else None
        problems.append(detail or f"expected {probe.expect}, got {answer.status}")
    shape = judgements.error_shape_problem(contract, answer.status, answer.content_type, answer.body)
    if shape:
        problems.append(shape)
    if probe.expect == "2xx":
        echo = judgements.echo_problem(contract, probe.params, answer.status, answer.body)
        if echo:
            problems.append(echo)
    return problems


def curl_line(base_url: str, probe: Probe, user_token: str | None = None) -> str:
    """A shell line that sends the probe again (the user's token is read from $TOKEN, never printed)."""
    url = shlex.quote(base_url + default_contract().path.replace("{aid}", probe.aid))
    token = "$TOKEN" if probe.token is not None and probe.token == user_token else probe.token
    auth = "" if token is None else f' -H "Authorization: Bearer {token}"'
    body = shlex.quote(json.dumps(probe.params, ensure_ascii=False))
    return f"curl -sS -X POST {url}{auth} -H 'Content-Type: application/json' --data-raw {body}"


def http_transport(base_url: str, timeout: float = 30.0) -> tuple[Transport, Callable[[], None]]:
    client = httpx.Client(timeout=timeout)
    contract = default_contract()

    def send(probe: Probe) -> Answer:
        headers = {"Content-Type": "application/json"}
        if probe.token is not None:
            headers["Authorization"] = f"Bearer {probe.token}"
        url = base_url + contract.path.replace("{aid}", probe.aid)
        response = client.post(url, content=json.dumps(probe.params).encode(), headers=headers)
        return Answer(response.status_code, response.headers.get("content-type"), response.content)

    return send, client.close


def run_phase(
    base_url: str,
    planned: Iterable[Probe],
    transport: Transport,
    *,
    time_budget: float | None = None,
    user_token: str | None = None,
    contract: Contract | None = None,
) -> PhaseResult:
    contract = contract or default_contract()
    result = PhaseResult()
    started = time.monotonic()
    for probe in planned:
        if time_budget is not None and time.monotonic() - started > time_budget:
            result.stopped_early = True
            break
        result.sent[probe.rule] = result.sent.get(probe.rule, 0) + 1
        try:
            answer = transport(probe)
        except httpx.HTTPError as error:
            result.failures.append(Failure(probe.rule, f"no answer: {error!r}", curl_line(base_url, probe, user_token)))
            continue
        if 200 <= answer.status < 300:
            result.successes += 1
        for message in judge(contract, probe, answer):
            result.failures.append(Failure(probe.rule, message, curl_line(base_url, probe, user_token)))
    return result
