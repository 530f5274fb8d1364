"""Connexion operation handlers: thin glue between an accepted request and its answer.

Connexion's Resolver finds them by operationId (``Handlers.by_operation_id``). The report operation's handler is
called by the gate (``mockserver.service.gate``) once it has authenticated, validated and filled in defaults; it only
answers. The admin API's handlers are called by Connexion itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from anyio import to_thread
from starlette.responses import Response

from contracts.model import validation
from contracts.model.contract import Contract
from mockserver.decisions.acceptance import check_account
from mockserver.decisions.errors import BadRequest, json_bytes
from mockserver.decisions.report_links import open_report_token, report_path
from mockserver.edge.frontdoor import REPORT_URL_NAME
from mockserver.reports.registry import REPORTS, Registry
from mockserver.reports.render import render_report
from mockserver.reports.request import report_request
from mockserver.service.gate import AcceptedRequest
from mockserver.settings import Settings
from mockserver.state.journal import Journal

MAX_REMEMBERED_ANSWERS = 1024
MAX_REMEMBERED_BODY = 4096  # bytes: larger bodies are answered afresh every time


class Handlers:
    """The operations of the contract and of the admin API, bound to one app's configuration."""

    def __init__(self, contract: Contract, settings: Settings, journal: Journal, reports: Registry = REPORTS) -> None:
        self.contract = contract
        self.settings = settings
        self.journal = journal
        self.reports = reports
        self.answers: dict[tuple[str, bytes], tuple[bytes, bytes]] = {}

    def by_operation_id(self) -> dict[str, Callable[..., Any]]:
        return {
            self.contract.operation_id: self.generate_report,
            "mock_health": self.health,
            "mock_get_report": self.get_report,
            "mock_list_requests": self.list_requests,
            "mock_clear_requests": self.clear_requests,
        }

    def generate_report(self, accepted: AcceptedRequest) -> Response:
        """200: the accepted params, echoed as the contract's ``InsightReportParams``, and where the report is.

        Both are a pure function of the account and the body as sent (the params are that body, checked, with the
        contract's defaults), so the encoded pair is remembered for a body sent again: encoding the echo and signing
        the link cost more than all the checks before. At most ``MAX_REMEMBERED_ANSWERS`` pairs, of small bodies.
        """
        key = (accepted.aid, accepted.body)
        answer = self.answers.get(key)
        if answer is None:
            path = report_path(accepted.aid, accepted.params, self.settings.report_key)
            answer = json_bytes(accepted.params), path.encode("latin-1")
            if len(accepted.body) <= MAX_REMEMBERED_BODY:
                if len(self.answers) >= MAX_REMEMBERED_ANSWERS:
                    self.answers.clear()
                self.answers[key] = answer
        echo, path_bytes = answer
        response = Response(echo, media_type="application/json")
        # Appended as bytes: passing ``headers=`` makes Starlette lower-case and re-encode every header per answer.
        response.raw_headers.append((REPORT_URL_NAME, accepted.base_url.encode("latin-1") + path_bytes))
        return response

    async def get_report(self, report_id: str) -> Response:
        aid, params = open_report_token(report_id, self.settings.report_key)
        check_account(self.contract, aid)
        problems = validation.validate_body(self.contract, params)
        if problems:
            raise BadRequest("the report link names an invalid report", problems=problems)
        request = report_request(self.contract, aid, validation.accepted_params(self.contract, params))
        render = partial(render_report, request, self.contract, reports=self.reports)
        report = await to_thread.run_sync(render)  # CPU work: off the event loop
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
