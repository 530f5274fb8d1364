"""The validating proxy: forward every request to an upstream Insight API; say whether each exchange kept the contract.

Path mapping: the path and query a client sends are appended, as received (percent-encoding kept), to the upstream URL:
``--upstream http://127.0.0.1:8080`` and ``POST /v1/accounts/P1/...`` go to ``http://127.0.0.1:8080/v1/accounts/P1/...``;
``--upstream https://staging.example/api`` sends it to ``https://staging.example/api/v1/accounts/P1/...``. An upstream
that ends with the contract's base path (its own server URL, ``https://api.dintero.com/v1``) has it removed first, so
``/v1`` is not sent twice. Only
``/_proxy/requests`` (GET, DELETE) is the proxy's own.

Exchanges with the contract's report operation (its method, on a path its route matches: ``contracts.model.routes``, the
matcher the mock's routing agrees with) are validated; everything else is
forwarded and journalled as not in the contract. A request body is kept for validation up to ``max_validated_bytes``,
and so is the start of a report answer: the answer is held back until it is complete (it is small JSON) so that its
violations can go into the ``sl-violations`` header; a larger one is streamed through and reported "not validated: too
large". Answers of other routes (report downloads) are streamed as they arrive, never held.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Literal

import httpx
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from contracts.model.contract import Contract, default_contract
from contracts.model.judgements import CONTRACT, PROFILES
from mockserver.decisions.errors import ApiError, BadRequest
from mockserver.edge.header_limit import HeaderLimit
from mockserver.edge.responses import error_response
from mockserver.edge.shutdown import AnswerWhileStopping
from mockserver.proxy.violations import (
    HEADER,
    WARNING,
    ProxyViolation,
    RequestVerdict,
    Unread,
    check_request,
    check_response,
    decoded_for_validation,
    encode_header,
    is_breaking,
    response_refusal,
    upstream_failure,
)
from mockserver.state.journal import MAX_TEXT, Journal, describe_authorization, redact_body, redact_query

Mode = Literal["report", "enforce"]
RawHeaders = list[tuple[bytes, bytes]]

MAX_JOURNALLED_VIOLATIONS = 50  # one hostile body cannot make one entry large
# RFC 9110 section 7.6.1: meaningful for one connection only, never forwarded (plus Host, which names the upstream).
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding", b"upgrade", b"host", b"proxy-connection"}
)


# --- pure helpers ----------------------------------------------------------------------------------------------------


def parse_upstream(url: str) -> str:
    """The upstream as ``scheme://host[:port][/prefix]`` without a trailing slash; a ValueError says what is wrong."""
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as error:
        raise ValueError(f"--upstream {url!r} is not a URL: {error}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"--upstream {url!r} must be an http:// or https:// URL with a host")
    if parsed.query or parsed.fragment:
        raise ValueError(f"--upstream {url!r} must not have a query or a fragment")
    return str(parsed.copy_with(path=parsed.raw_path.decode("ascii").rstrip("/") or "/")).rstrip("/")


def without_base_path(upstream: str, base_path: str) -> str:
    """The upstream minus the contract's base path, when it ends with it: clients send paths that start with it.

    The contract's own server URL (``https://api.dintero.com/v1``, as in its ``servers``) is the natural thing to pass
    as ``--upstream``; appending ``/v1/accounts/...`` to it would send ``/v1`` twice. Any other prefix
    (``https://host/api``) is kept and the client's path appended to it.
    """
    path = httpx.URL(upstream).path.rstrip("/")
    if base_path.strip("/") and path.endswith(base_path):
        return upstream.removesuffix(base_path)
    return upstream


def target_url(upstream: str, raw_path: bytes, query: bytes) -> str:
    """Where a request goes: the upstream, then the path and query exactly as the client sent them."""
    return upstream + raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")


def _hop_by_hop(headers: RawHeaders) -> frozenset[bytes]:
    named = {
        token.strip().lower() for name, value in headers if name.lower() == b"connection" for token in value.split(b",")
    }
    return HOP_BY_HOP | named | {name.lower() for name, _ in headers if name.lower().startswith(b"proxy-")}


def end_to_end(headers: RawHeaders) -> RawHeaders:
    """The headers a proxy passes on: all but the hop-by-hop ones (and those the Connection header names)."""
    dropped = _hop_by_hop(headers)
    return [(name, value) for name, value in headers if name.lower() not in dropped]


def with_violations(headers: RawHeaders, value: str | None) -> RawHeaders:
    """The answer's headers plus ``sl-violations``; exposed to scripts when the upstream answers CORS requests."""
    if value is None:
        return headers
    result = [*headers, (HEADER.encode(), value.encode("ascii"))]
    if any(name.lower() == b"access-control-allow-origin" for name, _ in headers):
        exposed = [value for name, value in headers if name.lower() == b"access-control-expose-headers"]
        if not any(HEADER.encode() in item.lower() or item.strip() == b"*" for item in exposed):
            result = [(n, v) for n, v in result if n.lower() != b"access-control-expose-headers"]
            result.append((b"access-control-expose-headers", b", ".join([*exposed, HEADER.encode()])))
    return result


async def buffer_up_to(chunks: AsyncIterator[bytes], limit: int) -> tuple[bytes, bool]:
    """The first chunks of a stream, until it ends (``True``) or passes ``limit`` bytes (``False``: more may follow)."""
    kept = bytearray()
    async for chunk in chunks:
        kept += chunk
        if len(kept) > limit:
            return bytes(kept), False
    return bytes(kept), True


class ClientGone(Exception):
    """The client disconnected before sending its whole request: there is nobody to answer."""


async def client_chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


async def _chain(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


# --- the journal -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    time: str
    method: str
    path: str
    query: str
    body: str | None  # the request body as sent (bounded, secrets redacted)
    operation: str | None  # the contract's operationId; None: not in the contract, forwarded unchecked
    outcome: str  # forwarded | refused (enforce, request) | replaced (enforce, response) | failed (upstream)
    status: int | None  # what the client got; None when the answer broke off after its headers
    upstream_status: int | None
    violations: list[dict[str, Any]]
    error: str | None
    authorization: str  # the scheme alone, never the credential
    duration_ms: float


@dataclass
class _Trace:
    """What one exchange did so far, journalled when it ends however it ends."""

    scope: Scope
    operation: str | None
    started: float = field(default_factory=time.perf_counter)
    outcome: str = "forwarded"
    status: int | None = None
    upstream_status: int | None = None
    violations: list[ProxyViolation] = field(default_factory=list)
    error: str | None = None
    body: bytes = b""

    def entry(self) -> Exchange:
        return Exchange(
            time=datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            method=str(self.scope["method"])[:16],
            path=str(self.scope["path"])[:MAX_TEXT],
            query=redact_query(self.scope.get("query_string", b"").decode("latin-1")),
            body=redact_body(self.body) if self.body else None,
            operation=self.operation,
            outcome=self.outcome,
            status=self.status,
            upstream_status=self.upstream_status,
            violations=_bounded(self.violations),
            error=self.error,
            authorization=describe_authorization(Headers(scope=self.scope).get("authorization")),
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
        )


def _bounded(violations: list[ProxyViolation]) -> list[dict[str, Any]]:
    """The violations of one journal entry, at most ``MAX_JOURNALLED_VIOLATIONS`` (then a count of the rest)."""
    kept = [violation.as_json() for violation in violations[:MAX_JOURNALLED_VIOLATIONS]]
    if len(violations) > MAX_JOURNALLED_VIOLATIONS:
        rest = len(violations) - MAX_JOURNALLED_VIOLATIONS
        kept.append(ProxyViolation(("journal",), "truncated", f"{rest} more violation(s)", WARNING).as_json())
    return kept


# --- the ASGI glue ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProxySettings:
    upstream: str
    mode: Mode = "report"
    timeout: float = 30.0
    max_validated_bytes: int = 64 * 1024  # kept of a request body or a report answer for validation
    journal_size: int = 200
    max_json_depth: int = 32
    profile: str = CONTRACT  # what judges the exchanges: the published contract, or our mock's conventions too


def _refusing_all_cookies() -> CookieJar:
    # The client serves every user of the proxy: it must never keep one user's cookies (nor grow with them).
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class Forwarder:
    """The ASGI endpoint that forwards one exchange, validating it when it is the report operation."""

    def __init__(
        self, settings: ProxySettings, contract: Contract, client: httpx.AsyncClient, journal: Journal
    ) -> None:
        self.settings = settings
        self.contract = contract
        self.client = client
        self.journal = journal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.contract.route
        parameters = route.match(scope["path"]) if scope["method"] == route.method else None
        trace = _Trace(scope, route.operation_id if parameters is not None else None)
        try:
            await self._exchange(scope, receive, send, trace, parameters["aid"] if parameters is not None else None)
        except ClientGone:
            trace.outcome, trace.error = "failed", "the client disconnected before sending its whole request"
        finally:
            self.journal.record(asdict(trace.entry()))

    async def _exchange(self, scope: Scope, receive: Receive, send: Send, trace: _Trace, aid: str | None) -> None:
        limit = self.settings.max_validated_bytes
        chunks = client_chunks(receive)
        head, complete = await buffer_up_to(chunks, limit)
        trace.body = head
        verdict: RequestVerdict | None = None
        if aid is not None:
            verdict = self._check_request(scope, aid, head if complete else Unread(f"larger than {limit} bytes"))
            trace.violations += verdict.violations
            if self.settings.mode == "enforce" and verdict.refusal is not None:
                trace.outcome = "refused"
                await self._answer(scope, receive, send, trace, verdict.refusal)
                return
        try:
            request = self._upstream_request(scope, head, complete, chunks)
        except httpx.InvalidURL as error:
            trace.outcome = "refused"
            await self._answer(scope, receive, send, trace, BadRequest(f"the proxy cannot forward this URL: {error}"))
            return
        try:
            # A deadline over the whole wait, not only each read: a trickling upstream cannot hold a client forever.
            async with asyncio.timeout(self.settings.timeout):
                upstream = await self.client.send(request, stream=True)
        except (httpx.HTTPError, TimeoutError) as error:
            await self._fail(scope, receive, send, trace, error)
            return
        trace.upstream_status = upstream.status_code
        try:
            if verdict is None:
                await self._stream(send, trace, upstream, b"", complete=False)
            else:
                await self._validated(scope, receive, send, trace, upstream, verdict)
        finally:
            await upstream.aclose()

    def _check_request(self, scope: Scope, aid: str, body: bytes | Unread) -> RequestVerdict:
        headers = Headers(scope=scope)
        return check_request(
            self.contract,
            aid=aid,
            authorization=headers.get("authorization"),
            content_type=headers.get("content-type"),
            body=body,
            max_json_depth=self.settings.max_json_depth,
            profile=self.settings.profile,
        )

    def _upstream_request(self, scope: Scope, head: bytes, complete: bool, rest: AsyncIterator[bytes]) -> httpx.Request:
        raw_headers: RawHeaders = list(scope["headers"])
        has_body = any(name in (b"content-length", b"transfer-encoding") for name, _ in raw_headers)
        content: bytes | AsyncIterator[bytes] | None = None
        if not complete:
            content = _chain(head, rest)  # too large to hold: streamed on, after the part already read
        elif head or has_body:
            content = head
        url = target_url(self.settings.upstream, scope.get("raw_path") or scope["path"].encode(), scope["query_string"])
        # httpx.Request, not client.build_request: no client default headers (User-Agent, Accept...) are added.
        return httpx.Request(scope["method"], url, headers=end_to_end(raw_headers), content=content)

    async def _validated(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        trace: _Trace,
        upstream: httpx.Response,
        verdict: RequestVerdict,
    ) -> None:
        limit = self.settings.max_validated_bytes
        chunks = upstream.aiter_raw()
        try:
            async with asyncio.timeout(self.settings.timeout):
                head, complete = await buffer_up_to(chunks, limit)
        except (httpx.HTTPError, TimeoutError) as error:
            await self._fail(scope, receive, send, trace, error)
            return
        encoding = upstream.headers.get("content-encoding")
        body = decoded_for_validation(head, encoding, limit) if complete else Unread(f"larger than {limit} bytes")
        found = check_response(
            self.contract,
            verdict,
            status=upstream.status_code,
            content_type=upstream.headers.get("content-type"),
            body=body,
            profile=self.settings.profile,
        )
        trace.violations += found
        if self.settings.mode == "enforce" and is_breaking(found):
            trace.outcome = "replaced"
            refusal = response_refusal(self.settings.upstream, upstream.status_code, found)
            await self._answer(scope, receive, send, trace, refusal)
            return
        await self._stream(send, trace, upstream, head, complete=complete, rest=chunks)

    async def _stream(
        self,
        send: Send,
        trace: _Trace,
        upstream: httpx.Response,
        head: bytes,
        *,
        complete: bool,
        rest: AsyncIterator[bytes] | None = None,
    ) -> None:
        """Send the upstream's answer on: status and headers (plus ``sl-violations``), what was read, then the rest."""
        headers = with_violations(end_to_end(list(upstream.headers.raw)), encode_header(trace.violations))
        await send({"type": "http.response.start", "status": upstream.status_code, "headers": headers})
        trace.status = upstream.status_code
        if complete:
            await send({"type": "http.response.body", "body": head, "more_body": False})
            return
        if head:
            await send({"type": "http.response.body", "body": head, "more_body": True})
        try:
            async for chunk in rest if rest is not None else upstream.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError as error:
            # The status is sent: all that is left is to end the connection, so the client sees a truncated answer.
            trace.outcome, trace.status = "failed", None
            trace.error = upstream_failure(self.settings.upstream, error, self.settings.timeout).message
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _fail(self, scope: Scope, receive: Receive, send: Send, trace: _Trace, error: Exception) -> None:
        failure = upstream_failure(self.settings.upstream, error, self.settings.timeout)
        trace.outcome, trace.error = "failed", failure.message
        await self._answer(scope, receive, send, trace, failure)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, trace: _Trace, error: ApiError) -> None:
        """The proxy's own answer, in the contract's Error shape, with the violations found so far."""
        response = error_response(error)
        header = encode_header(trace.violations)
        if header is not None:
            response.headers[HEADER] = header
        origin = Headers(scope=scope).get("origin")
        if origin:
            # Without these a browser hides the proxy's own answer behind a CORS error. They expose nothing of the
            # upstream: this answer is the proxy's alone.
            response.headers.update(
                {
                    "access-control-allow-origin": origin,
                    "access-control-allow-credentials": "true",
                    "access-control-expose-headers": HEADER,
                    "vary": "Origin",
                }
            )
        trace.status = error.status
        await response(scope, receive, send)


def create_proxy_app(
    upstream: str,
    mode: Mode = "report",
    *,
    timeout: float = 30.0,
    max_validated_bytes: int = 64 * 1024,
    journal_size: int = 200,
    contract: Contract | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    profile: str = CONTRACT,
) -> Starlette:
    """The proxy as an ASGI app: ``/_proxy/requests`` is its journal, every other request is forwarded."""
    if mode not in ("report", "enforce"):
        raise ValueError(f"mode must be 'report' or 'enforce', not {mode!r}")
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {', '.join(PROFILES)}, not {profile!r}")
    if timeout <= 0 or max_validated_bytes < 1 or not 1 <= journal_size <= 100_000:
        raise ValueError("timeout must be positive, max_validated_bytes at least 1, journal_size 1..100000")
    contract = contract or default_contract()
    root = without_base_path(parse_upstream(upstream), contract.base_path)
    settings = ProxySettings(root, mode, timeout, max_validated_bytes, journal_size, profile=profile)
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        follow_redirects=False,  # a redirect is the upstream's answer to pass on, not for the proxy to follow
        cookies=_refusing_all_cookies(),
        transport=transport,
    )
    journal = Journal(journal_size)
    forwarder = Forwarder(settings, contract, client, journal)

    async def list_requests(request: Request) -> Response:
        return JSONResponse(journal.as_json())

    async def clear_requests(request: Request) -> Response:
        return JSONResponse({"removed": journal.clear()})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    routes: Sequence[Route] = [
        Route("/_proxy/requests", list_requests, methods=["GET"]),
        Route("/_proxy/requests", clear_requests, methods=["DELETE"]),
        Route("/{path:path}", forwarder),  # an ASGI endpoint: every method
    ]
    # Outermost first: a Ctrl-C with requests in flight answers them 503; headers over 16 KiB get a 431.
    middleware = [Middleware(AnswerWhileStopping), Middleware(HeaderLimit)]
    app = Starlette(routes=list(routes), middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.journal = journal
    return app
