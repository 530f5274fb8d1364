"""Build the mock: the report operation's fast path in front, Connexion behind it for everything else.

    [CORS] -> FrontDoor (latency, journal) -> ContractGate (the report operation) -> Connexion (built in a thread)

The gate answers the report operation in one pass (auth, validation, the 200: see ``mockserver.gate``). Connexion
serves Swagger UI, the served contract, routing errors and the admin API (``mockserver.connexion_app``). Importing
and building Connexion takes most of the start-up time, so it is built in a background thread as soon as the server
starts: the report operation answers without waiting for it, and the first request that needs Connexion waits for
the build to finish.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts import spec
from contracts.model import contract_from_document
from mockserver.frontdoor import FrontDoor
from mockserver.gate import ContractGate
from mockserver.handlers import Handlers
from mockserver.header_limit import HeaderLimit
from mockserver.journal import Journal
from mockserver.landing import Landing
from mockserver.preflight import Preflight
from mockserver.settings import Settings
from mockserver.shutdown import AnswerWhileStopping

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


class BuiltInBackground:
    """An ASGI app built in a thread when the server starts (or at its first request, whichever comes first)."""

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._built: Future[ASGIApp] = Future()
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._run, name="insight-mock-build", daemon=True).start()

    def _run(self) -> None:
        try:
            self._built.set_result(self._build())
        except BaseException as error:  # surfaced to every request that needs the app
            self._built.set_exception(error)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        self.start()
        app = await asyncio.wrap_future(self._built)
        await app(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(settings: Settings | None = None) -> ASGIApp:
    settings = settings or Settings()
    document = spec.load_yaml(settings.spec_path.read_text(encoding="utf-8"))
    contract = contract_from_document(document)
    journal = Journal(settings.journal_size)
    handlers = Handlers(contract, settings, journal)

    def build_connexion() -> ASGIApp:
        from mockserver.connexion_app import build_connexion_app

        connexion_app: ASGIApp = build_connexion_app(document, contract, handlers)
        return connexion_app

    app: ASGIApp = BuiltInBackground(build_connexion)
    app = ContractGate(app, contract=contract, settings=settings, respond=handlers.report_accepted)
    app = FrontDoor(app, api_base=contract.base_path, journal=journal, latency=settings.latency, seed=settings.seed)
    app = AnswerWhileStopping(HeaderLimit(Landing(app, contract.base_path)))  # 503 on Ctrl-C, 431, / -> /v1/ui/
    if settings.cors_origins:
        app = with_cors(app, settings.cors_origins)
    return Preflight(app, settings.cors_origins)  # failed CORS preflights in the Error shape


def create_app_from_env() -> ASGIApp:
    """The uvicorn factory: each worker process builds its app from ``INSIGHT_MOCK_*`` variables."""
    return create_app(Settings.from_env())
