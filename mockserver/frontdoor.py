"""The outermost middleware for API requests: added latency (``--latency``, ``Prefer: delay``) and the journal.

It sits outside the error handling, so it sees and records every answer, errors included, exactly as sent.
"""

from __future__ import annotations

import asyncio
import random
import time

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.controls import Latency, requested_delay_ms
from mockserver.journal import Journal

REPORT_URL_HEADER = "x-mock-report-url"
MAX_RECORDED_ERROR_BODY = 4096


class FrontDoor:
    def __init__(self, app: ASGIApp, *, api_base: str, journal: Journal, latency: Latency, seed: int) -> None:
        self.app = app
        self.api_base = api_base
        self.journal = journal
        self.latency = latency
        self.rng = random.Random(seed)

    def _is_api(self, path: str) -> bool:
        if not path.startswith(self.api_base + "/"):
            return False
        rest = path[len(self.api_base) :]
        return not (rest.startswith("/ui") or rest in ("/openapi.json", "/openapi.yaml"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = Headers(scope=scope)
        delay = self.latency.sample_seconds(self.rng) + requested_delay_ms(headers.get("prefer")) / 1000
        if delay > 0:
            await asyncio.sleep(delay)
        status = 0
        report_url: str | None = None
        error_body = bytearray()

        async def recording_send(message: Message) -> None:
            nonlocal status, report_url
            if message["type"] == "http.response.start":
                status = int(message["status"])
                report_url = Headers(raw=message.get("headers", [])).get(REPORT_URL_HEADER)
            elif message["type"] == "http.response.body" and status >= 400:
                error_body.extend(message.get("body", b"")[: MAX_RECORDED_ERROR_BODY - len(error_body)])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            if status:  # a client that left before any answer has nothing to record
                self.journal.record(
                    started=started,
                    method=scope["method"],
                    path=scope["path"],
                    query=scope.get("query_string", b"").decode("latin-1"),
                    status=status,
                    error_body=bytes(error_body),
                    report_url=report_url,
                    authorization=headers.get("authorization"),
                )
