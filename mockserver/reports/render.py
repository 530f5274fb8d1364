"""One entry point: a report request in, a finished file out.

``report_request(contract, aid, params)`` (``mockserver.reports.request``) turns the accepted params of a
generate-report call into a :class:`ReportRequest`; ``render_report(request, contract)`` checks it against the
contract's vocabulary and renders it with the registry's data type and format.

Rows created after *now* are left out: a report on a day that has not ended lists what has happened so far, and a
future window is empty. Windows wholly in the past are a pure function of the request, so their bytes never change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.model.contract import Contract
from mockserver.reports.data import check_period, generate_rows_between
from mockserver.reports.registry import REPORTS, Registry
from mockserver.reports.request import ReportRequest
from mockserver.reports.vocabulary import vocabulary_of


@dataclass(frozen=True)
class RenderedReport:
    body: bytes
    media_type: str
    filename: str
    row_count: int


def check_request(request: ReportRequest, contract: Contract, reports: Registry = REPORTS) -> None:
    """Raise ``ValueError`` for anything the HTTP layer should already have rejected (read from the contract), and
    for anything the registry cannot render (the start check keeps a served contract from asking for it)."""
    vocabulary = vocabulary_of(contract)
    if not isinstance(request.aid, str) or not vocabulary.account_pattern.search(request.aid):
        raise ValueError(f"invalid account id {request.aid!r}; expected {vocabulary.account_pattern.pattern}")
    if request.data_type not in vocabulary.data_types:
        raise ValueError(f"unknown data type {request.data_type!r}; expected one of {vocabulary.data_types}")
    check_period(request.start, request.end)
    if request.until < request.since:
        raise ValueError(f"the window ends at {request.until} before it starts at {request.since}")
    _check_word("language", request.language, vocabulary.languages[request.data_type], request.data_type)
    _check_word("content type", request.content_type, vocabulary.content_types[request.data_type], request.data_type)
    if request.schedule:
        _check_word("schedule", request.schedule, vocabulary.schedules[request.data_type], request.data_type)
    allowed_filters = vocabulary.filter_keys[request.data_type]
    for key, _ in request.filters:
        if not allowed_filters:
            raise ValueError(f"{request.data_type} reports take no filters, got {key!r}")
        _check_word("filter", key, allowed_filters, request.data_type)
    keys = tuple(dict.fromkeys(key for key, _ in request.filters))
    problems = reports.missing(request.data_type, (request.content_type,), (request.language,), keys)
    if problems:
        raise ValueError("; ".join(problems))


def _check_word(what: str, value: str, allowed: tuple[str, ...], data_type: str) -> None:
    if value not in allowed:
        raise ValueError(f"{data_type} reports take the {what} {', '.join(allowed)}, not {value!r}")


def extension_of(content_type: str, reports: Registry = REPORTS) -> str:
    """The file suffix (without the dot) of a report content type."""
    return reports.format(content_type).extension


def report_filename(request: ReportRequest, reports: Registry = REPORTS) -> str:
    """``P12345678_checkout-transactions_2026-11-01_2026-12-01.csv`` (end excluded)."""
    data_type = request.data_type.replace("/", "-")
    return f"{request.aid}_{data_type}_{request.start}_{request.end}.{extension_of(request.content_type, reports)}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def render_report(
    request: ReportRequest,
    contract: Contract,
    *,
    now: Callable[[], datetime] = _utc_now,
    reports: Registry = REPORTS,
) -> RenderedReport:
    """Generate the rows of ``request`` up to ``now()`` and render them in its content type."""
    check_request(request, contract, reports)
    kind, format_ = reports[request.data_type], reports.format(request.content_type)
    since, until = request.since, min(request.until, max(request.since, now()))
    filters = kind.field_filters(request.filters)
    rows = generate_rows_between(kind.plan, kind.row_type, request.data_type, request.aid, since, until, filters)
    return RenderedReport(
        body=format_.render(rows, request, kind),
        media_type=format_.media_type,
        filename=report_filename(request, reports),
        row_count=len(rows),
    )
