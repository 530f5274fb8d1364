"""The contract gate: a Connexion routed middleware that checks requests to the report operation and dispatches them.

Connexion's ``RoutingMiddleware`` has already matched the request against the served contract and put the operation
it found into the scope. For the report operation the gate checks everything the contract asks and Connexion cannot
express (scopes, the account claim, the discriminator, the from/to rules), then calls the handler Connexion's
``Resolver`` resolved for the operationId. Every other operation goes on down Connexion's stack unchanged.

The call is a thin dispatch of our own instead of Connexion's ``StarletteDecorator``: that decorator re-parses the
body and the parameters on every request, which would cost more CPU than everything else the mock does.

The order of the checks is the order a client fixes them in:

    400 Prefer -> 401 token -> 403 scope / account -> 415 media type -> 400 aid -> 413 size -> 400 JSON
    -> 400 body and window -> Prefer: code=NNN -> --fail-rate -> the handler's 200

``Prefer: code=NNN`` replaces only an answer that would have been a 200 (a request that fails a check gets that
check's error); with ``Prefer: validation=skip`` the forced answer comes without any check. The checks are looked up
as module attributes at request time (``acceptance.check_body``, ``validation.validate_body``...), so a test can
replace one.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedAPI, RoutedMiddleware
from connexion.operations import AbstractOperation
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.model.contract import Contract
from mockserver.decisions import acceptance, controls, errors, intake, security
from mockserver.decisions.errors import ApiError, InternalError
from mockserver.decisions.security import Principal
from mockserver.edge import reading
from mockserver.edge.responses import error_response
from mockserver.settings import Settings
from mockserver.state import failures

logger = logging.getLogger("insight_mock")


@dataclass(frozen=True)
class AcceptedRequest:
    """What the report handler gets: a request that passed every check, with the contract's defaults filled in."""

    aid: str
    params: dict[str, Any]
    principal: Principal
    base_url: str  # scheme://host the client used, for links in the answer
    body: bytes  # as received


Handler = Callable[[AcceptedRequest], Response | Awaitable[Response]]


def base_url_of(scope: Scope, headers: Mapping[str, str]) -> str:
    host = headers.get("host")
    return f"{scope.get('scheme', 'http')}://{host}" if host else ""


class ReportOperation:
    """The report operation as the gate serves it: the checks, then the handler resolved from its operationId."""

    def __init__(self, handler: Handler, contract: Contract, settings: Settings) -> None:
        self.handler = handler
        self.handler_is_async = inspect.iscoroutinefunction(handler)
        self.contract = contract
        self.settings = settings
        self.policy = settings.token_policy(contract.required_scopes)
        self.failures = failures.Failures(settings.fail_rate, settings.seed, settings.journal_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self._answer(scope, receive)
        except reading.ClientDisconnected:
            return
        except ApiError as error:
            response = error_response(error)
        except Exception:
            logger.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            response = error_response(InternalError("the mock failed unexpectedly; see its log"))
        await response(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive) -> Response:
        headers = Headers(scope=scope)
        preferences = controls.parse_prefer(headers.get("prefer"), self.contract.declared_statuses)
        forced = errors.FORCED.get(preferences.code or 200)
        if forced is not None and preferences.skip_validation:
            raise forced()
        aid = scope["path_params"]["aid"]
        principal = security.authorize(headers.get("authorization"), aid, self.policy)
        intake.check_media_type(headers.get("content-type"))
        acceptance.check_account(self.contract, aid)
        intake.check_declared_length(headers.get("content-length"), self.settings.max_body_bytes)
        raw = await reading.read_body(receive, self.settings.max_body_bytes)
        params = acceptance.check_body(self.contract, intake.parse_json(raw, self.settings.max_json_depth))
        if forced is not None:
            raise forced()
        if self.failures.should_fail():
            raise InternalError("the report service failed unexpectedly; try again later (simulated by --fail-rate)")
        accepted = AcceptedRequest(aid, params, principal, base_url_of(scope, headers), raw)
        if self.handler_is_async:
            return await self.handler(accepted)  # type: ignore[no-any-return, misc]
        return self.handler(accepted)  # type: ignore[return-value]


class GateAPI(RoutedAPI[ReportOperation]):  # type: ignore[misc]  # connexion ships no type hints
    """One API of the Connexion app as the gate sees it: the contract's report operation, if the API has it."""

    def __init__(self, *args: Any, contract: Contract, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.settings = settings
        self.add_paths()

    def add_operation(self, path: str, method: str) -> None:
        operation = self.specification.operation_cls.from_spec(
            self.specification, path=path, method=method, resolver=self.resolver
        )
        if operation.operation_id == self.contract.operation_id:
            self.operations[operation.operation_id] = self.make_operation(operation)

    def make_operation(self, operation: AbstractOperation) -> ReportOperation:
        # ``operation.function`` is what Connexion's Resolver found for the operationId.
        return ReportOperation(operation.function, self.contract, self.settings)


class ContractGate(RoutedMiddleware[GateAPI]):  # type: ignore[misc]
    """Placed after Connexion's ``RoutingMiddleware``: it reads the operationId the router put into the scope."""

    api_cls = GateAPI

    def __init__(self, app: ASGIApp, *, contract: Contract, settings: Settings) -> None:
        super().__init__(app)
        self.contract = contract
        self.settings = settings
        self.operations: dict[str, ReportOperation] = {}

    def add_api(self, specification: Any, **kwargs: Any) -> GateAPI:
        api = GateAPI(specification, next_app=self.app, contract=self.contract, settings=self.settings, **kwargs)
        self.apis[api.base_path].append(api)
        self.operations.update(api.operations)
        return api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # One dict lookup per request: the base class walks every API registered under the base path.
        routing = scope.get("extensions", {}).get(ROUTING_CONTEXT) if scope["type"] == "http" else None
        operation = self.operations.get(routing.get("operation_id")) if routing else None
        if operation is None:
            await self.app(scope, receive, send)
            return
        await operation(scope, receive, send)
