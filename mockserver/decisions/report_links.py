"""Report URLs that carry what is needed to regenerate the report: signed, with no server-side store.

A link is ``base64url(JSON of the account and report-defining params) "." base64url(HMAC-SHA256)``. Extra keys a
client sent are echoed by the API but do not shape the report, so they stay out of the URL and keep it short.
Built with the standard library: a JWT would carry a header nobody reads and cost several times more per 200.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from mockserver.decisions.errors import BadRequest, NotFound

REPORT_FIELDS = ("dataType", "schedule", "language", "contentType", "from", "to", "reportFilters")
ADMIN_BASE = "/_mock"


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _encode(data: bytes) -> str:
    # base64.urlsafe_b64encode, without its two Python-level wrappers: a link encodes twice per 200.
    return binascii.b2a_base64(data, newline=False).translate(_URLSAFE).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# Built once: ``json.dumps`` with options and ``hmac.new`` with a key both redo their set-up on every call, and a
# link is made for every 200.
_PAYLOAD_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True)


@lru_cache(maxsize=8)
def _keyed_hmac(key: str) -> hmac.HMAC:
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def _signature(payload: str, key: str) -> str:
    # A copy of an HMAC keyed once: measured faster than the one-shot hmac.digest, which sets up its key every call.
    mac = _keyed_hmac(key).copy()
    mac.update(payload.encode("ascii"))
    return _encode(mac.digest())


def report_token(aid: str, params: dict[str, Any], key: str) -> str:
    named = {"aid": aid, **{name: params[name] for name in REPORT_FIELDS if name in params}}
    payload = _encode(_PAYLOAD_JSON.encode(named).encode("ascii"))
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
