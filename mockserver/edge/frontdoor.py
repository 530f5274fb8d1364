"""The outermost middleware for API requests: added latency (``--latency``, ``Prefer: delay``) and the journal.

It sits outside Connexion and its error handling, so it sees and records every answer, errors included, exactly as
sent, with the request body as the client sent it (bounded, secrets redacted: ``mockserver.state.journal``).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.decisions.controls import Latency, parse_prefer
from mockserver.decisions.errors import BadRequest
from mockserver.state.journal import (
    MAX_ANSWER,
    MAX_BODY,
    MAX_TEXT,
    Entry,
    Journal,
    answer_headers,
    error_code_of,
    outcome_of,
    redact_body,
    redact_headers,
    redact_query,
)

REPORT_URL_HEADER = "x-mock-report-url"
REPORT_URL_NAME = REPORT_URL_HEADER.encode("latin-1")


def header_value(raw: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    """One header of an ASGI response start, by its lower-case name (a loop: cheaper than building a Headers)."""
    for key, value in raw:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def listed_entry(entry: Entry) -> dict[str, Any]:
    """One recorded request as ``GET /_mock/requests`` lists it (formatted here, not on the hot path)."""
    status = entry["status"]
    return {
        "id": entry["id"],
        "time": datetime.fromtimestamp(entry["at"], UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": entry["method"],
        "path": entry["path"],
        "query": entry["query"],
        "headers": [list(header) for header in entry["headers"]],
        "body": entry["body"],
        "body_bytes": entry["body_bytes"],
        "status": status,
        "outcome": outcome_of(status),
        "error_code": error_code_of(entry["answer"]) if status >= 400 and entry["answer"] else None,
        "answer_headers": [list(header) for header in entry["answer_headers"]],
        "answer": entry["answer"],
        "report_url": entry["report_url"],
        "authorization": dict(entry["headers"]).get("authorization", "none"),  # its scheme, as the headers keep it
        "duration_ms": entry["duration_ms"],
    }


class FrontDoor:
    def __init__(
        self,
        app: ASGIApp,
        *,
        api_base: str,
        declared_statuses: tuple[int, ...],
        journal: Journal,
        latency: Latency,
        seed: int,
    ) -> None:
        self.app = app
        self.declared_statuses = declared_statuses
        self.journal = journal
        self.latency = latency
        self.has_latency = latency.high_ms > 0
        self.rng = random.Random(seed)
        self.api_prefix = api_base + "/"
        self.ui = api_base + "/ui"
        self.documents = frozenset({api_base + "/openapi.json", api_base + "/openapi.yaml"})

    def _is_api(self, path: str) -> bool:
        return path.startswith(self.api_prefix) and not path.startswith(self.ui) and path not in self.documents

    def _delay_seconds(self, headers: Mapping[str, str]) -> float:
        if not self.has_latency and "prefer" not in headers:
            return 0.0  # nothing can ask for a delay: no Prefer to parse, no random draw
        try:
            requested_ms = parse_prefer(headers.get("prefer"), self.declared_statuses).delay_ms
        except BadRequest:
            requested_ms = 0  # the gate refuses a malformed Prefer with a 400, which must not wait first
        return self.latency.sample_seconds(self.rng) + requested_ms / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        delay = self._delay_seconds(headers)
        if delay > 0:
            await asyncio.sleep(delay)
        status = 0
        report_url: str | None = None
        sent_headers: list[tuple[bytes, bytes]] = []
        answer = bytearray()
        body = bytearray()
        body_bytes = 0

        async def recording_receive() -> Message:
            nonlocal body_bytes
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                body_bytes += len(chunk)
                if len(body) < MAX_BODY:
                    body.extend(chunk[: MAX_BODY - len(body)])
            return message

        async def recording_send(message: Message) -> None:
            nonlocal status, report_url, sent_headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                sent_headers = message.get("headers", [])
                report_url = header_value(sent_headers, REPORT_URL_NAME)
            elif message["type"] == "http.response.body" and len(answer) < MAX_ANSWER:
                answer.extend(message.get("body", b"")[: MAX_ANSWER - len(answer)])
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            if status:  # a client that left before any answer has nothing to record
                query = scope.get("query_string", b"").decode("latin-1")
                self.journal.record(
                    {
                        "id": self.journal.new_id(),
                        "at": time.time(),
                        "method": scope["method"][:16],
                        "path": scope["path"][:MAX_TEXT],
                        "query": redact_query(query) if query else "",
                        "headers": redact_headers(headers),
                        "body": redact_body(bytes(body)) if body else None,
                        "body_bytes": body_bytes,
                        "status": status,
                        "answer_headers": answer_headers(sent_headers),
                        "answer": redact_body(bytes(answer), MAX_ANSWER),
                        "report_url": report_url[:MAX_TEXT] if report_url else None,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    }
                )
