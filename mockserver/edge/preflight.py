"""CORS preflights that fail get the contract's Error shape, and say how to make them pass.

A browser page calling the mock sends ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method`` first. Without
``--cors-origin`` nothing answers it as CORS, so the page only sees "blocked by CORS policy": :class:`Preflight`
answers it with a 403 whose message names the flag. With ``--cors-origin``, Starlette's CORS middleware decides, and
refuses in plain text ("Disallowed CORS origin"); that refusal is rewritten into the Error shape (403, the same
reason, the allowed origins), keeping the CORS headers Starlette set.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.decisions.errors import ApiError
from mockserver.edge.responses import error_response


class CorsNotEnabled(ApiError):
    status, code = 403, "CORS_NOT_ENABLED"


class CorsRefused(ApiError):
    status, code = 403, "CORS_REFUSED"


def is_preflight(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "OPTIONS":
        return False
    names = {name for name, _ in scope["headers"]}
    return b"origin" in names and b"access-control-request-method" in names


def not_enabled(origin: str) -> CorsNotEnabled:
    return CorsNotEnabled(
        f"CORS is not enabled, so a browser page at {origin} cannot call this server; "
        f"start it with --cors-origin {origin} (repeatable; --cors-origin '*' allows any origin)"
    )


def refused(failures: list[str], request: Headers, answer: Headers, allowed_origins: tuple[str, ...]) -> CorsRefused:
    """Why the CORS middleware refused, one clause per failure, with what it would have allowed."""
    origin = request.get("origin", "")
    reasons = {
        "origin": f"the origin {origin} is not allowed (allowed: {', '.join(allowed_origins)}; "
        f"add it with --cors-origin {origin})",
        "method": f"the method {request.get('access-control-request-method')} is not allowed "
        f"(allowed: {answer.get('access-control-allow-methods', 'none')})",
        "headers": f"a requested header of {request.get('access-control-request-headers')!r} is not allowed "
        f"(allowed: {answer.get('access-control-allow-headers', 'none')})",
    }
    told = [reasons.get(failure, failure) for failure in failures]
    return CorsRefused(f"CORS preflight refused for the page at {origin}: " + "; ".join(told))


class Preflight:
    """Outermost: a preflight without ``--cors-origin`` gets a 403; a refused one gets the Error shape."""

    def __init__(self, app: ASGIApp, origins: tuple[str, ...]) -> None:
        self.app = app
        self.origins = origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_preflight(scope):
            await self.app(scope, receive, send)
            return
        origin = Headers(scope=scope).get("origin", "")
        if not self.origins:
            await error_response(not_enabled(origin))(scope, receive, send)
            return
        refusal: Message | None = None

        async def error_shaped_send(message: Message) -> None:
            nonlocal refusal
            if message["type"] == "http.response.start" and message["status"] >= 400:
                refusal = message  # held back: the body says why, and becomes the Error's message
                return
            if refusal is not None and message["type"] == "http.response.body":
                # Starlette's words: "Disallowed CORS origin, method, headers" (those that failed).
                text = message.get("body", b"").decode("utf-8", "replace").removeprefix("Disallowed CORS ")
                failures = [failure.strip() for failure in text.split(",")]
                answer = Headers(raw=refusal.get("headers", []))
                response = error_response(refused(failures, Headers(scope=scope), answer, self.origins))
                kept = [
                    (name, value)
                    for name, value in refusal.get("headers", [])
                    if name.lower() not in (b"content-type", b"content-length")
                ]
                response.raw_headers = kept + response.raw_headers
                await response(scope, receive, send)
                return
            await send(message)

        await self.app(scope, receive, error_shaped_send)
