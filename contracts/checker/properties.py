"""The property phase of ``insight-contracts check``: send every probe to a server and judge every answer.

I/O lives behind one seam (``Transport``: a probe in, an ``Answer`` out) so the judgements stay pure and testable;
the probes are enumerated (``contracts.checker.probes``) and the random draws seeded, so a failing run is reproduced by
its seed.

Each answer is judged, in the ``contract`` profile (the default), on:

* ``status``: the status the probe must get (2xx for valid params, 400 for a broken body, 401/403 for auth, a 4xx for
  a body that is not JSON or an account id outside the pattern); a probe derived from a base request is judged only
  when the server accepted the base (``contracts.checker.probes``), so a 4xx is attributable without its message;
* ``shape``: an answer with a status the published document declares with its Error schema is that schema, in
  ``application/json``;
* ``echo``: a 200 gives back the params sent (``contracts.model.judgements``).

The ``mock`` profile holds a server to our mock's conventions on top (``status`` 415 and a refused charset, too):

* ``reason``: a refusal points at the field the probe broke (an ``error.errors`` entry or the message);
* ``named-value``: a window refusal names the value that would have been right;
* ``error-entries``: a 400 lists its problems in ``error.errors``, each with ``path`` and ``code``;
* ``error-code``: ``error.code`` is one the served contract's examples document for the status;
* ``shape`` of every error (404, 415... too) and ``echo`` exactly, with the defaults filled in;
* ``cors-on-errors`` (over the whole run): a server that answers CORS on its successes answers it on its errors too,
  or a browser shows the frontend a network error instead of the API's message.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.checker import asgi
from contracts.checker.probes import Plan, Probe
from contracts.model import judgements, validation
from contracts.model.contract import Contract, default_contract
from contracts.model.judgements import CONTRACT, MOCK

DEFAULT_AID = "P12345678"
DEFAULT_ORIGIN = "http://localhost:3000"  # where a frontend's dev server runs; browsers send Origin on every POST


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str | None
    body: bytes
    allow_origin: str | None = None


@dataclass(frozen=True)
class Failure:
    case: str  # the probe's case, e.g. "window-start" or "auth expired"
    judgement: str  # status, reason, named-value, shape, echo, cors-on-errors, no-answer
    message: str
    curl: str

    @property
    def rule(self) -> str:
        """The exact rule that failed: what was probed and which judgement it failed."""
        return f"{self.case}: {self.judgement}"


@dataclass(frozen=True)
class Exchange:
    probe: Probe
    status: int | None  # None: no answer


@dataclass
class PhaseResult:
    sent: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    skipped: list[tuple[Probe, str]] = field(default_factory=list)  # planned but not sent, and why
    successes: int = 0
    stopped_early: bool = False

    @property
    def total(self) -> int:
        return sum(self.sent.values())


Transport = Callable[[Probe], Answer]


def _why_refused(contract: Contract, probe: Probe, profile: str) -> str:
    """Why a probe must be refused: in the contract's words (the probe's own), or our validator's for the mock."""
    problems = validation.validate_body(contract, probe.params) if profile == MOCK else []
    return problems[0].message if problems else probe.why or probe.case


def _server_message(body: bytes) -> str:
    _, text = judgements.error_locations(body)
    return text.split("\n", 1)[0][:200] or body[:120].decode("utf-8", "replace")


REFUSED_ALLOWED = "the server refused a body the contract allows"


def judge(contract: Contract, probe: Probe, answer: Answer, profile: str = CONTRACT) -> list[tuple[str, str]]:
    """Every way an answer breaks the contract for its probe, as ``(judgement, message)``; empty when it keeps it."""
    problems: list[tuple[str, str]] = []
    if not probe.expects(answer.status):
        if probe.expect == "2xx":
            detail = f"{answer.status}: {_server_message(answer.body)!r}"
            problems.append(("status", f"{REFUSED_ALLOWED} ({probe.why or 'a valid request'}), with {detail}"))
        elif 200 <= answer.status < 300:
            why = _why_refused(contract, probe, profile)
            problems.append(("status", f"accepted ({answer.status}), expected {probe.expect}: {why}"))
        else:
            message = _server_message(answer.body)
            problems.append(("status", f"expected {probe.expect}, got {answer.status}: {message!r}"))
    elif profile == MOCK and probe.expect_paths:
        reason = judgements.reason_problem(probe.expect_paths, answer.status, answer.body)
        if reason:
            problems.append(("reason", reason))
        else:
            named = judgements.named_value_problem(probe.expect_values, answer.body)
            if named:
                problems.append(("named-value", named))
    shape = judgements.error_shape_problem(contract, answer.status, answer.content_type, answer.body, profile)
    if shape:
        problems.append(("shape", shape))
    if profile == MOCK and not shape and probe.expects(answer.status):
        entries = judgements.error_entries_problem(answer.status, answer.body) if probe.expect_paths else None
        if entries:
            problems.append(("error-entries", entries))
        code = judgements.error_code_problem(contract, answer.status, answer.body)
        if code:
            problems.append(("error-code", code))
    if probe.expect == "2xx":
        echo = judgements.echo_problem(contract, probe.params, answer.status, answer.body, profile)
        if echo:
            problems.append(("echo", echo))
    return problems


