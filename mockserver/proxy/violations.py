"""What the proxy says about one exchange: pure functions from a request or a response to its contract violations.

No rule is stated here. Each judgement calls the code the mock and the checker already use: ``security.bearer_token``
(is there a Bearer token), ``intake.check_media_type`` and ``intake.parse_json`` (media type, JSON syntax),
``acceptance.check_account`` and ``acceptance.check_body`` (the ``aid`` pattern, the discriminator, the schema and the
from/to rules, with the mock's own 400), and ``contracts.model.judgements`` (error shape, echo, window: the answers).
Two profiles, as in ``insight-contracts check``: ``contract`` (the default) judges what the published document and its
prose state, so a legal answer of another implementation is never a violation; ``mock`` adds our mock's conventions
(a refused charset parameter, the served Error schema on every error, the exact echo with defaults filled in).

This module only turns their verdicts into violations in Prism's shape::

    {"location": ["request", "body", "to"], "severity": "Error", "code": "window-end", "message": "..."}

and encodes them for the ``sl-violations`` header, the name and format Prism's validation proxy uses.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.model import judgements
from contracts.model.contract import Contract
from contracts.model.judgements import CONTRACT, MOCK
from contracts.model.published import published_answers
from contracts.rules.media_types import parse_media_type
from contracts.rules.periods import Violation
from mockserver.decisions import intake, security
from mockserver.decisions.acceptance import check_account, check_body
from mockserver.decisions.errors import (
    ApiError,
    BadRequest,
    InvalidJson,
    InvalidParameter,
    Unauthorized,
    UnsupportedMediaType,
)

HEADER = "sl-violations"
ERROR = "Error"  # Prism's DiagnosticSeverity names
WARNING = "Warning"
# Prism's bound for the header (8 KiB "minus some"): proxies and browsers refuse longer header lines.
MAX_HEADER_CHARS = 8 * 1024 - 100
MAX_MESSAGE_CHARS = 1000  # one violation cannot crowd out the others, in the header or the journal


@dataclass(frozen=True)
class ProxyViolation:
    """One broken rule of an exchange, located as Prism locates it: ``request``/``response``, then where inside."""

    location: tuple[str, ...]
    code: str | int | None  # Prism uses numbers for its HTTP-level checks (401, 415) and keywords for the rest
    message: str
    severity: str = ERROR

    def as_json(self) -> dict[str, Any]:
        item: dict[str, Any] = {"location": list(self.location), "severity": self.severity}
        if self.code is not None:  # Prism's JSON.stringify drops an undefined code; so do we
            item["code"] = self.code
        item["message"] = _clip(self.message)
        return item


@dataclass(frozen=True)
class Unread:
    """A body the proxy did not validate, and why (too large to keep, or in an encoding it cannot read)."""

    reason: str


@dataclass(frozen=True)
class RequestVerdict:
    """The violations of a request, and what enforce mode answers instead of forwarding it."""

    violations: tuple[ProxyViolation, ...]
    refusal: ApiError | None  # the first failed check, in the order the mock checks (the error a client fixes first)
    body: Any  # the parsed JSON body; ``None`` when it was unread or not JSON

    @property
    def breaks_contract(self) -> bool:
        return is_breaking(self.violations)


def is_breaking(violations: Iterable[ProxyViolation]) -> bool:
    """Whether any violation is an error (warnings, such as "not validated", never block in enforce mode)."""
    return any(violation.severity == ERROR for violation in violations)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def _segments(pointer: str) -> tuple[str, ...]:
    """The segments of a JSON pointer, as Prism lists them after ``body``."""
    return tuple(part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:])


def _body_violations(where: str, problems: Iterable[Violation]) -> list[ProxyViolation]:
    return [
        ProxyViolation((where, "body", *_segments(problem.path)), problem.rule, problem.message) for problem in problems
    ]


# --- the request -----------------------------------------------------------------------------------------------------


def check_request(
    contract: Contract,
    *,
    aid: str,
    authorization: str | None,
    content_type: str | None,
    body: bytes | Unread,
    max_json_depth: int = 32,
    profile: str = CONTRACT,
) -> RequestVerdict:
    """Every violation of a request to the report operation; all checks run, so one header lists everything."""
    violations: list[ProxyViolation] = []
    refusals: list[ApiError] = []
    try:
        security.bearer_token(authorization)
    except Unauthorized as error:
        violations.append(ProxyViolation(("request", "header", "authorization"), 401, error.message))
        refusals.append(error)
    try:
        # A charset parameter is refused by our mock only: RFC 8259 gives JSON none, and says recipients ignore it.
        intake.check_media_type(content_type if profile == MOCK else parse_media_type(content_type).essence or None)
    except UnsupportedMediaType as error:
        violations.append(ProxyViolation(("request", "header", "content-type"), 415, error.message))
        refusals.append(error)
    try:
        check_account(contract, aid)
    except InvalidParameter as error:
        violations += [ProxyViolation(("request", "path", "aid"), p.rule, error.message) for p in error.problems]
        refusals.append(error)
    if isinstance(body, Unread):
        violations.append(
            ProxyViolation(("request", "body"), "not-validated", f"not validated: {body.reason}", WARNING)
        )
        return RequestVerdict(tuple(violations), refusals[0] if refusals else None, None)
    try:
        parsed = intake.parse_json(body, max_json_depth)
    except InvalidJson as error:
        violations.append(ProxyViolation(("request", "body"), "invalid-json", error.message))
        refusals.append(error)
        return RequestVerdict(tuple(violations), refusals[0], None)
    try:
        check_body(contract, parsed)
    except BadRequest as error:  # InvalidBody or InvalidPeriod: the mock's own 400, problems included
        violations += _body_violations("request", error.problems)
        refusals.append(error)
    return RequestVerdict(tuple(violations), refusals[0] if refusals else None, parsed)


# --- the response ----------------------------------------------------------------------------------------------------


def check_response(
    contract: Contract,
    request: RequestVerdict,
    *,
    status: int,
    content_type: str | None,
    body: bytes | Unread,
    profile: str = CONTRACT,
) -> list[ProxyViolation]:
    """Every violation of the answer to a report request (``request`` is what was sent, already judged)."""
    operation = f"{contract.method} {contract.base_path}{contract.path}"
    if status not in contract.declared_statuses:
        declared = ", ".join(str(code) for code in contract.declared_statuses)
        message = f"the status {status} is not declared for {operation}; declared: {declared}"
        return [ProxyViolation(("response", "status"), "status", message)]
    if profile == CONTRACT and status not in published_answers().statuses:
        return []  # declared by our completions (404, 405, 413, 415): the published document says nothing of its body
    media_type = judgements.media_type_of(content_type)
    if media_type != judgements.JSON_MEDIA_TYPE:
        message = (
            f"a {status} answer is {media_type or 'untyped'}, not {judgements.JSON_MEDIA_TYPE} as the contract says"
        )
        return [ProxyViolation(("response", "header", "content-type"), "media-type", message)]
    if isinstance(body, Unread):
        return [ProxyViolation(("response", "body"), "not-validated", f"not validated: {body.reason}", WARNING)]
    if status >= 400:
        return _error_answer(contract, request, status, content_type, body, profile)
    return _report_answer(contract, request, body, profile)


def _error_answer(
    contract: Contract, request: RequestVerdict, status: int, content_type: str | None, body: bytes, profile: str
) -> list[ProxyViolation]:
    violations = []
    problem = judgements.error_shape_problem(contract, status, content_type, body, profile)
    if problem:
        violations.append(ProxyViolation(("response", "body"), "error-shape", problem))
    if status == 400 and not request.violations:  # a fully valid, fully read request
        refused = judgements.window_problem(contract, request.body, status)
        if refused:
            violations.append(ProxyViolation(("response", "status"), "refused-valid", refused))
    return violations


def _report_answer(contract: Contract, request: RequestVerdict, body: bytes, profile: str) -> list[ProxyViolation]:
    try:
        echoed = json.loads(body)
    except ValueError:
        return [ProxyViolation(("response", "body"), "invalid-json", "the 200 answer is not JSON")]
    violations: list[ProxyViolation] = []
    try:
        check_body(contract, echoed)
    except BadRequest as error:  # the 200 body is report params, so the request's rules apply to it as well
        violations += _body_violations("response", error.problems)
    echo = judgements.echo_problem(contract, request.body, 200, body, profile)
    if echo:
        violations.append(ProxyViolation(("response", "body"), "echo", echo))
    if request.breaks_contract:
        first = next(v for v in request.violations if v.severity == ERROR)
        message = f"the upstream answered 200 to a request that breaks the contract ({first.message})"
        violations.append(ProxyViolation(("response", "status"), "accepted-invalid", message))
    return violations


def decoded_for_validation(body: bytes, content_encoding: str | None, limit: int) -> bytes | Unread:
    """The body as the client's JSON parser sees it: gzip and deflate undone (at most ``limit`` bytes of output)."""
    codings = [part.strip().lower() for part in (content_encoding or "").split(",") if part.strip()]
    for coding in reversed(codings):  # the last coding applied is undone first
        if coding == "identity":
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            return Unread(f"content-encoding {coding!r} is not decoded by the proxy")
        wbits = 16 + zlib.MAX_WBITS if coding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        try:
            inflater = zlib.decompressobj(wbits)
            body = inflater.decompress(body, limit + 1)
        except zlib.error as error:
            return Unread(f"the {coding} body does not decode: {error}")
        if len(body) > limit or inflater.unconsumed_tail:
            return Unread(f"larger than {limit} bytes once decoded")
    return body


