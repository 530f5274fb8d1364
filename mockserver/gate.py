"""The contract gate: one ASGI middleware that checks a request to a contract operation before its handler runs.

It replaces Connexion's security and request-validation middlewares for the report operation, because the published
contract cannot express what it must check (scopes, the account claim, the discriminator, the from/to rules) and
because a single pass over the request is cheaper. The order of the checks is the order a client fixes them in:

    400 Prefer -> 401 token -> 403 scope / account -> 415 media type -> 400 aid -> 413 size -> 400 JSON
    -> 400 body and window -> Prefer: code=NNN -> --fail-rate -> the handler

``Prefer: code=NNN`` replaces only an answer that would have been a 200 (a request that fails a check gets that
check's error); with ``Prefer: validation=skip`` the forced answer comes without any check. The accepted params
(defaults filled in) are left in ``scope["extensions"]["insight"]`` for the handler.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts import validation
from contracts.model import Contract
from contracts.rules import Violation
from mockserver import intake
from mockserver.controls import parse_prefer
from mockserver.errors import FORCED, InternalError, InvalidBody, InvalidParameter, InvalidPeriod
from mockserver.security import Principal, TokenPolicy, authorize
from mockserver.settings import Settings

ROUTING = "connexion_routing"
EXTENSION = "insight"


@dataclass(frozen=True)
class AcceptedRequest:
    aid: str
    params: dict[str, Any]
    principal: Principal


def check_account(contract: Contract, aid: str) -> None:
    if not contract.account_pattern.search(aid):
        raise InvalidParameter(
            f"account id {aid!r} is malformed; it is 'P' or 'T' followed by 8 digits, e.g. P12345678",
            problems=[Violation("pattern", "aid", f"{aid!r} does not match {contract.account_schema['pattern']}")],
        )


def check_body(contract: Contract, body: Any) -> dict[str, Any]:
    """The accepted params of a parsed body, or the 400 that lists every problem."""
    problems = validation.validate_body(contract, body)
    if not problems:
        return validation.accepted_params(contract, body)
    if all(validation.is_window_problem(problem) for problem in problems):
        raise InvalidPeriod(
            problems[0].message if len(problems) == 1 else "the report period is invalid", problems=problems
        )
    count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
    raise InvalidBody(f"the report request has {count}: {problems[0].message}", problems=problems)


class ContractGate:
    def __init__(self, app: ASGIApp, *, contract: Contract, settings: Settings) -> None:
        self.app = app
        self.contract = contract
        self.settings = settings
        self.policy = TokenPolicy.from_settings(settings, contract.required_scopes)
        self.failures = random.Random(settings.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing = scope.get("extensions", {}).get(ROUTING, {})
        if scope["type"] != "http" or routing.get("operation_id") != self.contract.operation_id:
            await self.app(scope, receive, send)
            return
        preferences = parse_prefer(Headers(scope=scope).get("prefer"), self.contract.declared_statuses)
        forced = FORCED.get(preferences.code or 200)
        if forced is not None and preferences.skip_validation:
            raise forced()
        try:
            accepted, raw = await self._admit(scope, receive)
        except intake.ClientDisconnected:
            return
        if forced is not None:
            raise forced()
        if self.settings.fail_rate and self.failures.random() < self.settings.fail_rate:
            raise InternalError("the report service failed unexpectedly; try again later (simulated by --fail-rate)")
        scope["extensions"][EXTENSION] = accepted
        await self.app(scope, _replay(raw, receive), send)

    async def _admit(self, scope: Scope, receive: Receive) -> tuple[AcceptedRequest, bytes]:
        headers = Headers(scope=scope)
        aid = str(scope.get("path_params", {}).get("aid", ""))
        principal = authorize(headers.get("authorization"), aid, self.policy)
        intake.check_media_type(headers.get("content-type"))
        check_account(self.contract, aid)
        intake.check_declared_length(headers.get("content-length"), self.settings.max_body_bytes)
        raw = await intake.read_body(receive, self.settings.max_body_bytes)
        body = intake.parse_json(raw, self.settings.max_json_depth)
        return AcceptedRequest(aid, check_body(self.contract, body), principal), raw


def _replay(raw: bytes, receive: Receive) -> Receive:
    """A receive channel that gives the already-read body once, then defers to the client's channel."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay
