"""The Python ceiling: bare Starlette answering the report route with a fixed JSON body, nothing checked."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY = (
    b'{"dataType":"checkout/transactions","schedule":"monthly","language":"no",'
    b'"from":"2026-11-01","to":"2026-12-01","contentType":"text/csv"}'
)


async def generate_report(request: Request) -> Response:
    await request.body()
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/v1/accounts/{aid}/insight/generate-report", generate_report, methods=["POST"])])