HIDDEN_TOKEN = "$RESIGNED_TOKEN"


def curl_line(
    base_url: str, probe: Probe, user_token: str | None = None, origin: str | None = None, *, hide: bool = False
) -> str:
    """A shell line that sends the probe again. The user's token is read from $TOKEN, never printed; so is a token
    the checker signed with the server's own secret (``hide``): it would be a working credential in a CI log."""
    url = shlex.quote(base_url + default_contract().path.replace("{aid}", probe.aid))
    token = "$TOKEN" if probe.token is not None and probe.token == user_token else probe.token
    if hide and probe.resigned and token is not None:
        token = HIDDEN_TOKEN
    auth = "" if token is None else f' -H "Authorization: Bearer {token}"'
    media = "" if probe.content_type is None else f" -H {shlex.quote('Content-Type: ' + probe.content_type)}"
    cors = "" if origin is None else f" -H {shlex.quote('Origin: ' + origin)}"
    body = shlex.quote(json.dumps(probe.params, ensure_ascii=False))
    return f"curl -sS -X POST {url}{auth}{media}{cors} --data-raw {body}"


def request_parts(probe: Probe, origin: str | None) -> tuple[str, bytes, dict[str, str]]:
    """What a probe sends: the path below the base URL, the body and the headers."""
    headers = {}
    if probe.content_type is not None:
        headers["Content-Type"] = probe.content_type
    if probe.token is not None:
        headers["Authorization"] = f"Bearer {probe.token}"
    if origin:
        headers["Origin"] = origin
    return default_contract().path.replace("{aid}", probe.aid), json.dumps(probe.params).encode(), headers


def _answer(response: httpx.Response) -> Answer:
    return Answer(
        response.status_code,
        response.headers.get("content-type"),
        response.content,
        response.headers.get("access-control-allow-origin"),
    )


def http_transport(
    base_url: str, timeout: float = 30.0, origin: str | None = DEFAULT_ORIGIN
) -> tuple[Transport, Callable[[], None]]:
    client = httpx.Client(timeout=timeout)

    def send(probe: Probe) -> Answer:
        path, body, headers = request_parts(probe, origin)
        return _answer(client.post(base_url + path, content=body, headers=headers))

    return send, client.close


def asgi_transport(
    app: Any, base_url: str = "http://testserver/v1", origin: str | None = DEFAULT_ORIGIN
) -> tuple[Transport, Callable[[], None]]:
    """Probes sent to an ASGI app in this process (``contracts.checker.asgi``): no server, no sockets, no threads.

    The app's lifespan is not run; each probe is one turn of a private event loop."""
    loop = asyncio.new_event_loop()

    def send(probe: Probe) -> Answer:
        path, body, headers = request_parts(probe, origin)
        return asgi_answer(loop.run_until_complete(asgi.request(app, "POST", base_url + path, headers, body)))

    return send, loop.close


def asgi_answer(response: asgi.Response) -> Answer:
    """What the checker judges of an in-process app's answer."""
    return Answer(
        response.status,
        response.header("content-type"),
        response.body,
        response.header("access-control-allow-origin"),
    )


BASE_REFUSED = "not judged: the server refused the request it changes (see that request's failure)"
SIGNATURES_VERIFIED = (
    "the server refused the user's claims re-signed with a throwaway key, so it verifies signatures and the "
    "expired/not-yet-valid/scope/account probes would only test the signature; pass --jwt-secret to run them"
)


