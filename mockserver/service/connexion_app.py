"""The Connexion app at the centre of the mock: it routes every request from the served contract.

    ServerError -> Exception (errors in our shape) -> NoSlashRedirect -> Routing (the contract's paths and the
    admin API's) -> ContractGate (the report operation: checks, then its handler) -> Swagger UI -> Lifespan ->
    Context -> the operation handlers (the admin API)

Connexion's own SecurityMiddleware and RequestValidationMiddleware are left out: the gate does what they would
(and what the contract can only say in prose), in one pass. Response validation is off: the tests and the contract
checker validate responses; doing it per request would only slow the mock down. Every error Connexion or Starlette
raises is turned into the contract's Error object here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import routing as connexion_routing
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException
from starlette.routing import Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.document import spec
from contracts.model.contract import Contract
from contracts.model.routes import OperationRoute, allowed_methods, routes_of, whole_path
from mockserver.decisions import errors
from mockserver.decisions.report_links import ADMIN_BASE
from mockserver.edge.responses import error_response
from mockserver.service.gate import ContractGate
from mockserver.settings import Settings

logger = logging.getLogger("insight_mock")


def _as_connexion(response: Any) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=response.status_code,
        mimetype="application/json",
        body=response.body,
        headers={key: value for key, value in response.headers.items() if key.lower() != "content-length"},
    )


def _from_api_error(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    assert isinstance(error, errors.ApiError)
    if error.status >= 500:
        logger.error("%s: %s", error.code, error.message)
    return _as_connexion(error_response(error))


def _from_status(status: int, message: str, headers: Any) -> ConnexionResponse:
    """An answer a layer we do not own chose by status, in our shape (its headers, such as ``Allow``, kept)."""
    kind = errors.BY_STATUS.get(status, errors.InternalError if status >= 500 else errors.BadRequest)
    code = None if kind.status == status else f"HTTP_{status}"  # a status with no class of its own keeps its number
    return _as_connexion(error_response(kind(message, headers=dict(headers or {}), code=code)))


def _missing_base_path(contract: Contract, request: ConnexionRequest) -> str:
    """A hint for a path the contract has, asked without its base path (``/accounts/...`` for ``/v1/accounts/...``)."""
    path = request.url.path
    if path.startswith(contract.base_path + "/") or contract.route.match(contract.base_path + path) is None:
        return ""
    right = request.url.replace(path=contract.base_path + path)
    return f"; the operation is at {contract.method} {right} (the API's paths start with {contract.base_path})"


def _from_http_exception(
    allow_table: tuple[OperationRoute, ...], contract: Contract, request: ConnexionRequest, error: Exception
) -> ConnexionResponse:
    """Starlette's routing answers (404 no route, 405 wrong method).

    Connexion adds one Starlette route per operation, so Starlette's 405 lists only the methods of the first route
    the path matched (GET, HEAD on ``/_mock/requests``, without DELETE): ``Allow`` is taken from the documents.
    """
    assert isinstance(error, HTTPException)
    headers = {key: value for key, value in (error.headers or {}).items() if key.lower() != "allow"}
    allowed = {key.lower(): value for key, value in (error.headers or {}).items()}.get("allow")
    if error.status_code == 405:
        allowed = allowed_methods(allow_table, request.url.path) or allowed
        headers = {**headers, "Allow": allowed} if allowed else headers
    if error.status_code == 404:
        message = "no such route" + _missing_base_path(contract, request)
    elif error.status_code == 405 and allowed:
        message = f"method not allowed on this route; allowed: {allowed}"
    else:
        message = str(error.detail)
    return _from_status(error.status_code, message, headers)


def _from_problem(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Connexion's own problems (rare once the gate has run) in our shape, never as problem+json."""
    assert isinstance(error, ProblemException)
    return _from_status(error.status, str(error.detail or error.title or "request refused"), error.headers)


