"""``/`` leads to the page of what the mock saw, ``/v1`` and ``/v1/`` to Swagger UI: what a browser wants there."""

from __future__ import annotations

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send


class Landing:
    """A 307 for GET and HEAD: the root to ``page`` (which links both Swagger UIs), the API base to its Swagger UI."""

    def __init__(self, app: ASGIApp, api_base: str, page: str) -> None:
        self.app = app
        self.targets = {"/": page, api_base: api_base + "/ui/", api_base + "/": api_base + "/ui/"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self.targets.get(scope["path"]) if scope["type"] == "http" else None
        if target is not None and scope["method"] in ("GET", "HEAD"):
            await RedirectResponse(target, status_code=307)(scope, receive, send)
            return
        await self.app(scope, receive, send)
