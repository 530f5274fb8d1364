"""An ``ApiError`` as an ASGI answer: the contract's Error object in ``application/json``, its headers kept."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.decisions.errors import ApiError, error_body, json_bytes


def error_response(error: ApiError) -> Response:
    return Response(
        json_bytes(error_body(error)), status_code=error.status, headers=error.headers, media_type="application/json"
    )
