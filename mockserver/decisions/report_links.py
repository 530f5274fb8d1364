"""Report URLs that carry what is needed to regenerate the report: signed, with no server-side store.

A link is ``base64url(JSON of the account and report-defining params) "." base64url(HMAC-SHA256)``. Extra keys a
client sent are echoed by the API but do not shape the report, so they stay out of the URL and keep it short.
Built with the standard library: a JWT would carry a header nobody reads and cost several times more per 200.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any

from mockserver.decisions.errors import BadRequest, NotFound

REPORT_FIELDS = ("dataType", "schedule", "language", "contentType", "from", "to", "reportFilters")
ADMIN_BASE = "/_mock"


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, key: str) -> str:
    return _encode(hmac.digest(key.encode(), payload.encode("ascii"), "sha256"))


def report_token(aid: str, params: dict[str, Any], key: str) -> str:
    named = {"aid": aid, **{name: params[name] for name in REPORT_FIELDS if name in params}}
    payload = _encode(json.dumps(named, separators=(",", ":")).encode("ascii"))
    return f"{payload}.{_signature(payload, key)}"


def open_report_token(token: str, key: str) -> tuple[str, dict[str, Any]]:
    """The account and params a report link names, or a 4xx: 400 when malformed, 404 when not signed by us."""
    payload, dot, signature = token.partition(".")
    if not dot or not payload or not signature or not payload.isascii() or not signature.isascii():
        raise BadRequest("malformed report link; use the X-Mock-Report-Url header of a generate-report answer")
    if not hmac.compare_digest(signature, _signature(payload, key)):
        raise NotFound("no such report: the link was not issued by this mock (or was changed)")
    try:
        claims = json.loads(_decode(payload))
    except (ValueError, binascii.Error):
        raise BadRequest("malformed report link: its payload is not JSON") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("aid"), str):
        raise BadRequest("malformed report link: it names no account")
    aid = claims.pop("aid")
    return aid, claims


def report_path(aid: str, params: dict[str, Any], key: str) -> str:
    return f"{ADMIN_BASE}/reports/{report_token(aid, params, key)}"
