"""Connexion's part of the mock: Swagger UI, the served contract, routing errors and the admin API.

The report operation never reaches it (``mockserver.gate`` answers it in front), so its middleware stack is
Connexion's minus security and request validation. Response validation is off: the tests and the contract checker
validate responses; doing it per request would only slow the mock down. Every error Connexion or Starlette raises
is turned into the contract's Error object here.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.exceptions import HTTPException

from contracts import spec
from contracts.document import allowed_methods, path_methods
from contracts.model import Contract
from mockserver import errors
from mockserver.handlers import Handlers
from mockserver.report_links import ADMIN_BASE

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
    return _as_connexion(errors.error_response(error))


def _from_status(status: int, message: str, headers: Any) -> ConnexionResponse:
    """An answer a layer we do not own chose by status, in our shape (its headers, such as ``Allow``, kept)."""
    kind = errors.BY_STATUS.get(status, errors.InternalError if status >= 500 else errors.BadRequest)
    code = None if kind.status == status else f"HTTP_{status}"  # a status with no class of its own keeps its number
    return _as_connexion(errors.error_response(kind(message, headers=dict(headers or {}), code=code)))


def _from_http_exception(
    allow_table: list[tuple[re.Pattern[str], str]], request: ConnexionRequest, error: Exception
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
        message = "no such route"
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
    return _as_connexion(errors.error_response(errors.InternalError("the mock failed unexpectedly; see its log")))


def build_connexion_app(document: spec.Json, contract: Contract, handlers: Handlers) -> AsyncApp:
    operations = handlers.by_operation_id()
    app = AsyncApp(
        __name__,
        middlewares=[
            ServerErrorMiddleware,
            ExceptionMiddleware,
            SwaggerUIMiddleware,
            RoutingMiddleware,
            LifespanMiddleware,
            ContextMiddleware,
        ],
        resolver=Resolver(function_resolver=operations.__getitem__),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
    )
    app.add_api(document, base_path=contract.base_path)
    admin = spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8"))
    app.add_api(admin, base_path=ADMIN_BASE)
    allow_table = path_methods(admin, ADMIN_BASE) + path_methods(document, contract.base_path)
    app.add_error_handler(errors.ApiError, _from_api_error)
    app.add_error_handler(HTTPException, functools.partial(_from_http_exception, allow_table))
    app.add_error_handler(ProblemException, _from_problem)
    app.add_error_handler(Exception, _from_unexpected)
    return app
