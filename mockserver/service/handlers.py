"""Connexion operation handlers: thin glue between an accepted request and its answer.

Connexion's Resolver finds them by operationId (``Handlers.by_operation_id``). The report operation's handler is
called by the gate (``mockserver.service.gate``) once it has authenticated, validated and filled in defaults; it only
answers. The admin API's handlers are called by Connexion itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anyio import to_thread
from starlette.responses import Response

from contracts.model import validation
from contracts.model.contract import Contract
from mockserver.decisions.acceptance import check_account
from mockserver.decisions.errors import BadRequest, json_bytes
from mockserver.decisions.report_links import open_report_token, report_path
from mockserver.edge.frontdoor import REPORT_URL_HEADER
from mockserver.service.gate import AcceptedRequest
from mockserver.settings import Settings
from mockserver.state.journal import Journal


class Handlers:
    """The operations of the contract and of the admin API, bound to one app's configuration."""

    def __init__(self, contract: Contract, settings: Settings, journal: Journal) -> None:
        self.contract = contract
        self.settings = settings
        self.journal = journal

    def by_operation_id(self) -> dict[str, Callable[..., Any]]:
        return {
            self.contract.operation_id: self.generate_report,
            "mock_health": self.health,
            "mock_get_report": self.get_report,
            "mock_list_requests": self.list_requests,
            "mock_clear_requests": self.clear_requests,
        }

    def generate_report(self, accepted: AcceptedRequest) -> Response:
        """200: the accepted params, echoed as the contract's ``InsightReportParams``, and where the report is."""
        link = accepted.base_url + report_path(accepted.aid, accepted.params, self.settings.report_key)
        return Response(json_bytes(accepted.params), media_type="application/json", headers={REPORT_URL_HEADER: link})

    async def get_report(self, report_id: str) -> Response:
        aid, params = open_report_token(report_id, self.settings.report_key)
        check_account(self.contract, aid)
        problems = validation.validate_body(self.contract, params)
        if problems:
            raise BadRequest("the report link names an invalid report", problems=problems)
        from mockserver.reports import render_report, report_request  # imported on first download: fpdf is slow

        request = report_request(self.contract, aid, validation.accepted_params(self.contract, params))
        report = await to_thread.run_sync(render_report, request, self.contract)  # CPU work: off the event loop
        return Response(
            report.body,
            media_type=report.media_type,
            headers={"Content-Disposition": f'attachment; filename="{report.filename}"'},
        )

    async def list_requests(self) -> Response:
        return Response(json_bytes(self.journal.as_json()), media_type="application/json")

    async def clear_requests(self) -> Response:
        self.journal.clear()
        return Response(status_code=204)

    async def health(self) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")
