"""One HTTP request to an ASGI app in this process, as a server would hand it over: no socket, no client library.

``insight-contracts check`` and the tests check an app in process with it (``properties.asgi_transport``). It is the
ASGI 3 exchange and nothing more: the scope a server builds from the URL and headers, the body in one message, then
``http.disconnect`` once the answer is complete. httpx's ``ASGITransport`` does the same behind a full client; for
the checker's hundreds of small requests that client was half of the CPU per probe (0.52 s for 400 probes against
the conforming server in ``tests/``, 0.25 s of it in httpx), which this leaves out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

# The characters a path keeps as they are (RFC 3986's pchar without "%", which stays to keep an escape as sent).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first value of a header, by its case-insensitive name."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)


def scope_of(method: str, url: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """The ``http`` scope a server builds for this request (Host and Content-Length as a client would send them)."""
    parts = urlsplit(url)
    raw_path = quote(parts.path, safe=_PATH_SAFE)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    sent = [(b"host", parts.netloc.encode("ascii"))]
    if method not in ("GET", "HEAD") or body:
        sent.append((b"content-length", str(len(body)).encode("ascii")))
    sent += [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": parts.scheme,
        "path": unquote(raw_path),
        "raw_path": raw_path.encode("ascii"),
        "query_string": parts.query.encode("ascii"),
        "root_path": "",
        "headers": sent,
        "client": ("127.0.0.1", 123),
        "server": (parts.hostname or "testserver", port),
        "extensions": {},
    }


async def request(app: Any, method: str, url: str, headers: Mapping[str, str], body: bytes = b"") -> Response:
    """Hand the request to ``app`` and collect its answer; an app that raises raises here."""
    answered = asyncio.Event()
    body_sent = False
    status = 500
    answer_headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()  # as a server does: the client leaves only once the answer is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, answer_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            answer_headers = [
                (key.decode("latin-1").lower(), value.decode("latin-1")) for key, value in message.get("headers", [])
            ]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    await app(scope_of(method, url, headers, body), receive, send)
    answered.set()
    return Response(status, answer_headers, b"".join(chunks))
