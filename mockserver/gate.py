"""The contract gate: the middleware that answers the report operation itself, in one pass.

The published contract cannot express what must be checked (scopes, the account claim, the discriminator, the
from/to rules), and Connexion's per-request machinery (a second routing pass, security and validation middlewares,
parameter and response decorators) costs more CPU than everything the mock does. So the gate sits in front of
Connexion, matches the report route from the contract's own path template, checks the request and answers it;
everything else (Swagger UI, the served contract, 404/405, the admin API) goes on to Connexion.

The order of the checks is the order a client fixes them in:

    400 Prefer -> 401 token -> 403 scope / account -> 415 media type -> 400 aid -> 413 size -> 400 JSON
    -> 400 body and window -> Prefer: code=NNN -> --fail-rate -> 200

``Prefer: code=NNN`` replaces only an answer that would have been a 200 (a request that fails a check gets that
check's error); with ``Prefer: validation=skip`` the forced answer comes without any check.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts import validation
from contracts.model import Contract
from contracts.rules import Violation
from mockserver import intake
from mockserver.controls import parse_prefer
from mockserver.errors import (
    FORCED,
    ApiError,
    InternalError,
    InvalidBody,
    InvalidParameter,
    InvalidPeriod,
    NotFound,
    error_response,
)
from mockserver.security import Principal, TokenPolicy, authorize
from mockserver.settings import Settings

logger = logging.getLogger("insight_mock")


@dataclass(frozen=True)
class AcceptedRequest:
    aid: str
    params: dict[str, Any]
    principal: Principal
    base_url: str  # scheme://host the client used, for links in the answer


Responder = Callable[[AcceptedRequest], Response]


def route_pattern(contract: Contract) -> re.Pattern[str]:
    """The report route as a regex over the decoded path: each ``{name}`` is one path segment, as in Starlette."""
    template = contract.base_path + contract.path
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(f"(?P<{part}>[^/]+)" if index % 2 else re.escape(part) for index, part in enumerate(parts))
    return re.compile(regex)


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


def base_url_of(scope: Scope, headers: Headers) -> str:
    host = headers.get("host")
    return f"{scope.get('scheme', 'http')}://{host}" if host else ""


class ContractGate:
    def __init__(self, app: ASGIApp, *, contract: Contract, settings: Settings, respond: Responder) -> None:
        self.app = app
        self.contract = contract
        self.settings = settings
        self.respond = respond
        self.route = route_pattern(contract)
        self.policy = TokenPolicy.from_settings(settings, contract.required_scopes)
        self.failures = random.Random(settings.seed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = self.route.fullmatch(scope["path"]) if scope["type"] == "http" else None
        if match is None and scope["type"] == "http" and self.route.fullmatch(scope["path"].removesuffix("/")):
            # Starlette would answer an empty 307 to the slash-less path; a client posting JSON needs an error.
            without = scope["path"].removesuffix("/")
            await error_response(NotFound(f"no such route; the operation is at {without} (no trailing slash)"))(
                scope, receive, send
            )
            return
        if match is None or scope["method"] != self.contract.method:
            await self.app(scope, receive, send)
            return
        try:
            response = await self._answer(scope, receive, match["aid"])
        except intake.ClientDisconnected:
            return
        except ApiError as error:
            response = error_response(error)
        except Exception:
            logger.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            response = error_response(InternalError("the mock failed unexpectedly; see its log"))
        await response(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, aid: str) -> Response:
        headers = Headers(scope=scope)
        preferences = parse_prefer(headers.get("prefer"), self.contract.declared_statuses)
        forced = FORCED.get(preferences.code or 200)
        if forced is not None and preferences.skip_validation:
            raise forced()
        principal = authorize(headers.get("authorization"), aid, self.policy)
        intake.check_media_type(headers.get("content-type"))
        check_account(self.contract, aid)
        intake.check_declared_length(headers.get("content-length"), self.settings.max_body_bytes)
        raw = await intake.read_body(receive, self.settings.max_body_bytes)
        params = check_body(self.contract, intake.parse_json(raw, self.settings.max_json_depth))
        if forced is not None:
            raise forced()
        if self.settings.fail_rate and self.failures.random() < self.settings.fail_rate:
            raise InternalError("the report service failed unexpectedly; try again later (simulated by --fail-rate)")
        return self.respond(AcceptedRequest(aid, params, principal, base_url_of(scope, headers)))