# --- the header ------------------------------------------------------------------------------------------------------


def _dumps(items: Sequence[dict[str, Any]]) -> str:
    # JSON.stringify's compact form, ASCII only: a header value must be visible ASCII (ensure_ascii escapes
    # everything above 0x7e but DEL, and json escapes control characters; DEL is escaped by hand).
    return json.dumps(items, ensure_ascii=True, separators=(",", ":")).replace("\x7f", "\\u007f")


def encode_header(violations: Sequence[ProxyViolation], limit: int = MAX_HEADER_CHARS) -> str | None:
    """The ``sl-violations`` value: Prism's JSON array on one line, or ``None`` (no header) when nothing broke.

    Prism cuts an over-long value mid-JSON behind "Too many violations! "; we keep the value parseable instead:
    as many violations as fit, then one warning that counts the rest (all are in ``GET /_proxy/requests``).
    """
    if not violations:
        return None
    parts = [_dumps([violation.as_json()])[1:-1] for violation in violations]  # each item alone, brackets off
    if sum(len(part) + 1 for part in parts) + 1 <= limit:
        return "[" + ",".join(parts) + "]"
    kept, size = 0, 1
    while kept < len(parts) and size + len(parts[kept]) + 1 + _SUMMARY_ROOM + 1 <= limit:
        size += len(parts[kept]) + 1
        kept += 1
    return "[" + ",".join([*parts[:kept], truncation_notice(len(parts) - kept, violations[kept].location[0])]) + "]"


