"""Build the mock: Connexion serves the contract; around it only what must see every answer.

    Preflight (failed CORS preflights in the Error shape) -> [CORS] -> AnswerWhileStopping (503 on Ctrl-C)
    -> HeaderLimit (431) -> Landing (/ to the page, /v1 to Swagger UI) -> FrontDoor (Prefer: delay, latency, journal)
    -> Connexion AsyncApp:
        ServerError -> Exception -> ContractRouting (from the documents)
        -> ContractGate (report operation: checks, then the handler resolved from its operationId)
        -> Swagger UI -> Lifespan -> Context -> Connexion's own handlers (admin API), the served documents, 404

``mockserver.service.connexion_app`` builds the Connexion part; ``mockserver.service.gate`` is the routed middleware
that checks the report operation and dispatches it to its handler (``mockserver.service.handlers``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from contracts.document import spec
from contracts.model.contract import contract_from_document
from mockserver.decisions.report_links import ADMIN_BASE
from mockserver.edge.frontdoor import FrontDoor, listed_entry
from mockserver.edge.header_limit import HeaderLimit
from mockserver.edge.landing import Landing
from mockserver.edge.preflight import Preflight
from mockserver.edge.shutdown import AnswerWhileStopping
from mockserver.reports.registry import REPORTS, Registry, require_renderers
from mockserver.service.connexion_app import build_connexion_app
from mockserver.service.handlers import Handlers
from mockserver.settings import Settings
from mockserver.state.journal import Journal

CORS_HEADERS = ("Authorization", "Content-Type", "Prefer")
EXPOSED_HEADERS = ("X-Mock-Report-Url", "Content-Disposition", "WWW-Authenticate", "Allow")


def with_cors(app: ASGIApp, origins: tuple[str, ...]) -> ASGIApp:
    """Starlette's CORS middleware, outermost, so that every answer (4xx and 5xx included) carries the headers.

    ``*`` is served by echoing the request's origin: a browser refuses ``*`` for credentialed requests.
    """
    any_origin = "*" in origins
    return CORSMiddleware(
        app,
        allow_origins=[] if any_origin else list(origins),
        allow_origin_regex=".*" if any_origin else None,
        allow_credentials=True,
        allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
        allow_headers=list(CORS_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        max_age=600,
    )


def create_app(
    settings: Settings | None = None,
    *,
    handlers: Mapping[str, Callable[..., Any]] | None = None,
    reports: Registry = REPORTS,
    check_reports: bool = True,
) -> ASGIApp:
    """The mock as an ASGI app. ``handlers`` replaces operation handlers by operationId (Connexion resolves them);
    ``reports`` is the registry of report renderers.

    Raises ``ReportsUnavailable`` when the contract allows a report (dataType, content type, language, filter) that
    no renderer of ``reports`` has: better no mock than one whose 200s lead to a 500 at download.
    ``check_reports=False`` builds it anyway, for a harness that serves a deliberately broken contract and never
    downloads a report.
    """
    settings = settings or Settings()
    document = spec.load_yaml(settings.spec_path.read_text(encoding="utf-8"))
    contract = contract_from_document(document)
    if check_reports:
        require_renderers(contract, reports)
    journal = Journal(settings.journal_size, settings.journal_path, render=listed_entry)
    operations = {**Handlers(contract, settings, journal, reports).by_operation_id(), **(handlers or {})}
    app: ASGIApp = build_connexion_app(document, contract, settings, operations)
    app = FrontDoor(
        app,
        api_base=contract.base_path,
        declared_statuses=contract.declared_statuses,
        journal=journal,
        latency=settings.latency,
        seed=settings.seed,
    )
    # 503 on Ctrl-C, 431, / -> /_mock/ and /v1 -> /v1/ui/
    app = AnswerWhileStopping(HeaderLimit(Landing(app, contract.base_path, page=ADMIN_BASE + "/")))
    if settings.cors_origins:
        app = with_cors(app, settings.cors_origins)
    return Preflight(app, settings.cors_origins)  # failed CORS preflights in the Error shape