def _from_unexpected(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    logger.error("unexpected error", exc_info=error)
    return _as_connexion(error_response(errors.InternalError("the mock failed unexpectedly; see its log")))


MAX_REMEMBERED_ROUTES = 1024  # distinct (method, path) decisions kept; a client cycling through paths clears them


@dataclass(frozen=True)
class RouteDecision:
    """What Connexion's router decided for one method and path: what its ``RoutingOperation`` puts into the scope."""

    path_params: dict[str, Any]
    api_base_path: str
    operation_id: str | None
    next_app: ASGIApp


def _route_key(scope: Scope) -> tuple[str, str, str]:
    return scope["method"], scope.get("root_path", ""), scope["path"]


class RememberedOperation(RoutingOperation):  # type: ignore[misc]  # connexion ships no type hints
    """Connexion's ``RoutingOperation`` that also records its decision for the method and path it routed."""

    def __init__(self, routed: RoutingOperation, decisions: dict[tuple[str, str, str], RouteDecision]) -> None:
        super().__init__(routed.operation_id, routed.next_app)
        self.decisions = decisions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routed = connexion_routing._scope.get()  # the request's scope, as Connexion's router received it
        if len(self.decisions) >= MAX_REMEMBERED_ROUTES:
            self.decisions.clear()
        self.decisions[_route_key(routed)] = RouteDecision(
            dict(scope.get("path_params", {})),
            _root_path(scope)[len(_root_path(routed)) :],
            self.operation_id,
            self.next_app,
        )
        await super().__call__(scope, receive, send)


def _root_path(scope: Scope) -> str:
    return str(scope.get("route_root_path", scope.get("root_path", "")))


class ContractRouting(RoutingMiddleware):  # type: ignore[misc]  # connexion ships no type hints
    """Connexion's routing, with each route matching the whole decoded path, and its decisions remembered.

    Whole paths (``contracts.routes.whole_path``): as Starlette compiles them, ``/v1/accounts/P1%0A/insight/
    generate-report`` is "no route" (a mount's ``.`` stops at the line break) while ``/v1/.../generate-report%0A`` is
    the operation (``$`` matches before a final line break). Here the first is the report operation with a malformed
    account id (its 400) and the second no route.

    Remembered decisions: Connexion routes by walking Starlette's routers (a mount per API, then a route per
    operation), which costs more than anything else in the routing of a request. A decision depends only on the
    method and the path, so the operation each routed (method, path) reached is kept, and the next request for it is
    put into the scope exactly as Connexion's ``RoutingOperation`` does, without the walk. The routing table stays
    Connexion's; only requests it routed to an operation are remembered (never a 404 or a 405), at most
    ``MAX_REMEMBERED_ROUTES`` of them.
    """

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app)
        self.decisions: dict[tuple[str, str, str], RouteDecision] = {}

    def add_api(self, specification: Any, base_path: str | None = None, arguments: Any = None, **kwargs: Any) -> None:
        super().add_api(specification, base_path=base_path, arguments=arguments, **kwargs)
        self.decisions.clear()
        routers: list[Any] = [self.router]
        while routers:
            for route in routers.pop().routes:
                if isinstance(route, Mount | Route):
                    route.path_regex = whole_path(route.path_regex)
                if isinstance(route, Route) and type(route.app) is RoutingOperation:
                    route.app = RememberedOperation(route.app, self.decisions)
                if isinstance(route, Mount) and isinstance(route.app, Router):
                    routers.append(route.app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        decision = self.decisions.get(_route_key(scope)) if scope["type"] == "http" else None
        if decision is None:
            await super().__call__(scope, receive, send)
            return
        # What RoutingMiddleware and RoutingOperation do for a routed request, in the same order, on a copy.
        routed = dict(scope)
        connexion_routing._scope.set(routed)
        routed.setdefault("path_params", {}).update(decision.path_params)
        context = routed.setdefault("extensions", {}).setdefault(ROUTING_CONTEXT, {})
        context.update({"api_base_path": decision.api_base_path, "operation_id": decision.operation_id})
        await decision.next_app(routed, receive, send)


class NoSlashRedirect:
    """The report route with a trailing slash is a 404 in our shape, not Starlette's empty 307 to the slash-less path:
    a client posting JSON would follow it with a GET, or not at all."""

    def __init__(self, app: ASGIApp, *, contract: Contract) -> None:
        self.app = app
        self.route = contract.route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.endswith("/") and self.route.match(path[:-1]) is not None:
            missing = errors.NotFound(f"no such route; the operation is at {path[:-1]} (no trailing slash)")
            await error_response(missing)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def build_connexion_app(
    document: spec.Json, contract: Contract, settings: Settings, operations: Mapping[str, Callable[..., Any]]
) -> AsyncApp:
    """The Connexion app; ``operations`` maps each operationId (the contract's and the admin API's) to its handler."""
    app = AsyncApp(
        __name__,
        middlewares=[
            ServerErrorMiddleware,
            ExceptionMiddleware,
            partial(NoSlashRedirect, contract=contract),
            ContractRouting,
            partial(ContractGate, contract=contract, settings=settings),
            # After the gate, not before routing as in Connexion's default stack: the report operation never pays
            # for Swagger UI's own router; its paths are in no API's contract, so routing passes them on.
            SwaggerUIMiddleware,
            LifespanMiddleware,
            ContextMiddleware,
        ],
        resolver=Resolver(function_resolver=operations.__getitem__),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
    )
    app.add_api(document, base_path=contract.base_path)
    admin = spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8"))
    app.add_api(admin, base_path=ADMIN_BASE)
    allow_table = routes_of(admin, ADMIN_BASE) + routes_of(document, contract.base_path)
    app.add_error_handler(errors.ApiError, _from_api_error)
    app.add_error_handler(HTTPException, partial(_from_http_exception, allow_table, contract))
    app.add_error_handler(ProblemException, _from_problem)
    app.add_error_handler(Exception, _from_unexpected)
    return app
