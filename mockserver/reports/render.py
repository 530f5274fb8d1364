"""One entry point: a report request in, a finished file out.

``report_request(contract, aid, params)`` turns the accepted params of a generate-report call into a
:class:`ReportRequest`; ``render_report(request, contract)`` checks it against the contract's vocabulary and renders it.

The window is ``[from, to)`` as instants: a full-date bound is UTC midnight, a date-time bound is local midnight in its
own offset (the two ends may differ across a daylight-saving change). Rows created after *now* are left out: a report
on a day that has not ended lists what has happened so far, and a future window is empty. Windows wholly in the past
are a pure function of the request, so their bytes never change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Final

from contracts.model.contract import Contract
from contracts.rules import periods
from mockserver.reports import i18n
from mockserver.reports.csv import MEDIA_TYPE as CSV_MEDIA_TYPE
from mockserver.reports.csv import render_csv
from mockserver.reports.data import FILTERABLE_COLUMNS, Filters, check_period, generate_rows_between
from mockserver.reports.pdf import MEDIA_TYPE as PDF_MEDIA_TYPE
from mockserver.reports.pdf import render_pdf
from mockserver.reports.vocabulary import vocabulary_of

_EXTENSIONS: Final = {"text/csv": "csv", "application/pdf": "pdf"}


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: the local calendar days ``[start, end)`` in the bounds' offsets (None: UTC days)."""

    aid: str
    data_type: str
    start: date
    end: date
    language: str
    content_type: str
    filters: Filters = ()
    schedule: str = ""
    start_offset: timedelta | None = None
    end_offset: timedelta | None = None

    @property
    def since(self) -> datetime:
        """The first instant of the window."""
        return _local_midnight(self.start, self.start_offset)

    @property
    def until(self) -> datetime:
        """The first instant after the window."""
        return _local_midnight(self.end, self.end_offset)

    @property
    def zone_label(self) -> str:
        """How the PDF names the window's offset: ``UTC``, ``UTC+01:00``, ``UTC+02:00/+01:00``."""
        if self.start_offset is None or self.end_offset is None:
            return "UTC"
        first, last = periods.format_offset(self.start_offset), periods.format_offset(self.end_offset)
        if first == "Z" and last == "Z":
            return "UTC"
        return f"UTC{first if first != 'Z' else '+00:00'}" + ("" if last == first else f"/{last}")


def _local_midnight(day: date, offset: timedelta | None) -> datetime:
    zone = UTC if offset is None else timezone(offset)
    return datetime(day.year, day.month, day.day, tzinfo=zone)


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    media_type: str
    filename: str
    row_count: int


def report_request(contract: Contract, aid: str, params: dict[str, Any]) -> ReportRequest:
    """The report accepted params describe (pure: the same params always describe the same report).

    ``reportFilters`` count only where the contract declares them: on wallets they are an undeclared extra property,
    which the contract accepts (``additionalProperties`` is open) and which therefore means nothing. Filter items
    without both ``filter`` and ``value`` (schema-valid for orders) filter nothing.
    """
    data_type = str(params[contract.discriminator])
    declared = vocabulary_of(contract).filter_keys.get(data_type, ())
    filters = tuple(
        (str(item["filter"]), str(item["value"]))
        for item in (params.get("reportFilters") or [] if declared else [])
        if isinstance(item, dict) and "filter" in item and "value" in item
    )
    start, end = periods.parse_bound(params["from"]), periods.parse_bound(params["to"])
    return ReportRequest(
        aid=aid,
        data_type=data_type,
        start=start.day,
        end=end.day,
        language=params["language"],
        content_type=params["contentType"],
        filters=filters,
        schedule=params["schedule"],
        start_offset=start.offset,
        end_offset=end.offset,
    )


def check_request(request: ReportRequest, contract: Contract) -> None:
    """Raise ``ValueError`` for anything the HTTP layer should already have rejected (read from the contract)."""
    vocabulary = vocabulary_of(contract)
    if not isinstance(request.aid, str) or not vocabulary.account_pattern.search(request.aid):
        raise ValueError(f"invalid account id {request.aid!r}; expected {vocabulary.account_pattern.pattern}")
    if request.data_type not in vocabulary.data_types:
        raise ValueError(f"unknown data type {request.data_type!r}; expected one of {vocabulary.data_types}")
    check_period(request.start, request.end)
    if request.until < request.since:
        raise ValueError(f"the window ends at {request.until} before it starts at {request.since}")
    i18n.check_language(request.language)
    _check_word("language", request.language, vocabulary.languages[request.data_type], request.data_type)
    _check_word("content type", request.content_type, vocabulary.content_types[request.data_type], request.data_type)
    if request.schedule:
        _check_word("schedule", request.schedule, vocabulary.schedules[request.data_type], request.data_type)
    allowed_filters = vocabulary.filter_keys[request.data_type]
    for key, _ in request.filters:
        if not allowed_filters:
            raise ValueError(f"{request.data_type} reports take no filters, got {key!r}")
        _check_word("filter", key, allowed_filters, request.data_type)


def _check_word(what: str, value: str, allowed: tuple[str, ...], data_type: str) -> None:
    if value not in allowed:
        raise ValueError(f"{data_type} reports take the {what} {', '.join(allowed)}, not {value!r}")


def extension_of(content_type: str) -> str:
    """The file suffix (without the dot) of a report content type."""
    return _EXTENSIONS[content_type]


def report_filename(request: ReportRequest) -> str:
    """``P12345678_checkout-transactions_2026-11-01_2026-12-01.csv`` (end excluded)."""
    data_type = request.data_type.replace("/", "-")
    extension = _EXTENSIONS[request.content_type]
    return f"{request.aid}_{data_type}_{request.start}_{request.end}.{extension}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def render_report(
    request: ReportRequest, contract: Contract, *, now: Callable[[], datetime] = _utc_now
) -> RenderedReport:
    """Generate the rows of ``request`` up to ``now()`` and render them as CSV or PDF."""
    check_request(request, contract)
    since, until = request.since, min(request.until, max(request.since, now()))
    if {key for key, _ in request.filters} <= FILTERABLE_COLUMNS[request.data_type]:
        rows = generate_rows_between(request.aid, request.data_type, since, until, request.filters)
    else:  # the contract names a filter the synthetic rows have no column for: no row has such a value
        rows = []
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
            zone=request.zone_label,
        )
        media_type = PDF_MEDIA_TYPE
    return RenderedReport(body=body, media_type=media_type, filename=report_filename(request), row_count=len(rows))
