"""Report URLs that carry what is needed to regenerate the report: a signed token, no server-side store.

The token is a compact HS256 JWT over the account and the report-defining params only (extra keys a client sent are
echoed by the API but do not shape the report, so they stay out of the URL and keep it short).
"""

from __future__ import annotations

from typing import Any

import jwt

from mockserver.errors import BadRequest, NotFound

REPORT_FIELDS = ("dataType", "schedule", "language", "contentType", "from", "to", "reportFilters")
ADMIN_BASE = "/_mock"


def report_token(aid: str, params: dict[str, Any], key: str) -> str:
    claims = {"aid": aid, **{name: params[name] for name in REPORT_FIELDS if name in params}}
    return jwt.encode(claims, key, algorithm="HS256")


def open_report_token(token: str, key: str) -> tuple[str, dict[str, Any]]:
    """The account and params a report URL names, or a 4xx: 400 when malformed, 404 when not signed by us."""
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["aid"]})
    except jwt.InvalidSignatureError:
        raise NotFound("no such report: the link was not issued by this mock (or was changed)") from None
    except jwt.PyJWTError:
        raise BadRequest(
            "malformed report link; use the X-Mock-Report-Url header of a generate-report answer"
        ) from None
    aid = claims.pop("aid")
    return str(aid), claims


def report_path(aid: str, params: dict[str, Any], key: str) -> str:
    return f"{ADMIN_BASE}/reports/{report_token(aid, params, key)}"
