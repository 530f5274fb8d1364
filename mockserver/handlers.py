"""Connexion operation handlers: thin glue between the accepted request and the response.

The gate (``mockserver.gate``) has already authenticated, validated and filled in defaults; a handler only answers.
"""

from __future__ import annotations

from connexion import context
from starlette.responses import Response

from mockserver.errors import json_bytes
from mockserver.gate import EXTENSION, AcceptedRequest


async def generate_report(aid: str) -> Response:
    """200: the accepted params, echoed as the contract's ``InsightReportParams`` response."""
    accepted: AcceptedRequest = context.scope["extensions"][EXTENSION]
    return Response(json_bytes(accepted.params), status_code=200, media_type="application/json")