def run_phase(
    base_url: str,
    planned: Plan | Iterable[Probe],
    transport: Transport,
    *,
    time_budget: float | None = None,
    user_token: str | None = None,
    contract: Contract | None = None,
    origin: str | None = DEFAULT_ORIGIN,
    profile: str | None = None,
) -> PhaseResult:
    """Send every probe of a plan and judge every answer by the profile (the plan's unless given)."""
    contract = contract or default_contract()
    plan = planned if isinstance(planned, Plan) else Plan(control=None, probes=list(planned))
    profile = profile or plan.profile
    result = PhaseResult()
    accepted: set[str] = set()  # the keys of the requests that got a 2xx: the bases of later probes
    started = time.monotonic()
    answers: list[tuple[Probe, Answer]] = []

    def send(probe: Probe) -> Answer | None:
        result.sent[probe.case] = result.sent.get(probe.case, 0) + 1

        def curl() -> str:  # only a failure shows it
            return curl_line(base_url, probe, user_token, origin, hide=plan.signed_with_secret)

        try:
            answer = transport(probe)
        except httpx.HTTPError as error:
            result.exchanges.append(Exchange(probe, None))
            result.failures.append(Failure(probe.case, "no-answer", f"no answer: {error!r}", curl()))
            return None
        result.exchanges.append(Exchange(probe, answer.status))
        answers.append((probe, answer))
        if 200 <= answer.status < 300:
            result.successes += 1
            accepted.add(probe.key)
        for judgement, message in judge(contract, probe, answer, profile):
            result.failures.append(Failure(probe.case, judgement, message, curl()))
        return answer

    resigned_usable = False
    if plan.control is not None:
        control = send(plan.control)
        resigned_usable = control is not None and 200 <= control.status < 300
        if control is not None and control.status == 401:
            # Not a contract verdict: the server verifies signatures, which the throwaway key cannot pass.
            result.failures = [failure for failure in result.failures if failure.case != plan.control.case]
    for probe in plan.probes:
        if probe.resigned and not resigned_usable:
            result.skipped.append((probe, SIGNATURES_VERIFIED))
            continue
        if probe.base is not None and probe.base not in accepted:
            result.skipped.append((probe, BASE_REFUSED))
            continue
        if time_budget is not None and time.monotonic() - started > time_budget:
            result.stopped_early = True
            result.skipped.append((probe, "the time budget ran out"))
            continue
        send(probe)
    if profile == MOCK:
        result.failures += cors_failures(base_url, answers, user_token, origin)
    return result


def cors_failures(
    base_url: str, answers: list[tuple[Probe, Answer]], user_token: str | None, origin: str | None
) -> list[Failure]:
    """One failure when a server answers CORS on its successes but not on some of its errors."""
    if not origin or not any(200 <= answer.status < 300 and answer.allow_origin for _, answer in answers):
        return []
    bare = [(probe, answer) for probe, answer in answers if answer.status >= 400 and not answer.allow_origin]
    if not bare:
        return []
    statuses = sorted({answer.status for _, answer in bare})
    probe = bare[0][0]
    message = (
        f"{len(bare)} error answer(s) (status {', '.join(map(str, statuses))}) lack Access-Control-Allow-Origin "
        "although successes carry it: a browser hides the error from the frontend"
    )
    return [Failure("cors", "cors-on-errors", message, curl_line(base_url, probe, user_token, origin))]


SETUP_HINT_401 = (
    "pass a token the server accepts with --token (for the mock: "
    '--token "$(insight-mock token --scope write:insight)"), for the account given with --aid'
)


def setup_problem(base_url: str, answers: list[Answer], aid: str = DEFAULT_AID) -> str | None:
    """A set-up mistake, not a contract verdict: every answer a 401 or 403 (the token) or a 404 (the URL)."""
    if not answers:
        return None
    if all(answer.status == 404 for answer in answers):
        return (
            f"nothing at {base_url} (every request got 404); the base URL usually ends in /v1, "
            f"e.g. insight-contracts check {base_url.rstrip('/')}/v1 --token ..."
        )
    if all(answer.status == 401 for answer in answers):
        return f"the token was refused: {_server_message(answers[0].body)!r}; {SETUP_HINT_401}"
    if all(answer.status == 403 for answer in answers):
        return (
            f"the token was refused for account {aid}: {_server_message(answers[0].body)!r}; pass a token with scope "
            "write:insight or admin:insight for that account with --token, or the token's own account with --aid"
        )
    return None
