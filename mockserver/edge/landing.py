"""``/``, ``/v1`` and ``/v1/`` lead to Swagger UI: what someone who opens the base URL in a browser wants."""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class Landing:
    """A 307 to ``{api_base}/ui/`` for GET and HEAD of the root and the API base; everything else passes."""

    def __init__(self, app: ASGIApp, api_base: str) -> None:
        self.app = app
        self.entrances = frozenset({"/", api_base, api_base + "/"})
        self.ui = api_base + "/ui/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.entrances and scope["method"] in ("GET", "HEAD"):
            await RedirectResponse(self.ui, status_code=307)(scope, receive, send)
            return
        await self.app(scope, receive, send)