_SUMMARY_ROOM = 200  # more than any truncation notice takes


def truncation_notice(rest: int, where: str) -> str:
    message = f"{rest} more violation(s) did not fit; see GET /_proxy/requests"
    return _dumps([ProxyViolation((where,), "truncated", message, WARNING).as_json()])[1:-1]


def decode_header(value: str | None) -> list[dict[str, Any]]:
    """The violations an ``sl-violations`` value lists (none when the header is absent)."""
    return list(json.loads(value)) if value else []


# --- what the proxy answers itself -----------------------------------------------------------------------------------


class BadGateway(ApiError):
    status, code = 502, "BAD_GATEWAY"


class GatewayTimeout(ApiError):
    status, code = 504, "GATEWAY_TIMEOUT"


def response_refusal(upstream: str, status: int, violations: Sequence[ProxyViolation]) -> BadGateway:
    """Enforce mode's 502 in place of an answer that breaks the contract: what was wrong, and the upstream's status."""
    errors = [v for v in violations if v.severity == ERROR]
    count = f"{len(errors)} violations" if len(errors) > 1 else "1 violation"
    return BadGateway(
        f"the upstream {upstream} answered {status}, which breaks the contract ({count}): {errors[0].message}",
        problems=[Violation(str(v.code), "/".join(v.location), v.message) for v in errors],
        code="UPSTREAM_CONTRACT_VIOLATION",
    )


_TIMEOUT_PHASES: dict[type[Exception], str] = {
    httpx.ConnectTimeout: "to accept a connection",
    httpx.WriteTimeout: "to take the request",
    httpx.ReadTimeout: "to answer",
    httpx.PoolTimeout: "(no free connection in the proxy's pool)",
}


def upstream_failure(upstream: str, error: Exception, timeout: float) -> ApiError:
    """The answer for an upstream that could not be used: 504 for a timeout, 502 for anything else."""
    detail = str(error) or type(error).__name__
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        phase = _TIMEOUT_PHASES.get(type(error), "to answer")
        return GatewayTimeout(f"the upstream {upstream} took longer than {timeout:g} s {phase}")
    if isinstance(error, httpx.ConnectError):
        if "SSL" in detail or "certificate" in detail.lower():
            return BadGateway(f"the TLS handshake with the upstream {upstream} failed: {detail}")
        return BadGateway(f"cannot connect to the upstream {upstream}: {detail}")
    if isinstance(error, httpx.RemoteProtocolError):
        return BadGateway(f"the upstream {upstream} broke off or did not speak HTTP/1.1: {detail}")
    if isinstance(error, httpx.NetworkError):
        return BadGateway(f"the connection to the upstream {upstream} failed: {detail}")
    return BadGateway(f"the upstream {upstream} could not be used: {detail}")
