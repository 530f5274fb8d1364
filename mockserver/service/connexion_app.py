"""The Connexion app at the centre of the mock: it routes every request from the served contract.

    ServerError -> Exception (errors in our shape) -> ContractRouting (the contract's paths and the admin API's)
    -> ContractGate (the report operation: checks, then its handler) -> ServedDocuments ({base}/openapi.json and
    .yaml) -> Swagger UI -> Lifespan -> Context -> the operation handlers (the admin API), 404

Connexion is used through its documented seams only: ``AsyncApp(middlewares=...)``, ``add_api``,
``add_error_handler``, a ``Resolver``, ``SwaggerUIOptions``, and ``SpecMiddleware`` / ``RoutedMiddleware`` subclasses
that talk through the ``ROUTING_CONTEXT`` scope extension. Its own SecurityMiddleware and RequestValidationMiddleware
are left out: the gate does what they would (and what the contract can only say in prose), in one pass. Response
validation is off: the tests and the contract checker validate responses; doing it per request would only slow the
mock down. Every error Connexion or Starlette raises is turned into the contract's Error object here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import SpecMiddleware
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from connexion.spec import Specification
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.document import spec
from contracts.model.contract import Contract
from contracts.model.routes import OperationRoute, allowed_methods, routes_of
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


def _from_http_exception(contract: Contract, request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Starlette's answers below the routing: no route (404, with a hint when only the base path is missing), a served
    document asked with another method (405)."""
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = "no such route" + _missing_base_path(contract, request)
    elif error.status_code == 405:
        message = f"method not allowed on this route; allowed: {(error.headers or {}).get('Allow', 'GET')}"
    else:
        message = str(error.detail)
    return _from_status(error.status_code, message, error.headers)


