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
from mockserver.decisions.errors import ApiError, BadRequest, NotFound, json_bytes
from mockserver.decisions.report_links import ADMIN_BASE, open_report_token, report_path
from mockserver.edge.frontdoor import REPORT_URL_HEADER
from mockserver.pages import journal_page
from mockserver.pages.assets import PAGE_HEADERS
from mockserver.reports.registry import REPORTS, Registry
from mockserver.reports.render import RenderedReport, render_report, report_filename
from mockserver.reports.request import ReportRequest, report_request
from mockserver.service.gate import AcceptedRequest
from mockserver.settings import Settings, setting_lines
from mockserver.state.journal import Entry, Journal


class Handlers:
    """The operations of the contract and of the admin API, bound to one app's configuration."""

    def __init__(self, contract: Contract, settings: Settings, journal: Journal, reports: Registry = REPORTS) -> None:
        self.contract = contract
        self.settings = settings
        self.journal = journal
        self.reports = reports
        self.links = journal_page.Links(ADMIN_BASE, contract.base_path)
        self.origin = f"http://{settings.host}:{settings.port}"  # for a replayed request that named no Host

    def by_operation_id(self) -> dict[str, Callable[..., Any]]:
        return {
            self.contract.operation_id: self.generate_report,
            "mock_health": self.health,
            "mock_get_report": self.get_report,
            "mock_list_requests": self.list_requests,
            "mock_clear_requests": self.clear_requests,
            "mock_page": self.page,
            "mock_page_requests": self.page_requests,
            "mock_page_request": self.page_request,
        }

    def generate_report(self, accepted: AcceptedRequest) -> Response:
        """200: the accepted params, echoed as the contract's ``InsightReportParams``, and where the report is."""
        link = accepted.base_url + report_path(accepted.aid, accepted.params, self.settings.report_key)
        return Response(json_bytes(accepted.params), media_type="application/json", headers={REPORT_URL_HEADER: link})

    def _report_request(self, report_id: str) -> ReportRequest:
        """What a report link names, checked as generate-report checks a body."""
        aid, params = open_report_token(report_id, self.settings.report_key)
        check_account(self.contract, aid)
        problems = validation.validate_body(self.contract, params)
        if problems:
            raise BadRequest("the report link names an invalid report", problems=problems)
        return report_request(self.contract, aid, validation.accepted_params(self.contract, params))

    async def _render(self, request: ReportRequest) -> RenderedReport:
        render = partial(render_report, request, self.contract, reports=self.reports)
        return await to_thread.run_sync(render)  # CPU work: off the event loop

    async def get_report(self, report_id: str) -> Response:
        report = await self._render(self._report_request(report_id))
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

    # --- the page at /_mock/ -----------------------------------------------------------------------------------------

    def _journal_html(self, chosen: journal_page.JournalFilter) -> str:
        listed = self.journal.as_json()
        return journal_page.render_list(listed["requests"], listed["capacity"], chosen, self.links)

    async def _preview(self, entry: Entry) -> journal_page.ReportPreview | None:
        """The report a 200 named: its first rows for a CSV (rendered as a download would be), a link for a PDF."""
        url = entry["report_url"]
        if entry["status"] != 200 or not url:
            return None
        try:
            request = self._report_request(url.rsplit("/", 1)[-1])
        except ApiError as error:
            return journal_page.ReportPreview(url, "report", "", problem=f"no preview: {error.message}")
        if request.content_type != "text/csv":
            return journal_page.ReportPreview(url, report_filename(request, self.reports), request.content_type)
        report = await self._render(request)
        return journal_page.csv_preview(url, report.filename, report.media_type, report.body, report.row_count)

    async def _entry_html(self, entry: Entry) -> str:
        return journal_page.render_entry(entry, await self._preview(entry), self.origin)

    async def page(self, outcome: str | None = None, status: str | None = None, entry: str | None = None) -> Response:
        chosen = journal_page.journal_filter(outcome, status)
        opened = None
        if entry:
            found = self.journal.find(entry)
            opened = journal_page.render_missing_entry(entry) if found is None else await self._entry_html(found)
        html = journal_page.render_page(
            journal=self._journal_html(chosen),
            opened=opened,
            settings=setting_lines(self.settings, self.contract.document.get("info", {}).get("version")),
            links=self.links,
            chosen=chosen,
        )
        return _html(html)

    async def page_requests(self, outcome: str | None = None, status: str | None = None) -> Response:
        return _html(self._journal_html(journal_page.journal_filter(outcome, status)))

    async def page_request(self, request_id: str) -> Response:
        found = self.journal.find(request_id)
        if found is None:
            raise NotFound(
                f"no request {request_id[:100]!r} in the journal: it was cleared, or newer requests pushed it out"
            )
        return _html(await self._entry_html(found))

    async def health(self) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")


def _html(text: str) -> Response:
    return Response(text, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)
