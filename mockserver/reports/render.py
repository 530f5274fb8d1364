"""One entry point: a report request in, a finished file out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from contracts.model import default_contract
from mockserver.reports import i18n
from mockserver.reports.csv import MEDIA_TYPE as CSV_MEDIA_TYPE
from mockserver.reports.csv import render_csv
from mockserver.reports.data import (
    Filters,
    check_aid,
    check_data_type,
    check_period,
    generate_rows,
    group_filters,
)
from mockserver.reports.pdf import MEDIA_TYPE as PDF_MEDIA_TYPE
from mockserver.reports.pdf import render_pdf

#: Content types per data type, as in the Insight API spec.
CONTENT_TYPES: Final[dict[str, tuple[str, ...]]] = {
    data_type: tuple(str(value) for value in variant.allowed("contentType"))
    for data_type, variant in default_contract().variants.items()
}
SCHEDULES: Final = ("daily", "weekly", "twice-a-month", "monthly")
_EXTENSIONS: Final = {"text/csv": "csv", "application/pdf": "pdf"}


@dataclass(frozen=True)
class ReportRequest:
    """What to report on; ``[start, end)`` are UTC calendar days."""

    aid: str
    data_type: str
    start: date
    end: date
    language: str
    content_type: str
    filters: Filters = ()
    schedule: str = ""


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    media_type: str
    filename: str
    row_count: int


def check_request(request: ReportRequest) -> None:
    """Raise ``ValueError`` for anything the HTTP layer should already have rejected."""
    check_aid(request.aid)
    check_data_type(request.data_type)
    check_period(request.start, request.end)
    i18n.check_language(request.language)
    allowed = CONTENT_TYPES[request.data_type]
    if request.content_type not in allowed:
        raise ValueError(
            f"{request.data_type} reports are available as {', '.join(allowed)}, not {request.content_type!r}"
        )
    if request.schedule and request.schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {request.schedule!r}; expected one of {SCHEDULES}")
    group_filters(request.data_type, request.filters)


def report_filename(request: ReportRequest) -> str:
    """``P12345678_checkout-transactions_2026-11-01_2026-12-01.csv`` (end excluded)."""
    data_type = request.data_type.replace("/", "-")
    extension = _EXTENSIONS[request.content_type]
    return f"{request.aid}_{data_type}_{request.start}_{request.end}.{extension}"


def render_report(request: ReportRequest) -> RenderedReport:
    """Generate the rows of ``request`` and render them as CSV or PDF."""
    check_request(request)
    rows = generate_rows(request.aid, request.data_type, request.start, request.end, request.filters)
    if request.content_type == "text/csv":
        body = render_csv(rows, request.data_type, request.language)
        media_type = CSV_MEDIA_TYPE
    else:
        body = render_pdf(
            rows,
            aid=request.aid,
            data_type=request.data_type,
            start=request.start,
            end=request.end,
            language=request.language,
            schedule=request.schedule,
            filters=request.filters,
        )
        media_type = PDF_MEDIA_TYPE
    return RenderedReport(body=body, media_type=media_type, filename=report_filename(request), row_count=len(rows))