def _from_problem(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Connexion's own problems (rare once the gate has run) in our shape, never as problem+json."""
    assert isinstance(error, ProblemException)
    return _from_status(error.status, str(error.detail or error.title or "request refused"), error.headers)


def _from_unexpected(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    logger.error("unexpected error", exc_info=error)
    return _as_connexion(error_response(errors.InternalError("the mock failed unexpectedly; see its log")))


class ContractRouting(SpecMiddleware):  # type: ignore[misc]  # connexion ships no type hints
    """The routing of the Connexion app, from the documents' paths, with the one matcher of ``contracts.model.routes``.

    In Connexion's middleware stack (``AsyncApp(middlewares=...)``) in place of its ``RoutingMiddleware``, and doing
    its job for the middlewares after it: the operation a request names goes into the scope's ``ROUTING_CONTEXT``
    extension (``api_base_path`` and ``operation_id``, what Connexion's ``RoutedMiddleware`` subclasses read), its
    path parameters into ``path_params``. The matcher is the proxy's too, so the two agree on every path, and it
    matches the whole decoded path: ``/v1/accounts/P1%0A/insight/generate-report`` is the report operation with a
    malformed account id (its 400) and ``/v1/.../generate-report%0A`` no route, where Starlette's router, which
    Connexion's uses, reads the first as no route and the second as the operation.

    A path no operation matches passes on with no operation (Swagger UI, the served documents or a 404 below), except
    an operation's path with a trailing slash, a 404 that says where the operation is; a path that matches with
    another method is a 405 whose ``Allow`` lists every method its documents declare for it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.routes: list[tuple[str, OperationRoute]] = []  # (the API's base path, one of its operations)

    def add_api(self, specification: Specification, base_path: str | None = None, **_: Any) -> None:
        base = specification.base_path if base_path is None else base_path
        self.routes += [(base, route) for route in routes_of(specification.raw, base)]

    def _api_of(self, path: str) -> str | None:
        return next((base for base, _ in self.routes if path.startswith(base + "/")), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        found = False
        for base, route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                scope["path_params"] = params
                context = {"api_base_path": base, "operation_id": route.operation_id}
                scope.setdefault("extensions", {})[ROUTING_CONTEXT] = context
                await self.app(scope, receive, send)
                return
            found = True
        if found:
            allowed = allowed_methods((route for _, route in self.routes), path)
            raise errors.MethodNotAllowed(
                f"method not allowed on this route; allowed: {allowed}", headers={"Allow": str(allowed)}
            )
        if path.endswith("/") and any(route.match(path[:-1]) is not None for _, route in self.routes):
            # Not Starlette's empty 307 to the path without it: a client posting JSON would follow it with a GET.
            raise errors.NotFound(f"no such route; the operation is at {path[:-1]} (no trailing slash)")
        scope.setdefault("extensions", {})[ROUTING_CONTEXT] = {
            "api_base_path": self._api_of(path),
            "operation_id": None,
        }
        await self.app(scope, receive, send)


class ServedDocuments:
    """``{base}/openapi.json`` and ``{base}/openapi.yaml`` of each API: its file as written (``$ref``s and component
    names kept, as code generators need them), with ``servers`` pointing at this mock (the base path under the
    request's root path). Connexion's Swagger UI reads them; its own copies would be dereferenced."""

    def __init__(self, app: ASGIApp, *, documents: Mapping[str, spec.Json]) -> None:
        routes = []
        for base_path, document in documents.items():
            routes += [
                Route(f"{base_path}/openapi.json", partial(self.json, document, base_path), methods=["GET"]),
                Route(f"{base_path}/openapi.yaml", partial(self.yaml, document, base_path), methods=["GET"]),
            ]
        self.router = Router(routes, default=app)  # another method is its 405; every other path goes on

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.router(scope, receive, send)

    @staticmethod
    def served(document: spec.Json, base_path: str, request: Request) -> spec.Json:
        return {**document, "servers": [{"url": request.scope.get("root_path", "") + base_path}]}

    async def json(self, document: spec.Json, base_path: str, request: Request) -> Response:
        served = self.served(document, base_path, request)
        return Response(json.dumps(served, ensure_ascii=False), media_type="application/json")

    async def yaml(self, document: spec.Json, base_path: str, request: Request) -> Response:
        return Response(spec.dump_yaml(self.served(document, base_path, request)), media_type="text/yaml")


def build_connexion_app(
    document: spec.Json, contract: Contract, settings: Settings, operations: Mapping[str, Callable[..., Any]]
) -> AsyncApp:
    """The Connexion app; ``operations`` maps each operationId (the contract's and the admin API's) to its handler."""
    admin = spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8"))
    apis = ((document, contract.base_path), (admin, ADMIN_BASE))
    missing = [route.operation_id for api in apis for route in routes_of(*api) if route.operation_id not in operations]
    if missing:  # Connexion's routed middlewares would skip them, and every request to them would be a 500
        raise ValueError(f"no handler for the operation(s) {', '.join(missing)}")
    app = AsyncApp(
        __name__,
        middlewares=[
            ServerErrorMiddleware,
            ExceptionMiddleware,
            ContractRouting,
            partial(ContractGate, contract=contract, settings=settings),
            # After the gate, not before routing as in Connexion's default stack: the report operation never pays
            # for these routers; their paths are in no API's contract, so routing passes them on.
            partial(ServedDocuments, documents={base_path: served for served, base_path in apis}),
            SwaggerUIMiddleware,
            LifespanMiddleware,
            ContextMiddleware,
        ],
        resolver=Resolver(function_resolver=operations.__getitem__),
        # Swagger UI reads {base}/openapi.json, served by ServedDocuments: Connexion's copy would be dereferenced.
        swagger_ui_options=SwaggerUIOptions(serve_spec=False, swagger_ui=True, swagger_ui_path="/ui"),
    )
    for served, base_path in apis:
        app.add_api(served, base_path=base_path)
    app.add_error_handler(errors.ApiError, _from_api_error)
    app.add_error_handler(HTTPException, partial(_from_http_exception, contract))
    app.add_error_handler(ProblemException, _from_problem)
    app.add_error_handler(Exception, _from_unexpected)
    return app
