"""Build the mock: a Connexion ``AsyncApp`` serving the served contract, with our gate and our error shape.

The middleware stack is Connexion's, minus its security and request-validation middlewares, with the contract gate
in front: the gate answers the report operation itself (auth, validation and the 200 in one pass, see
``mockserver.gate``) and Connexion serves the rest (Swagger UI, the served contract, routing errors, the admin API).
Response validation is off: the tests and the contract checker validate responses; doing it per request would only
slow the mock down.
"""

from __future__ import annotations

import logging
from functools import partial
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
from starlette.middleware.cors import CORSMiddleware

from contracts import spec
from contracts.model import contract_from_document
from mockserver import errors
from mockserver.frontdoor import FrontDoor
from mockserver.gate import ContractGate
from mockserver.handlers import Handlers
from mockserver.journal import Journal
from mockserver.report_links import ADMIN_BASE
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
    return _as_connexion(errors.error_response(error))


def _from_http_exception(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Starlette's routing answers (404 no route, 405 wrong method), with their headers (``Allow``) kept."""
    assert isinstance(error, HTTPException)
    kind = errors.BY_STATUS.get(
        error.status_code, errors.InternalError if error.status_code >= 500 else errors.BadRequest
    )
    message = "no such route" if error.status_code == 404 else str(error.detail)
    if error.status_code == 405 and error.headers and "allow" in {key.lower() for key in error.headers}:
        allowed = next(value for key, value in error.headers.items() if key.lower() == "allow")
        message = f"method not allowed on this route; allowed: {allowed}"
    return _from_api_error(
        _request, kind(message, headers=error.headers or {}, code=_code_for(kind, error.status_code))
    )


def _from_problem(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    """Connexion's own problems (rare once the gate has run) in our shape, never as problem+json."""
    assert isinstance(error, ProblemException)
    kind = errors.BY_STATUS.get(error.status, errors.InternalError)
    detail = error.detail or error.title or "request refused"
    return _from_api_error(
        _request, kind(str(detail), headers=dict(error.headers or {}), code=_code_for(kind, error.status))
    )


def _code_for(kind: type[errors.ApiError], status: int) -> str | None:
    return None if kind.status == status else f"HTTP_{status}"


def _from_unexpected(_request: ConnexionRequest, error: Exception) -> ConnexionResponse:
    logger.error("unexpected error", exc_info=error)
    return _as_connexion(errors.error_response(errors.InternalError("the mock failed unexpectedly; see its log")))


CORS_HEADERS = ("Authorization", "Content-Type", "Prefer")
EXPOSED_HEADERS = ("X-Mock-Report-Url", "Content-Disposition", "WWW-Authenticate", "Allow")


def cors_middleware(origins: tuple[str, ...]) -> Any:
    """Starlette's CORS middleware, outermost, so that every answer (4xx and 5xx included) carries the headers.

    ``*`` is served by echoing the request's origin: a browser refuses ``*`` for credentialed requests.
    """
    any_origin = "*" in origins
    return partial(
        CORSMiddleware,
        allow_origins=[] if any_origin else list(origins),
        allow_origin_regex=".*" if any_origin else None,
        allow_credentials=True,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=list(CORS_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        max_age=600,
    )


def create_app(settings: Settings | None = None) -> AsyncApp:
    settings = settings or Settings()
    document = spec.load_yaml(settings.spec_path.read_text(encoding="utf-8"))
    contract = contract_from_document(document)
    journal = Journal(settings.journal_size)
    handlers = Handlers(contract, settings, journal)
    middlewares: list[Any] = [cors_middleware(settings.cors_origins)] if settings.cors_origins else []
    middlewares += [
        partial(FrontDoor, api_base=contract.base_path, journal=journal, latency=settings.latency, seed=settings.seed),
        partial(ContractGate, contract=contract, settings=settings, respond=handlers.report_accepted),
        ServerErrorMiddleware,
        ExceptionMiddleware,
        SwaggerUIMiddleware,
        RoutingMiddleware,
        LifespanMiddleware,
        ContextMiddleware,
    ]
    operations = handlers.by_operation_id()
    app = AsyncApp(
        __name__,
        middlewares=middlewares,
        resolver=Resolver(function_resolver=operations.__getitem__),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path="/ui"),
    )
    app.add_api(document, base_path=contract.base_path)
    app.add_api(spec.load_yaml(spec.ADMIN_PATH.read_text(encoding="utf-8")), base_path=ADMIN_BASE)
    app.add_error_handler(errors.ApiError, _from_api_error)
    app.add_error_handler(HTTPException, _from_http_exception)
    app.add_error_handler(ProblemException, _from_problem)
    app.add_error_handler(Exception, _from_unexpected)
    return app


def create_app_from_env() -> AsyncApp:
    """The uvicorn factory: each worker process builds its app from ``INSIGHT_MOCK_*`` variables."""
    return create_app(Settings.from_env())
